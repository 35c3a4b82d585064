import Foundation
import Testing

/// `kvplan estimate` and `kvplan catalog`, run as a user would.
@Suite("kvplan estimate")
struct EstimateCommandTests {
    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("the paper's running example, as JSON lines with every documented key")
    func paperExample() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "yi-34b-200k", "--hardware", "a100-80gb-sxm",
                                     "--context", "4096", "50000", "100000", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try Self.jsonLines(run.stdout)
        #expect(rows.count == 3)
        let keys = ["model", "hardware", "gpus", "compression", "context", "output_tokens", "weights_bytes",
                    "kv_bytes_per_token", "kv_bytes", "concurrency", "prefill_flops", "prefill_attention_flops",
                    "prefill_seconds", "decode_step_seconds", "decode_seconds", "decode_tokens_per_second",
                    "context_switch_seconds", "relative_cost", "bound_prefill", "bound_decode"]
        for row in rows { for key in keys { #expect(row[key] != nil, "missing \(key)") } }
        #expect(rows.map { $0["kv_bytes_per_token"] as? Double } == [245_760, 245_760, 245_760])
        #expect(rows.map { $0["concurrency"] as? Int } == [17, 1, 0])
        let prefill = rows.compactMap { $0["prefill_seconds"] as? Double }
        #expect(prefill[0] >= 0.89 && prefill[0] <= 0.95)
        #expect(prefill[1] >= 14.1 && prefill[1] <= 20)
        let decode = rows.compactMap { $0["decode_seconds"] as? Double }
        #expect(decode[0] >= 8.4 && decode[0] <= 8.6)
        #expect(decode[1] >= 9.7 && decode[1] <= 9.9)
        let switching = try #require(rows[1]["context_switch_seconds"] as? Double)
        #expect(abs(switching - 0.77) <= 0.77 * 0.05)
        #expect(rows[0]["bound_prefill"] as? String == "compute")
        #expect(rows[0]["bound_decode"] as? String == "memory")
    }

    @Test("context suffixes, compression combinations, GPUs and a readable table")
    func tableAndOptions() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--gpus", "4",
                                     "--compression", "kivi-2bit+h2o-20", "--context", "4K", "128K", "1M", "50_000", "--users", "8"])
        #expect(run.status == 0, "\(run.stderr)")
        for token in ["4K", "128K", "1M", "50,000", "kivi-2bit+h2o-20", "sessions"] { #expect(run.stdout.contains(token), "\(token)") }
        let json = try RunKVPlan.run(["estimate", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--gpus", "4",
                                      "--context", "1M", "--json"])
        let row = try #require(try Self.jsonLines(json.stdout).first)
        #expect(row["context"] as? Int == 1_048_576)
        #expect(row["gpus"] as? Int == 4)
    }

    @Test("unknown names exit 1 with a did-you-mean; bad contexts too; usage errors exit 64")
    func errors() throws {
        let model = try RunKVPlan.run(["estimate", "--model", "yi-34b", "--hardware", "a100-80gb-sxm", "--context", "4K"])
        #expect(model.status == 1)
        #expect(model.stderr.contains("did you mean `yi-34b-200k`"))
        let hardware = try RunKVPlan.run(["estimate", "--model", "yi-34b-200k", "--hardware", "h100", "--context", "4K"])
        #expect(hardware.status == 1)
        #expect(hardware.stderr.contains("h100-sxm"))
        let context = try RunKVPlan.run(["estimate", "--model", "yi-34b-200k", "--hardware", "a100-80gb-sxm", "--context", "4Q"])
        #expect(context.status == 1)
        let usage = try RunKVPlan.run(["estimate", "--model", "yi-34b-200k"])
        #expect(usage.status == 64)
        #expect(model.stdout.isEmpty && hardware.stdout.isEmpty)
    }

    @Test("--explain prints each figure's formula with its values")
    func explain() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "yi-34b-200k", "--hardware", "a100-80gb-sxm", "--context", "50000", "--explain"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("(KV_out(n) + KV_in(n)) / (g · link_bw)"))
        #expect(run.stdout.contains("= 0.768 s"))
    }
}

@Suite("kvplan catalog")
struct CatalogCommandTests {
    @Test("lists every model, GPU and preset with a source; --json lines parse")
    func listsEverything() throws {
        let text = try RunKVPlan.run(["catalog"])
        #expect(text.status == 0)
        for name in ["yi-34b-200k", "deepseek-v3", "a100-80gb-sxm", "mi300x", "kivi-2bit", "cla-2", "h2o-20"] {
            #expect(text.stdout.contains(name), "\(name)")
        }
        for kind in ["models", "hardware", "compression"] {
            let run = try RunKVPlan.run(["catalog", kind, "--json"])
            #expect(run.status == 0)
            let rows = try EstimateCommandTests.jsonLines(run.stdout)
            #expect(rows.count >= (kind == "compression" ? 11 : 19))
            for row in rows {
                let source = (row["source"] as? String) ?? (row["citation"] as? String) ?? ""
                #expect(!source.isEmpty, "\(row["name"] ?? "?") has no source")
            }
        }
    }
}
