import Foundation
import Testing

/// `kvplan plan` end to end (issue 14's acceptance).
@Suite("kvplan plan")
struct PlanCommandTests {
    static let example = "examples/plan-long-context-chat.study.yaml"

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let run = try RunKVPlan.run(["plan"] + arguments + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test("the example prints the cheapest deployment, its binding constraint and a ranked table")
    func example() throws {
        let run = try RunKVPlan.run(["plan", Self.example])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("replicas ("), "\(run.stdout)")
        #expect(run.stdout.contains("per million output tokens, the whole bill charged to them); binding: "))
        // The example's short prompts wait behind its 128K prompts: the long prompts apart, priced.
        #expect(run.stdout.contains("With the 128K-token prompts routed to replicas of their own"))
        #expect(run.stdout.contains("rank  deployment"))
    }

    @Test("--json has the answer's keys, and they agree with each other")
    func jsonKeys() throws {
        let plan = try Self.json([Self.example])
        let cheapest = try #require(plan["cheapest"] as? [String: Any])
        for key in ["replicas", "gpus", "dollars_per_hour", "dollars_per_million_output_tokens", "ttft_p99_seconds", "tpot_seconds", "binding"] {
            #expect(cheapest[key] != nil && !(cheapest[key] is NSNull), "missing \(key)")
        }
        let replicas = try #require(cheapest["replicas"] as? Int), perReplica = try #require(cheapest["gpus_per_replica"] as? Int)
        let gpus = try #require(cheapest["gpus"] as? Int), price = try #require(cheapest["price_per_gpu_hour"] as? Double)
        #expect(gpus == replicas * perReplica)
        let hourly = try #require(cheapest["dollars_per_hour"] as? Double)
        #expect(abs(hourly - Double(gpus) * price) < 1e-9 * hourly)
        // The whole bill over the output tokens of 6 requests/s × (0.8·300 + 0.2·1000) tokens.
        let perMillion = try #require(cheapest["dollars_per_million_output_tokens"] as? Double)
        #expect(abs(perMillion - hourly / (3600 * 6 * 440) * 1e6) < 1e-9 * perMillion)
        #expect(["memory", "throughput", "ttft_p99", "ttft_p50", "tpot_p99"].contains(cheapest["binding"] as? String ?? ""))
        #expect(try #require(cheapest["ttft_p99_seconds"] as? Double) <= 2)
        #expect(try #require(cheapest["tpot_p99_seconds"] as? Double) <= 0.06)
    }

    @Test("doubling the arrival rate never lowers the cost; a stricter target never lowers it either")
    func monotone() throws {
        var previous = 0.0
        for rate in ["1.5", "3", "6", "12"] {
            let cheapest = try #require(try Self.json([Self.example, "--arrival-rate", rate])["cheapest"] as? [String: Any])
            let cost = try #require(cheapest["dollars_per_hour"] as? Double)
            #expect(cost >= previous, "at \(rate) requests/s")
            previous = cost
        }
        previous = 0
        for target in ["0.2", "0.06", "0.03"] {
            let plan = try Self.json([Self.example, "--tpot-p99", target])
            let cost = (plan["cheapest"] as? [String: Any])?["dollars_per_hour"] as? Double ?? .infinity
            #expect(cost >= previous, "TPOT p99 \(target) s")
            previous = cost
        }
    }

    @Test("a prompt no candidate holds: exit 0, no table, and the constraint that fails for the closest")
    func infeasible() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kvplan-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let study = directory.appendingPathComponent("huge.study.yaml")
        try """
            title: A prompt beyond every candidate
            models: [llama-3.1-8b]
            hardware: [{preset: h100-sxm, price_per_hour: 2.5}]
            contexts: [4K]
            plan:
              arrival_rate: 1
              prompts: [{context: 2K, share: 0.9}, {context: 64M, share: 0.1, ttft_p99: 1min}]
              outputs: [{tokens: 200, share: 1}]
              targets: {ttft_p99: 2s, tpot_p99: 100ms}
            """.write(to: study, atomically: true, encoding: .utf8)
        let run = try RunKVPlan.run(["plan", study.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("No candidate meets the targets"))
        #expect(run.stdout.contains("fails on memory: one session of 64M + 200 tokens needs"))
        #expect(!run.stdout.contains("rank  deployment"))
        let plan = try Self.json([study.path])
        #expect(plan["cheapest"] is NSNull)
        #expect((plan["closest"] as? [String: Any])?["binding"] as? String == "memory")
    }

    @Test("a study without a plan block is an error that says what to add")
    func noPlan() throws {
        let run = try RunKVPlan.run(["plan", "examples/multi-tenant.study.yaml"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("has no `plan:` block"))
    }
}
