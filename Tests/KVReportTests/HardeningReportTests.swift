import Foundation
import Testing
@testable import KVLoader
@testable import KVReport

/// Issue 12 at the report stage: formatters are total, CSV cells are not formulas, JSON has no
/// float noise, and studies at the edges of every range render without a trap.
@Suite("Hardening: total formatters, safe CSV, extreme studies")
struct HardeningReportTests {
    @Test("every formatter answers for every Double", arguments: [
        0, -0.0, 1e-320, 5e-324, -5e-324, 1e-300, 1e-9, 0.5, 1, 9.2e18, 9.3e18, 1e19, -1e19, 1e300, -1e300,
        Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
    ])
    func totalFormatters(_ value: Double) {
        let texts = [
            Format.fixed(value, significant: 3), Format.decimalString(value, decimals: 9), Format.seconds(value),
            Format.factor(value), Format.flops(value), Format().bytes(value), Format(sizeUnits: .binary).bytes(value),
            JSONValue.number(value).text, JSONValue.finite(value).text, TableBuilder.raw(value),
        ]
        #expect(texts.allSatisfy { !$0.contains("nan") && $0.count < 400 }, "\(texts)")
    }

    @Test("large values in fixed notation switch to a mantissa and exponent")
    func scientific() {
        #expect(Format.fixed(1e19, significant: 3) == "1.00e19")
        #expect(Format.fixed(-2.5e300, significant: 3) == "-2.50e300")
        #expect(Format.seconds(1e20) == "1.00e20 s")
    }

    @Test("JSON numbers: no float noise, and the text reads back", arguments: [
        (12548.000000000002, "12548"), (0.1 + 0.2, "0.3"), (245760, "245760"), (1.5e-7, "1.5e-07"), (17.62345678901234, "17.6234567890123"),
    ])
    func jsonNumbers(_ value: Double, _ expected: String) {
        let text = JSONValue.number(value).text
        #expect(text == expected)
        #expect(abs((Double(text) ?? .nan) - value) <= abs(value) * 1e-14)
    }

    @Test("CSV: formula-like text is quoted behind a `'`; numbers in numeric columns stay numbers", arguments: [
        ("=cmd|' /C calc'!A0", false, "\"'=cmd|' /C calc'!A0\""),
        ("+1+1", false, "\"'+1+1\""), ("-1+1", true, "\"'-1+1\""), ("@SUM(A1)", false, "\"'@SUM(A1)\""),
        ("\tx", false, "\"'\tx\""), ("=\"x\"", false, "\"'=\"\"x\"\"\""),
        ("-1.5", true, "-1.5"), ("-2e-05", true, "-2e-05"), ("-1.5", false, "\"'-1.5\""), ("plain", false, "plain"),
    ])
    func csvInjection(_ text: String, _ numeric: Bool, _ expected: String) {
        #expect(TableBuilder.csvField(text, numeric: numeric) == expected)
    }

    @Test("a model named like a formula reaches the CSV neutralised")
    func csvFromAStudy() throws {
        let study = ReportTests.study("""
            title: t
            models: [{preset: llama-3.1-8b, name: "=HYPERLINK(\\"http://x\\")"}]
            hardware: [h100-sxm]
            contexts: [4K]
            """)
        let files = try ReportTests.site([study])
        let csvs = files.filter { $0.key.hasSuffix(".csv") }.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(!csvs.isEmpty)
        for csv in csvs {
            for line in csv.split(separator: "\n") {
                #expect(!line.hasPrefix("=") && !line.contains(",=") && !line.contains(",\"="), "\(line)")
            }
        }
        #expect(csvs.contains { $0.contains("\"'=HYPERLINK(\"\"http://x\"\")\"") })
    }

    /// The render crashes, and the edges of each range: they render, and say "—" or a
    /// large number where a figure is absurd, instead of trapping.
    @Test("studies at the edges of the ranges render", arguments: [
        "contexts: [1, 1099511627776]\nallow_beyond_max: true\n",
        "contexts: [4K]\nworkload: {short_context: 2K, long_fraction: 0.1, arrival_rate: 1e9}\n",
        "contexts: [1K]\nworkload: {short_context: 1, long_fraction: 1e-9, arrival_rate: 1e-9, chunk: 1}\n",
        "contexts: [4K]\nworkload: {output_tokens: 1099511627776, users: 1073741824, max_batch: 1}\n",
        "contexts: [4K, 1M]\ncompression: [{name: tiny, kv_bits: 1, kv_rank: 1e-9, token_keep: 1e-9, kv_layers: 1e-9}]\n",
        "contexts: [4K]\nhardware: [{name: huge, gpus: 65536, pp: 2048, hbm: 1048576 TiB, hbm_bandwidth: 1e18, flops: 1e21, host_link: 1 B/s, price_per_hour: 1e9}]\n",
        "contexts: [4K]\nhardware: [{name: tiny, hbm: 1 GiB, hbm_bandwidth: 1 B/s, flops: 1, host_link: 1e18, price_per_hour: 1e-9}]\nallow_beyond_max: true\n",
        "contexts: [4K, 1099511627776]\nallow_beyond_max: true\nmodels: [{name: big, layers: 65536, hidden: 16777216, heads: 65536, kv_heads: 65536, head_dim: 65536, ffn: 16777216, vocab: 16777216, max_context: 1099511627776}]\n",
        "contexts: [4K]\nmodels: [{name: small, layers: 1, hidden: 1, heads: 1, kv_heads: 1, head_dim: 1, ffn: 1, vocab: 1, max_context: 1}]\nallow_beyond_max: true\n",
        "contexts: [4K]\nmeasurements:\n  - {model: llama-3.1-8b, hardware: h100-sxm, phase: prefill, batch: 1, context: 4K, seconds: 1e-12}\n  - {model: llama-3.1-8b, hardware: h100-sxm, phase: decode_step, batch: 1073741824, context: 1099511627776, seconds: 1e9}\n",
    ])
    func extremeStudies(_ body: String) throws {
        var yaml = "title: edge\n"
        if !body.contains("models: [") { yaml += "models: [llama-3.1-8b]\n" }
        if !body.contains("hardware: [") { yaml += "hardware: [h100-sxm]\n" }
        let (study, log) = StudyLoader(catalog: ReportTests.catalog).load(text: yaml + body, path: "edge.study.yaml")
        let loaded = try #require(study, "\(log.diagnostics.map(\.description))")
        let files = try ReportTests.site([loaded])
        #expect(files["edge.html"] != nil)
    }
}
