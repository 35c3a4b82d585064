import Foundation
import Testing
import KVStudy
@testable import KVLoader

/// Issue 12's reproducers at the loader: numbers out of range, alias bombs and blow-ups are
/// positioned diagnostics found with bounded work; echoed text is safe for a terminal.
@Suite("Hardening: ranges, bounded work, safe echoes")
struct HardeningTests {
    static let head = "title: t\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\n"

    /// The first error's `line:column: message`.
    static func firstError(_ text: String, path: String = "h.study.yaml") -> String? {
        let (study, log) = Fixtures.load(text: text, path: path)
        guard study == nil, let error = log.errors.first else { return nil }
        return "\(error.location.line):\(error.location.column): \(error.message)"
    }

    /// The issue's four crash reproducers and their neighbours, each now an error at its value.
    @Test(arguments: [
        ("contexts: [-1e19]\n", "4:12: a context length must be positive, got -1e19"),
        ("contexts: [999_999_999_999_999]\nallow_beyond_max: true\n", "4:12: a context length must be between 1 and 2^40 tokens, got `999_999_999_999_999`"),
        ("contexts: [1099511627777]\n", "4:12: a context length must be between 1 and 2^40 tokens, got `1099511627777`"),
        ("contexts: [4K]\nworkload: {short_context: 2K, long_fraction: 0.1, arrival_rate: 1e308}\n", "5:65: `arrival_rate` must be between 1e-9 and 1e9 per second, got `1e308`"),
        ("contexts: [4K]\nmeasurements:\n  - {model: llama-3.1-8b, hardware: h100-sxm, phase: prefill, batch: 1, context: 4K, seconds: 1e-300}\n",
         "6:95: `seconds` must be between 1e-12 and 1e9 seconds, got `1e-300`"),
        ("contexts: [4K]\nworkload: {output_tokens: 9223372036854775807}\n", "5:27: `output_tokens` must be between 1 and 2^40 tokens, got `9223372036854775807`"),
        ("contexts: [4K]\nworkload: {long_fraction: 1e-310, short_context: 1K, arrival_rate: 1}\n", "5:27: `long_fraction` must be a fraction in (0, 1], at least 1e-9, got `1e-310`"),
        ("contexts: {from: 1K, to: 2K, steps: 1e19}\n", "4:37: `steps` must be between 1 and 1,000,000 points, got `1e19`"),
        ("contexts: [4K]\nworkload: {reserve: 1e10 TiB}\n", "5:21: `reserve` must be between 0 and 1 EiB (2^60 B), got `1e10 TiB`"),
    ])
    func numbersOutOfRange(_ body: String, _ expected: String) {
        #expect(Self.firstError(Self.head + body) == expected)
    }

    @Test("numbers in range still load: the largest context, a tiny but real arrival rate")
    func extremesInRange() throws {
        let (study, log) = Fixtures.load(text: Self.head + "contexts: [1, 1099511627776]\nallow_beyond_max: true\nworkload: {short_context: 2K, long_fraction: 1e-9, arrival_rate: 1e-9, chunk: 1M}\n")
        let loaded = try #require(study, "\(log.summary)")
        #expect(loaded.contexts == [1, 1 << 40])
    }

