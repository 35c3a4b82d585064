import Foundation
import Testing
@testable import KVReport

@Suite("A long download written in pieces on every core")
struct OrderedPiecesTests {
    /// Row `i` as text, the piece as its rows' concatenation.
    static func rows(_ range: Range<Int>) -> [UInt8] { Array(range.map { "row \($0)\n" }.joined().utf8) }

    static func written(count: Int, rowsPerPiece: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try OrderedPieces.write(count: count, rowsPerPiece: rowsPerPiece, make: { rows($0) }, output: { bytes += $0 })
        return bytes
    }

    @Test("the bytes are those of one pass over the rows, for any count and piece size")
    func sameBytesAsOnePass() throws {
        for (count, rowsPerPiece) in [(0, 4), (1, 4), (4, 4), (5, 4), (1000, 7), (1000, 1), (10_000, 512)] {
            #expect(try Self.written(count: count, rowsPerPiece: rowsPerPiece) == Self.rows(0..<count), "\(count) rows by \(rowsPerPiece)")
        }
    }

    struct Broken: Error, Equatable { var piece: Int }

    @Test("an error in a piece stops the writing there: the pieces before it are written, none after")
    func errorStopsInOrder() {
        var bytes: [UInt8] = []
        #expect(throws: Broken(piece: 37)) {
            try OrderedPieces.write(count: 1000, rowsPerPiece: 10, make: { range in
                if range.lowerBound / 10 == 37 { throw Broken(piece: 37) }
                return Self.rows(range)
            }, output: { bytes += $0 })
        }
        #expect(bytes == Self.rows(0..<370))
    }

    @Test("written from every thread of the pool at once (a site's studies in parallel), each file still whole")
    func fromEveryThreadOfThePool() {
        let files = 4 * max(2, ProcessInfo.processInfo.activeProcessorCount)
        let results = Site.inParallel(files) { file in
            try? Self.written(count: 2_000 + file, rowsPerPiece: 16)
        }
        for (file, bytes) in results.enumerated() { #expect(bytes == Self.rows(0..<(2_000 + file)), "file \(file)") }
    }
}
