import Foundation
import Testing
import KVEstimator
import KVStudy
@testable import KVReport

/// "Where the KV lives" (issue 15) in the report: laid out from the evaluation, present only with
/// `kv_tiers`, and every sentence names the scenario it describes.
@Suite("Where the KV lives")
struct KVPlacementSectionTests {
    /// Two models on two GPUs, a slow and a fast drive, a prefix and a population.
    static let study = """
        title: Tiers
        models: [llama-3.1-8b, qwen2.5-7b-1m]
        hardware: [{preset: h100-sxm, host_memory: 256 GB}, gh200-96gb]
        contexts: [2K, 8K, 32K, 64K]
        kv_tiers:
          tiers: [host-dram, {preset: nvme-gen4, capacity: 1 TB}, rdma-400g]
          new_tokens: 512
          prefix: 4K
          sessions: 100
          think_time: 60
          target_hit_rate: 0.9
        """

    static func evaluated(_ yaml: String = study) throws -> (StudyEvaluation, Section?) {
        let evaluation = try StudyEvaluation(study: ReportTests.study(yaml))
        let document = DocumentBuilder.build(evaluation, slug: "test", kvplanVersion: "test", methodologyMarkdown: "")
        return (evaluation, DeploymentSectionTests.section(document, "kv-tiers"))
    }

    @Test func absentWithoutTiers() throws {
        let (evaluation, section) = try Self.evaluated(DeploymentSectionTests.single)
        #expect(evaluation.kvPlacement == nil && section == nil)
    }

    @Test func tablesHoldTheEvaluationsNumbers() throws {
        let (evaluation, optionalSection) = try Self.evaluated()
        let section = try #require(optionalSection)
        let placement = try #require(evaluation.kvPlacement)
        #expect(placement.scenarios.map(\.label) == ["llama-3.1-8b · h100-sxm", "llama-3.1-8b · gh200-96gb", "qwen2.5-7b-1m · h100-sxm", "qwen2.5-7b-1m · gh200-96gb"])
        let tables = DeploymentSectionTests.tables(section)
        let breakEven = try #require(tables.first { $0.caption.hasPrefix("Break-even context per tier") })
        // Each tier's capacity is printed, an unset one as unbounded.
        let tiers = try #require(tables.first { $0.caption.hasPrefix("The tiers below HBM") })
        #expect(DeploymentSectionTests.column(tiers, "capacity")?.last == "")
        #expect(DeploymentSectionTests.column(breakEven, "nvme-gen4") == placement.scenarios.map { $0.breakEvens[1].map(String.init) ?? "" })
        // Llama-3.1-8B's 128 KiB a token from a 7 GB/s drive: loading wins only past a real break-even.
        #expect((placement.scenarios[0].breakEvens[1] ?? 0) > 1000)
        let turns = try #require(tables.first { $0.caption.hasPrefix("Where returning turns find their KV") })
        let first = try #require(placement.scenarios[0].turns.last)
        // One row per alternative below HBM (host DRAM, then each other tier below it), not a stack.
        #expect(placement.alternatives.map(\.name) == ["host-dram", "host-dram + nvme-gen4", "host-dram + rdma-400g"])
        #expect(DeploymentSectionTests.column(turns, "tier below host DRAM")?.prefix(3) == ArraySlice(placement.alternatives.map(\.name)))
        #expect(DeploymentSectionTests.column(turns, "from HBM")?.first == TableBuilder.raw(first[0].sources[0].fraction))
        #expect(DeploymentSectionTests.column(turns, "TTFT if unloaded (s)")?.first == TableBuilder.raw(first[0].ttftSeconds))
        // The RDMA store, listed after the Gen4 drive, still catches turns of its own.
        #expect(first[2].sources[2].name == "rdma-400g" && first[2].sources[2].fraction > 0.5)
        // Every row states how busy the tier, the link and the replica are.
        let traffic = try #require(placement.scenarios[0].traffic.last)
        #expect(DeploymentSectionTests.column(turns, "replica ρ")?.prefix(3) == ArraySlice(traffic.map { TableBuilder.raw($0.replica) }))
        #expect(DeploymentSectionTests.traceTitles(section).contains("LRU hit rate through host-dram (Che's approximation)"))
        #expect(section.blocks.filter { if case .figure = $0 { true } else { false } }.count == 3)
    }

    @Test func sentencesNameTheScenarioTheyDescribe() throws {
        let (_, optionalSection) = try Self.evaluated()
        let paragraphs = DeploymentSectionTests.paragraphs(try #require(optionalSection))
        let breakEven = try #require(paragraphs.first { $0.hasPrefix("From host-dram") })
        #expect(breakEven.contains("from nvme-gen4 loading wins from") && breakEven.contains("cached tokens for Llama-3.1-8B on NVIDIA H100 SXM5 80GB"))
        let sizing = try #require(paragraphs.first { $0.hasPrefix("For 90% of turns to find their KV") })
        for name in ["Llama-3.1-8B on NVIDIA H100 SXM5 80GB", "Qwen2.5-7B-Instruct-1M on NVIDIA GH200 Grace Hopper (96GB HBM3)"] {
            #expect(sizing.contains(name))
        }
        let split = try #require(paragraphs.first { $0.hasPrefix("For Llama-3.1-8B on NVIDIA H100 SXM5 80GB at 64K tokens") })
        #expect(split.contains("85.90 GB (80.0 GiB) GPU") && split.contains("42.95 GB (40.0 GiB) GPU + 42.95 GB (40.0 GiB) host"))
        #expect(split.contains("A hit takes"))
    }

    /// A study whose model does not fit in half the GPU says so instead of comparing.
    @Test func halfAGPUThatCannotHoldTheWeights() throws {
        let (evaluation, section) = try Self.evaluated("""
            title: Big
            models: [llama-3.1-70b]
            hardware: [{preset: h200-sxm, host_memory: 1 TB}]
            contexts: [8K, 32K]
            kv_tiers: {tiers: [host-dram]}
            """)
        let split = try #require(evaluation.kvPlacement?.split)
        #expect(split.whole.weightsFit && !split.half.weightsFit)
        let paragraphs = DeploymentSectionTests.paragraphs(try #require(section))
        #expect(paragraphs.contains { $0.contains("cannot serve at all: the weights alone do not fit") })
    }
}