    @Test("a billion-laughs alias used as a map key is counted, not expanded")
    func aliasBombAsKey() {
        let anchors = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + (1...8).map { i in
            "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }.joined()
        let started = Date()
        let error = Self.firstError(Self.head + "contexts: [4K]\n" + anchors + "k: {? *a8 : 1}\n")
        #expect(error?.hasPrefix("10:10: the alias `*a4` expands to over 200_000 values") == true, "\(error ?? "no error")")
        #expect(Date().timeIntervalSince(started) < 10, "hang guard only: the budget is a count")
    }

    @Test("the alias budget: a tree that fits is accepted, one node more is not")
    func aliasBudgetIsACount() {
        let fits = "a: &a [" + Array(repeating: "1", count: 999).joined(separator: ", ") + "]\nb: [" + Array(repeating: "*a", count: 198).joined(separator: ", ") + "]\n"
        #expect(AliasBudget.check(fits) == nil)
        let over = fits.replacingOccurrences(of: "b: [*a,", with: "b: [*a, *a,")
        #expect(AliasBudget.check(over)?.message.contains("expands to over 200_000 values") == true)
    }

    @Test("20,000 unknown keys on one line: every one counted, 100 shown, each snippet a window")
    func manyUnknownKeys() {
        let keys = (0..<20_000).map { "k\($0): 1" }.joined(separator: ", ")
        let started = Date()
        let (study, log) = Fixtures.load(text: Self.head + "contexts: [4K]\nworkload: {\(keys)}\n")
        #expect(study == nil)
        #expect(log.errorCount == 20_000)
        #expect(log.diagnostics.count == DiagnosticLog.perFileLimit + 1)
        #expect(log.diagnostics.last?.message.hasPrefix("over 100 problems in this file") == true)
        #expect(log.diagnostics.allSatisfy { ($0.sourceLine?.unicodeScalars.count ?? 0) <= 200 })
        // A hang guard, not a speed target (those live in `make bench`): a quadratic scan of the line
        // takes hours; a debug build on a loaded 2-core machine took 41 s.
        #expect(Date().timeIntervalSince(started) < 300, "hang guard only")
    }

    @Test("a measurements header with 20,000 extra columns: one error at the first column over the cap")
    func wideCSVHeader() throws {
        let directory = NSTemporaryDirectory() + "kvplan-wide-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let header = "model,hardware,phase,batch,context,seconds," + (0..<20_000).map { "x\($0)" }.joined(separator: ",")
        try (header + "\n").write(toFile: directory + "/m.csv", atomically: true, encoding: .utf8)
        let (study, log) = Fixtures.loader.load(text: Self.head + "contexts: [4K]\nmeasurements: m.csv\n", path: directory + "/s.study.yaml")
        #expect(study == nil)
        #expect(log.diagnostics.map(\.description) == [
            "\(directory)/m.csv:1:\(header.split(separator: ",").prefix(64).joined(separator: ",").count + 2): error: the header has 20_006 columns, over the limit of 64 (expected `model,hardware,phase,batch,context,seconds`)",
        ])
    }

    @Test("a 30,000-character compression name is refused at its key, before anything renders it")
    func longName() {
        let name = String(repeating: "n", count: 30_000)
        #expect(Self.firstError(Self.head + "contexts: [4K]\ncompression: [{name: \(name), kv_bits: 4}]\n")
            == "5:22: `name` is 30_000 characters long, over the limit of 200")
        #expect(Self.firstError(Self.head + "contexts: [4K]\ncompression: [\(name)]\n")?.contains("longer than any (at most 200)") == true)
    }

    @Test("300 chart cells: an error at the first cell over the cap; 100 charts: at the first chart over it")
    func manyCharts() {
        #expect(Self.firstError(Self.head + "contexts: [4K]\ncells:\n" + String(repeating: "  - chart: decode\n", count: 300))
            == "\(6 + StudyReader.cellLimit):5: `cells` has 300 cells, over the limit of \(StudyReader.cellLimit): split the notebook into several studies")
        #expect(Self.firstError(Self.head + "contexts: [4K]\ncells:\n" + String(repeating: "  - chart: decode\n", count: 100))
            == "\(6 + StudyReader.chartLimit):5: `cells` has 100 charts, over the limit of \(StudyReader.chartLimit): split the notebook into several studies")
    }

    @Test("U+2028, U+2029 and U+0085 end lines as libyaml counts them", arguments: ["\u{2028}", "\u{2029}", "\u{85}"])
    func unicodeLineBreaks(_ separator: String) {
        let text = "title: t\ndescription: \"a\(separator)b\"\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncontexts: [4K]\nunits: binry\n"
        let (_, log) = Fixtures.load(text: text)
        #expect(log.errors.first?.location.line == 7)
        #expect(log.errors.first?.rendered.hasSuffix("\nunits: binry\n       ^") == true)
    }

    @Test("control characters in a one-line value are an error; echoes escape them")
    func controlCharacters() {
        #expect(Self.firstError("title: \"red \\e[31m title\"\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncontexts: [4K]\n")
            == "1:8: `title` holds the control character U+1B: remove it (a one-line value)")
        let escaped = Self.firstError(Self.head + "contexts: [4K]\n\"bad\\e[2Jkey\\nline\": 1\n")
        #expect(escaped == "5:1: unknown key `bad\\u{1B}[2Jkey\\nline` in the study")
    }

    @Test("a long value is elided where a diagnostic echoes it")
    func longEcho() throws {
        let value = String(repeating: "k", count: 1_500)
        let (_, log) = Fixtures.load(text: Self.head + "contexts: [4K]\nunits: \(value)\n")
        let message = try #require(log.errors.first?.message)
        #expect(message.hasSuffix("…kkkkkkkkkk (1_500 characters)`"))
        #expect(message.count < 200)
    }

    @Test("a chunked-prefill sweep beyond the iteration cap is refused at `chunk`")
    func chunkIterations() {
        #expect(Self.firstError(Self.head + "contexts: [1099511627776]\nallow_beyond_max: true\nworkload: {short_context: 2K, long_fraction: 0.1, arrival_rate: 1, chunk: 16}\n")
            == "6:75: chunked prefill of the sweep in chunks of 16 tokens takes 68_719_476_736 iterations, over the limit of 4_194_304: raise `chunk` or sweep shorter contexts")
    }
}

