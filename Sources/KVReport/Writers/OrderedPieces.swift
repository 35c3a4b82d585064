import Foundation

/// A long download (a large study's CSV or JSON) written as pieces of consecutive rows, each
/// made on whichever core is free and handed over in row order: the bytes are those of one pass
/// over the rows, whatever the scheduling, and only a few pieces are ever held (two per core).
enum OrderedPieces {
    /// Rows `0..<count` in pieces of `rowsPerPiece`: `make` returns a piece's bytes (on any
    /// thread, several at once), `output` receives them in order on the calling thread. A table
    /// of one piece is made right here. The first error, of `make` in row order or of `output`,
    /// stops the writing; no piece is still being made when this returns or throws.
    static func write(count: Int, rowsPerPiece: Int, make: @escaping @Sendable (Range<Int>) throws -> [UInt8],
                      output: ([UInt8]) throws -> Void) throws {
        let pieces = (count + rowsPerPiece - 1) / rowsPerPiece
        let range = { @Sendable (piece: Int) in piece * rowsPerPiece..<min(count, (piece + 1) * rowsPerPiece) }
        guard pieces > 1 else {
            if pieces == 1 { try output(try make(range(0))) }
            return
        }
        let window = min(pieces, 2 * max(1, ProcessInfo.processInfo.activeProcessorCount))
        let slots = (0..<window).map { _ in Slot() }
        let group = DispatchGroup()
        defer { group.wait() }
        func start(_ piece: Int) {
            let slot = slots[piece % window], rows = range(piece)
            DispatchQueue.global().async(group: group) {
                slot.result = Result { try make(rows) }
                slot.ready.signal()
            }
        }
        for piece in 0..<window { start(piece) }
        for piece in 0..<pieces {
            let slot = slots[piece % window]
            slot.ready.wait()
            let result = slot.result!
            slot.result = nil
            // The slot is free again: the piece a window ahead goes into it while this one is written.
            if piece + window < pieces { start(piece + window) }
            try output(try result.get())
        }
    }

    /// Where one piece in flight is made: written by its worker before `ready` is signalled,
    /// read by the writer after waiting on it.
    private final class Slot: @unchecked Sendable {
        var result: Result<[UInt8], any Error>?
        let ready = DispatchSemaphore(value: 0)
    }
}
