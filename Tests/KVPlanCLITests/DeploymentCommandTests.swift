import Foundation
import Testing

/// Issue 11's acceptance, run as a user would: sessions that grow, KV under tensor parallelism,
/// communication in `--explain`, a study across nodes, speculative decoding in the JSON.
@Suite("kvplan estimate: deployment figures")
struct DeploymentCommandTests {
    @Test("Llama-3.1-8B, 2K + 4096 tokens, 10,000 users: 86 sessions through their last token, no spill")
    func sessionsThatGrow() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--context", "2K",
                                     "--output-tokens", "4096", "--users", "10000", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let row = try #require(try EstimateCommandTests.jsonLines(run.stdout).first)
        #expect(row["concurrency"] as? Int == 260)
        #expect(row["concurrency_sustained"] as? Int == 86)
        #expect(row["decode_batch"] as? Int == 86)
        #expect(row["regime"] as? String == "hbm")
        let decode = try #require(row["decode_seconds"] as? Double)
        #expect(abs(decode - 74.8) < 0.2)
        let session = try #require(row["session_gpu_seconds"] as? Double)
        #expect(abs(session - 0.90) < 0.01)
    }

    @Test("DeepSeek-V3 on 8× H200 with fp8 weights: ≈234 sessions at 4K and 7 at 128K")
    func mlaOnEveryRank() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "deepseek-v3", "--hardware", "h200-sxm", "--gpus", "8",
                                     "--weight-precision", "fp8", "--context", "4K", "128K", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try EstimateCommandTests.jsonLines(run.stdout)
        #expect(rows.map { $0["concurrency"] as? Int } == [234, 7])
        #expect(rows.map { $0["kv_replication"] as? Double } == [8, 8])
        let data = try RunKVPlan.run(["estimate", "--model", "deepseek-v3", "--hardware", "h200-sxm", "--gpus", "8",
                                      "--weight-precision", "fp8", "--attention-parallel", "data", "--context", "4K", "--json"])
        let row = try #require(try EstimateCommandTests.jsonLines(data.stdout).first)
        #expect((row["concurrency"] as? Int ?? 0) > 1000)
    }

    @Test("--explain states the communication with its formula and source; JSON carries communication_seconds")
    func communicationExplained() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--gpus", "8",
                                     "--context", "4K", "--explain"])
        #expect(run.status == 0, "\(run.stderr)")
        for text in ["Communication (tensor parallel)", "2 all-reduces per layer", "2(g−1)/g · S / bw_link", "NCCL", "Megatron-LM",
                     "Concurrency through the last token", "Prefill activation memory"] {
            #expect(run.stdout.contains(text), "\(text)")
        }
        let json = try RunKVPlan.run(["estimate", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--gpus", "8",
                                      "--context", "4K", "--json"])
        let row = try #require(try EstimateCommandTests.jsonLines(json.stdout).first)
        let communication = try #require(row["communication_seconds"] as? Double)
        let prefill = try #require(row["prefill_seconds"] as? Double)
        #expect(communication / (prefill - communication) > 0.5)
    }

    @Test("a study with gpus: 16 on 8-GPU nodes sends the cross-node part over the network")
    func acrossNodes() throws {
        let run = try RunKVPlan.run(["estimate", "--study", "examples/parallel-layouts.study.yaml", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try EstimateCommandTests.jsonLines(run.stdout)
        let tp8 = try #require(rows.first { $0["hardware"] as? String == "h200-tp8" && $0["model"] as? String == "llama-3.1-70b" && $0["context"] as? Int == 4096 })
        let tp16 = try #require(rows.first { $0["hardware"] as? String == "h200-tp16" && $0["model"] as? String == "llama-3.1-70b" && $0["context"] as? Int == 4096 })
        // The 16-way all-reduce's network part makes it slower than the 8-way one on NVLink alone.
        #expect((tp16["communication_tensor_seconds"] as? Double ?? 0) > (tp8["communication_tensor_seconds"] as? Double ?? 0))
        let explain = try RunKVPlan.run(["estimate", "--model", "llama-3.1-70b", "--hardware", "h200-sxm", "--gpus", "16",
                                         "--context", "4K", "--explain"])
        #expect(explain.stdout.contains("k = 8 GPUs per node, N = 2 nodes"))
        #expect(explain.stdout.contains("bw_net = 5e10 B/s"))
        let pipeline = try #require(rows.first { $0["hardware"] as? String == "h200-tp8-pp2" && $0["model"] as? String == "llama-3.1-70b" })
        #expect((pipeline["communication_pipeline_seconds"] as? Double ?? 0) > 0)
        #expect(pipeline["pipeline_stages"] as? Int == 2)
    }

    @Test("speculative decoding: figures in the JSON; where it pays off")
    func speculative() throws {
        let run = try RunKVPlan.run(["estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--context", "2K", "128K",
                                     "--users", "64", "--draft", "self-4K", "--draft-tokens", "4", "--acceptance", "0.8", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try EstimateCommandTests.jsonLines(run.stdout)
        #expect(rows.map { $0["speculative_draft"] as? String } == ["self-4096", "self-4096"])
        let tokens = try #require(rows[0]["speculative_tokens_per_step"] as? Double)
        #expect(abs(tokens - (1 - pow(0.8, 5)) / 0.2) < 1e-9)
        #expect((rows[1]["speculative_speedup"] as? Double ?? 0) > 1)
        let usage = try RunKVPlan.run(["estimate", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--context", "2K", "--acceptance", "0.8"])
        #expect(usage.status == 64)
    }
}
