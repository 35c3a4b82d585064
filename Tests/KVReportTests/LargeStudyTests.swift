import Foundation
import Testing
import KVEstimator
import KVStudy
@testable import KVReport
import KVTemplates

/// Issue 13: a study of many points is laid out at an even spread of its contexts (with every
/// context where a sentence's subject changes), while its CSV and JSON downloads stream every
/// point, computed as they are written.
@Suite("Large studies")
struct LargeStudyTests {
    /// 2 models × 1,500 contexts: over the 1,000 contexts a report lays out point by point.
    /// Llama-3.1-8B's maximum (131,072) falls between two swept contexts.
    static let large = ReportTests.study("""
        title: Large
        models: [llama-3.1-8b, qwen2.5-7b-1m]
        hardware: [h100-sxm]
        contexts: {from: 1K, to: 1M, steps: 1500, scale: linear}
        allow_beyond_max: true
        """, path: "large.study.yaml")

    @Test("the evaluation holds a spread of the contexts, the endpoints and both sides of each model's maximum")
    func laidOutContexts() throws {
        let evaluation = try StudyEvaluation(study: Self.large)
        let sweep = try #require(evaluation.sweep)
        #expect(sweep.pointCount == 3_000 && sweep.contexts == Self.large.contexts)
        #expect(evaluation.contexts.count >= 1_000 && evaluation.contexts.count < 1_500)
        #expect(evaluation.contexts.first == Self.large.contexts.first && evaluation.contexts.last == Self.large.contexts.last)
        #expect(evaluation.series.allSatisfy { $0.estimates.map(\.context) == evaluation.contexts })
        let limit = 131_072
        let lastWithin = try #require(Self.large.contexts.last { $0 <= limit })
        let firstBeyond = try #require(Self.large.contexts.first { $0 > limit })
        #expect(evaluation.contexts.contains(lastWithin) && evaluation.contexts.contains(firstBeyond))
        // Laid-out and streamed points are the same computation.
        var streamed: [Int: Estimate] = [:]
        sweep.forEach { series, estimate in if series.label == evaluation.series[0].label { streamed[estimate.context] = estimate } }
        for estimate in evaluation.series[0].estimates {
            var untraced = estimate
            untraced.traces = []
            #expect(streamed[estimate.context] == untraced)
        }
    }

    @Test("`kvplan estimate` evaluates every context, however many")
    func estimateHoldsEveryContext() throws {
        let evaluation = try StudyEvaluation(study: Self.large, contexts: .all)
        #expect(evaluation.sweep == nil && evaluation.contexts == Self.large.contexts)
        #expect(evaluation.series.allSatisfy { $0.estimates.count == 1_500 })
    }

    @Test("the page shows a spread of rows; the CSVs and the JSON hold every point")
    func downloadsHoldEveryPoint() throws {
        let files = try ReportTests.site([Self.large])
        let page = ReportTests.text(files, "large.html")
        let lines = { (path: String) in ReportTests.text(files, path).split(separator: "\n", omittingEmptySubsequences: false).count - 1 }
        let csvs = files.keys.filter { $0.hasPrefix("large/") && $0.hasSuffix(".csv") }
        #expect(csvs.contains { lines($0) == 3_001 }, "the appendix: a header and 3,000 rows")
        #expect(csvs.filter { lines($0) == 1_501 }.count >= 4, "each table by context length: a header and 1,500 rows")
        let json = try JSONSerialization.jsonObject(with: Data(files["large/large.json"] ?? [])) as? [String: Any]
        #expect((json?["estimates"] as? [Any])?.count == 3_000)
        #expect(page.contains("of 3000 rows shown; the CSV holds them all"))
        #expect(page.contains("of 1500 rows shown; the CSV holds them all"))
        #expect(page.contains("This study has 3,000 points"))
        #expect(page.contains("of the study&#39;s 1,500 contexts"), "the KV chart counts the study's contexts, not the laid-out ones")
    }

    @Test("every row a page shows is the streamed CSV's row for the same point")
    func shownRowsAreStreamedRows() throws {
        let evaluation = try StudyEvaluation(study: Self.large)
        let renderer = ReportRenderer(templates: try ReportTemplates())
        let document = renderer.document(for: evaluation, slug: "large")
        let appendix = try #require(document.tables.first { $0.caption.hasPrefix("Every estimate") })
        let all = appendix.values.all
        #expect(all.count == 3_000)
        let byPoint = Dictionary(all.map { ("\($0[0]) \($0[1])", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(appendix.shownCells.count > 50)
        for row in appendix.shownCells {
            #expect(byPoint["\(row[0].value) \(row[1].value)"] == row.map(\.value))
        }
    }
}

@Suite("SHA-256 in pieces")
struct SHA256PiecesTests {
    @Test("a file hashed as it is written in pieces has the hash of its whole bytes")
    func piecesHashAsTheWhole() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
        var hasher = SHA256()
        var start = 0
        for size in [1, 63, 64, 65, 127, 1000, 3] + Array(repeating: 4096, count: 3) where start < bytes.count {
            let end = min(bytes.count, start + size)
            hasher.update(Array(bytes[start..<end]))
            start = end
        }
        hasher.update(Array(bytes[start...]))
        #expect(hasher.finalHex() == SHA256.hex(bytes))
    }

    @Test("the CPU's SHA instructions and the Swift rounds give the same digest, at every length around a block")
    func hardwareAsSwift() {
        var random = SplitMix64(seed: 13)
        let bytes = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for count in Array(0...200) + [4095, 4096, 4097, 65_536, 70_000] {
            var hardware = SHA256(hardware: true), swift = SHA256(hardware: false)
            // In two pieces, so that a pending partial block meets whole ones.
            let cut = count / 3
            for hasher in [0, 1] {
                for piece in [Array(bytes[0..<cut]), Array(bytes[cut..<count])] {
                    if hasher == 0 { hardware.update(piece) } else { swift.update(piece) }
                }
            }
            let expected = swift.finalHex()
            #expect(hardware.finalHex() == expected, "\(count) bytes")
            #expect(SHA256.hex(Array(bytes[0..<count])) == expected, "\(count) bytes")
        }
    }
}
