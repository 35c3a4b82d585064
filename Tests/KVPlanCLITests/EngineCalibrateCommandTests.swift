import Foundation
import Testing

/// `kvplan calibrate` on a study whose measurements are a serving benchmark's result files.
@Suite("kvplan calibrate on serving-engine results")
struct EngineCalibrateCommandTests {
    static func fixture(_ folder: String) -> String {
        RunKVPlan.packageRoot.appendingPathComponent("Tests/KVLoaderTests/Fixtures/engines/\(folder)/\(folder).study.yaml").path
    }

    @Test("prints fitted factors for each tool's fixture, and a warning naming each run left out", arguments: [
        ("vllm", "llama-3.1-8b-h100.jsonl:6:1: warning: line 6 (20 req/s) is left out of the fit"),
        ("sglang", "llama-3.1-8b-h100.jsonl:5:1: warning: line 5 (concurrency 64) is left out of the fit"),
        ("guidellm", "benchmarks.json:467:5: warning: benchmark 2, throughput (all requests at once) is left out of the fit"),
        ("aiperf", "c128-isl8192.json:1:1: warning: the run (concurrency 128) is left out of the fit"),
    ])
    func calibrate(folder: String, warning: String) throws {
        let run = try RunKVPlan.run(["calibrate", Self.fixture(folder), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try CalibrationCommandTests.object(run.stdout)
        let factors = try #require((json["hardware"] as? [String: [String: Double]])?["h100-sxm"])
        #expect(factors.keys.contains("matmul") && factors.keys.contains("memory"))
        for value in factors.values { #expect(value > 0 && value <= 1) }
        let before = try #require(json["mape_before"] as? Double), after = try #require(json["mape_after"] as? Double)
        #expect(before > 0.3 && after < 0.1, "\(before) → \(after)")
        #expect(run.stderr.contains(warning), "\(run.stderr)")
    }

    @Test("a malformed result file: exit 1, the error at its line and column naming the field")
    func malformed() throws {
        let directory = NSTemporaryDirectory() + "kvplan-engine-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            {"model_id": "meta-llama/Llama-3.1-8B-Instruct", "max_concurrency": 1, "request_rate": "inf",
             "completed": 50, "total_input_tokens": 51200, "total_output_tokens": 6400,
             "mean_ttft_ms": "fast", "mean_itl_ms": 7.5}
            """.write(toFile: directory + "/r.json", atomically: true, encoding: .utf8)
        try """
            title: t
            models: [llama-3.1-8b]
            hardware: [h100-sxm]
            contexts: [4K]
            measurements: r.json
            """.write(toFile: directory + "/t.study.yaml", atomically: true, encoding: .utf8)
        let run = try RunKVPlan.run(["calibrate", directory + "/t.study.yaml"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("r.json:3:18: error: `mean_ttft_ms` (mean time to first token, ms) must be a number ≥ 0, found `fast`"), "\(run.stderr)")
    }
}
