import Foundation
import Testing

/// `kvplan estimate --study` on a study with `kv_tiers` (issue 15), end to end.
@Suite("kvplan estimate: where the KV lives")
struct KVTierCommandTests {
    static let study = "examples/coding-agent-kv-tiers.study.yaml"

    @Test("every kv_tiers key in each JSON line, with a break-even per tier")
    func jsonKeys() throws {
        let run = try RunKVPlan.run(["estimate", "--study", Self.study, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try EstimateCommandTests.jsonLines(run.stdout)
        #expect(rows.count == 28)
        for row in rows {
            for key in ["returning_new_tokens", "recompute_ttft_seconds", "kv_tiers", "prefix_tokens", "prefix_concurrency",
                        "prefix_prefill_seconds_saved", "turn_alternatives", "capacity_for_target_hit_rate_bytes"] {
                #expect(row.keys.contains(key), "missing \(key)")
            }
            let alternatives = try #require(row["turn_alternatives"] as? [[String: Any]])
            #expect(alternatives.map { $0["tiers"] as? String } == ["host-dram", "host-dram + nvme-gen5", "host-dram + nvme-gen4", "host-dram + rdma-400g"])
            for alternative in alternatives {
                for key in ["hit_rate", "hbm_fraction", "tier_fraction", "ttft_seconds", "gpu_seconds", "turns_per_second", "tier_utilisation", "host_link_utilisation", "replica_utilisation"] {
                    #expect(alternative.keys.contains(key), "missing \(key)")
                }
            }
            let tiers = try #require(row["kv_tiers"] as? [[String: Any]])
            #expect(tiers.map { $0["tier"] as? String } == ["host-dram", "nvme-gen5", "nvme-gen4", "rdma-400g"])
            for tier in tiers {
                for key in ["read_bytes_per_second", "capacity_bytes", "load_seconds", "ttft_seconds", "loading_wins", "break_even_context", "offload_seconds"] {
                    #expect(tier.keys.contains(key), "missing \(key)")
                }
            }
        }
        // The first row: Llama-3.1-8B on the H100 at 2K; the Gen4 drive loses to recomputing there.
        let gen4 = try #require((rows[0]["kv_tiers"] as? [[String: Any]])?[2])
        #expect(gen4["loading_wins"] as? Bool == false)
        #expect(try #require(gen4["break_even_context"] as? Int) > 2048)
    }

    @Test("--explain prints the tier formulas with their values")
    func explain() throws {
        let run = try RunKVPlan.run(["estimate", "--study", Self.study, "--explain"])
        #expect(run.status == 0, "\(run.stderr)")
        for title in ["Recompute a returning turn:", "TTFT from nvme-gen5:", "LRU hit rate through HBM (Che's approximation):", "LRU hit rate through host-dram (Che's approximation):", "Concurrency with a shared prefix:"] {
            #expect(run.stdout.contains(title), "missing \(title)")
        }
    }

    @Test("kvplan catalog kv-tiers lists every tier with its source")
    func catalog() throws {
        let run = try RunKVPlan.run(["catalog", "kv-tiers", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try EstimateCommandTests.jsonLines(run.stdout)
        #expect(rows.map { $0["name"] as? String } == ["host-dram", "nvme-gen4", "nvme-gen5", "rdma-400g"])
        #expect(rows.allSatisfy { !(($0["source"] as? String) ?? "").isEmpty })
        #expect(rows[2]["read_bytes_per_second"] as? Double == 13e9)
        let table = try RunKVPlan.run(["catalog"])
        #expect(table.stdout.contains("rdma-400g") && table.stdout.contains("unbounded"))
    }
}
