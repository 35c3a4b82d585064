import Foundation
import Testing

/// `kvplan estimate` with a mixed workload (issue 6's acceptance, end to end).
@Suite("kvplan estimate: sharing the GPU")
struct SharingCommandTests {
    static let arguments = ["estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--context", "128K",
                            "--short-context", "2K", "--long-fraction", "0.1", "--chunk", "2048", "--json"]

    static func row(rate: String) throws -> [String: Any] {
        let run = try RunKVPlan.run(arguments + ["--arrival-rate", rate])
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try EstimateCommandTests.jsonLines(run.stdout).first)
    }

    @Test("every sharing key; stall = prefill; chunked step far below; TTFT mean is Pollaczek–Khinchine")
    func acceptance() throws {
        let row = try Self.row(rate: "1")
        for key in ["prefill_stall_seconds", "chunked_prefill_seconds", "chunked_step_seconds", "ttft_short_mean_seconds",
                    "ttft_short_p99_seconds", "concurrency_paged", "concurrency_reserved", "kv_transfer_seconds",
                    "kv_transfer_breakeven_context"] {
            #expect(row.keys.contains(key), "missing \(key)")
        }
        let prefill = try #require(row["prefill_seconds"] as? Double)
        #expect(row["prefill_stall_seconds"] as? Double == prefill)
        #expect(try #require(row["chunked_step_seconds"] as? Double) < prefill / 10)
        #expect(try #require(row["chunked_prefill_seconds"] as? Double) >= prefill)
        // Pollaczek–Khinchine on the two prefill times, from kvplan's own prefill at 2K and 128K.
        let short = try EstimateCommandTests.jsonLines(RunKVPlan.run(
            ["estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--context", "2K", "--json"]).stdout)[0]
        let s1 = try #require(short["prefill_seconds"] as? Double), s2 = prefill
        let (p, lambda) = (0.1, 1.0)
        let mean = (1 - p) * s1 + p * s2, second = (1 - p) * s1 * s1 + p * s2 * s2
        let wait = lambda * second / (2 * (1 - lambda * mean))
        let ttft = try #require(row["ttft_short_mean_seconds"] as? Double)
        #expect(abs(ttft - (wait + s1)) <= 1e-9 * ttft)
        #expect(try #require(row["ttft_short_p99_seconds"] as? Double) > ttft)
    }

    @Test("a rate that saturates the prefill queue gives null TTFTs")
    func saturation() throws {
        let row = try Self.row(rate: "5")
        #expect(row["ttft_short_mean_seconds"] is NSNull)
        #expect(row["ttft_short_p99_seconds"] is NSNull)
        #expect(row["saturated"] as? Bool == true)
    }

    @Test("the table adds a sharing table")
    func table() throws {
        let run = try RunKVPlan.run(Array(Self.arguments.dropLast()) + ["--arrival-rate", "1"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Sharing the GPU: 10.0% long requests beside 2K-token ones"))
        #expect(run.stdout.contains("short TTFT mean"))
    }

    @Test("the mix's options go together (usage error otherwise)")
    func optionsGoTogether() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--context", "128K", "--short-context", "2K"])
        #expect(run.status == 64)
    }
}