@Suite("Hardening: a rendered study's size is capped")
struct ReportPointLimitTests {
    static func load(_ text: String, _ limits: SweepLimits) -> (Study?, DiagnosticLog) {
        StudyLoader(catalog: Fixtures.loader.catalog, limits: limits).load(text: text, path: "r.study.yaml")
    }

    @Test("a report takes 1,000,000 points, as check and estimate do; one more is refused")
    func reportPointLimit() throws {
        let million = HardeningTests.head + "contexts: {from: 1K, to: 1M, steps: 1000000, scale: linear}\n"
        let (forReport, log) = Self.load(million, .report)
        #expect(forReport != nil, "\(log.summary)")
        let over = "title: t\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncompression: [none, kivi-2bit]\ncontexts: {from: 1K, to: 1M, steps: 500001, scale: linear}\n"
        let (refused, refusal) = Self.load(over, .report)
        #expect(refused == nil)
        #expect(refusal.errors.first?.message.contains("over the limit of 1_000_000 for a report") == true, "\(refusal.summary)")
    }

    @Test("a report bounds its scenarios (20,000); a preview takes at most 20,000 points")
    func scenarioAndPreviewLimits() throws {
        #expect(SweepLimits.report.scenarios == 20_000)
        let four = "title: t\nmodels: [llama-3.1-8b, llama-3.1-70b]\nhardware: [h100-sxm, h200-sxm]\ncontexts: [4K]\n"
        let (refused, log) = Self.load(four, SweepLimits(points: StudyLoader.pointLimit, scenarios: 3, purpose: "a report"))
        #expect(refused == nil)
        #expect(log.errors.first?.message == "the study has 4 scenarios (2 models × 2 hardware × 1 compressions × 1 mode), over the limit of 3 for a report: narrow it with fewer entries")
        let text = HardeningTests.head + "contexts: {from: 1K, to: 1M, steps: 20001, scale: linear}\n"
        let (preview, previewLog) = Self.load(text, .preview)
        #expect(preview == nil)
        #expect(previewLog.errors.first?.message.contains("over the limit of 20_000 for a preview") == true)
        let (forReport, reportLog) = Self.load(text, .report)
        #expect(forReport != nil, "\(reportLog.summary)")
    }
}
