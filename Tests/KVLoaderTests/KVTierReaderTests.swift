import Testing
import KVStudy
import KVEstimator
@testable import KVLoader

/// `kv_tiers` (issue 15): presets, overrides and inline tiers, and a positioned diagnostic for each
/// kind of bad tier definition.
@Suite("KV tiers: reading and diagnostics")
struct KVTierReaderTests {
    static func study(_ block: String, hardware: String = "[{preset: h100-sxm, host_memory: 256 GB}]") -> String {
        "title: t\nmodels: [llama-3.1-8b]\nhardware: \(hardware)\ncontexts: [4K, 32K]\nkv_tiers:\n" + block
    }

    @Test func theBuiltInTiersReadCleanlyAndCarrySources() {
        #expect(KVTierCatalog.diagnostics().isEmpty)
        #expect(KVTierCatalog.tiers.map(\.name) == ["host-dram", "nvme-gen4", "nvme-gen5", "rdma-400g"])
        #expect(KVTierCatalog.tiers.allSatisfy { !$0.source.isEmpty })
        let gen5 = KVTierCatalog.tiers.first { $0.name == "nvme-gen5" }
        #expect(gen5?.readBytesPerSecond == 13e9 && gen5?.writeBytesPerSecond == 6.6e9 && gen5?.capacityBytes == 15.36e12)
        #expect(KVTierCatalog.tiers.first { $0.name == "rdma-400g" }?.readBytesPerSecond == 50e9)
    }

    @Test func presetsOverridesAndInlineTiers() throws {
        let (study, log) = Fixtures.load(text: Self.study("""
              tiers:
                - host-dram
                - {preset: nvme-gen5, capacity: 3.84 TB, name: local-ssd}
                - {name: cxl, read: 60 GB/s, write: 60 GB/s, capacity: 512 GB, link: CXL 2.0 x16}
              new_tokens: 1K
              prefix: 2K
              sessions: 300
              think_time: 30
              target_hit_rate: 0.8
              overlap: none
            """), path: "t.study.yaml")
        #expect(log.diagnostics.isEmpty, "\(log.diagnostics.map(\.description))")
        let placement = try #require(study?.kvPlacement)
        #expect(placement.tiers.map(\.name) == ["host-dram", "local-ssd", "cxl"])
        #expect(placement.tiers[1].capacityBytes == 3.84e12 && placement.tiers[1].readBytesPerSecond == 13e9)
        #expect(placement.tiers[2].readBytesPerSecond == 60e9 && placement.tiers[2].link == "CXL 2.0 x16")
        #expect(placement.newTokens == 1024 && placement.prefixTokens == 2048 && placement.overlap == KVLoadOverlap.none)
        #expect(placement.population == SessionPopulation(sessions: 300, thinkSeconds: 30) && placement.targetHitRate == 0.8)
    }

    @Test(arguments: [
        ("  tiers: [nvme-gen6]\n", "6:11: error: unknown KV tier preset `nvme-gen6` (did you mean `nvme-gen4`?); the presets are host-dram, nvme-gen4, nvme-gen5, rdma-400g"),
        ("  tiers: [{name: ssd, capacity: 1 TB}]\n", "6:11: error: missing required key `read` in a KV tier (its read bandwidth; host DRAM is the `host-dram` preset)"),
        ("  tiers: [{preset: nvme-gen5, read: fast}]\n", "6:37: error: `read` expects a bandwidth such as 2039 GB/s"),
        ("  tiers: [{preset: nvme-gen5, capacty: 1 TB}]\n", "6:31: error: unknown key `capacty` in a KV tier (did you mean `capacity`?)"),
        ("  tiers: [nvme-gen5, nvme-gen5]\n", "6:22: error: duplicate tier `nvme-gen5` (also at line 6): give one of them a distinct `name`"),
        ("  tiers: []\n", "6:10: error: `tiers` expects a non-empty list of tiers"),
        ("  tiers: [rdma-400g]\n  target_hit_rate: 1\n", "7:20: error: `target_hit_rate` must be below 1"),
        ("  tiers: [rdma-400g]\n  think_time: 60\n", "7:15: error: `think_time` needs `sessions`"),
        ("  tiers: [rdma-400g]\n  prefix: 32K\n", "7:11: error: `prefix` of 32_768 tokens is not shorter than the study's longest context, 32_768 tokens"),
        ("  tiers: [rdma-400g]\n  overlap: layer\n", "7:12: error: `overlap` must be one of layerwise, none, got `layer`"),
        ("  tier: [rdma-400g]\n", "6:3: error: unknown key `tier` in `kv_tiers` (did you mean `tiers`?)"),
    ])
    func badTierDefinitionsArePositioned(block: String, expected: String) {
        let (study, log) = Fixtures.load(text: Self.study(block), path: "t.study.yaml")
        #expect(study == nil)
        #expect(log.diagnostics.contains { $0.description.hasPrefix("t.study.yaml:" + expected) }, "\(log.diagnostics.map(\.description))")
    }

    @Test func hostDRAMNeedsACapacityFromTheTierOrTheHardware() {
        let (study, log) = Fixtures.load(text: Self.study("  tiers: [nvme-gen5, host-dram]\n", hardware: "[h100-sxm, gh200-96gb]"), path: "t.study.yaml")
        #expect(study == nil)
        #expect(log.diagnostics.map(\.description) == [
            "t.study.yaml:6:22: error: tier `host-dram` is host DRAM with no capacity, and hardware `h100-sxm` states no `host_memory`: give the tier a `capacity` (per GPU, e.g. `{preset: host-dram, capacity: 512 GB}`) or the hardware a `host_memory`",
        ])
        let (fixed, fixedLog) = Fixtures.load(text: Self.study("  tiers: [{preset: host-dram, capacity: 512 GB}]\n", hardware: "[h100-sxm, gh200-96gb]"), path: "t.study.yaml")
        #expect(fixed != nil && fixedLog.diagnostics.isEmpty)
    }
}
