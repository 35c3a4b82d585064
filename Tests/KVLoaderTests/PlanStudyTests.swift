import KVEstimator
import Testing
import KVStudy
@testable import KVLoader

/// The `plan:` block (issue 14) resolves to the values it states, and its keys are all exercised.
@Suite("A study's plan block")
struct PlanStudyTests {
    @Test("every key of the plan's maps appears in the valid fixtures (tpot_p99 and arrival_rate in the example)")
    func coverEveryKey() throws {
        let all = try Fixtures.studies(in: "valid").map { try Fixtures.text("valid/\($0)") }.joined(separator: "\n")
        for schema in [Schema.planPrompt, Schema.planOutput, Schema.plan, Schema.planTargets] {
            for key in schema.names where key != "tpot_p99" && key != "arrival_rate" {
                #expect(all.contains("\(key):"), "no valid fixture uses `\(key)` of \(schema.title)")
            }
        }
        #expect(all.contains("plan:"))
    }

    @Test("the plan fixture: the named model, the profile's peak, classes, targets and the lists to try")
    func resolves() throws {
        let (loaded, log) = Fixtures.load("valid/plan.study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        let plan = try #require(study.plan)
        #expect(plan.model.name == "qwen2.5-7b-1m")
        #expect(plan.traffic.arrivalsPerSecond == 6 && plan.dailyProfile?.count == 24)
        #expect(plan.traffic.prompts == [PromptClass(tokens: 2048, share: 0.9), PromptClass(tokens: 131_072, share: 0.1, ttftP99Seconds: 20)])
        #expect(plan.traffic.outputs == [LengthShare(tokens: 250, share: 0.5), LengthShare(tokens: 1000, share: 0.5)])
        #expect(plan.traffic.targets == PlanTargets(ttftP99Seconds: 1.5, tpotP99Seconds: 0.08, ttftP50Seconds: 0.4))
        #expect(plan.gpusPerReplica == [1, 2] && plan.chunks == [1024, 4096])
        #expect(plan.precisions == [PrecisionPair(weights: .bf16, kv: .bf16), PrecisionPair(weights: .fp8, kv: .fp8)])
        let space = plan.space(of: study)
        #expect(space.hardware.map(\.pricePerHour) == [2.5, nil] && space.compressions.count == 2)
    }

    @Test("without `precisions` the plan tries the workload's; one model needs no `model`")
    func defaults() throws {
        let text = """
            title: t
            models: [llama-3.1-8b]
            hardware: [h100-sxm]
            contexts: [4K]
            workload: {precision: {weights: fp8, kv: bf16}}
            plan:
              arrival_rate: 2
              prompts: [{context: 2K, share: 1}]
              outputs: [{tokens: 100, share: 1}]
              targets: {ttft_p99: 2, tpot_p99: 50ms}
            """
        let (loaded, log) = Fixtures.loader.load(text: text, path: "defaults.study.yaml")
        let plan = try #require(loaded?.plan, "\(log.summary)")
        #expect(plan.model.name == "llama-3.1-8b" && plan.traffic.targets.ttftP99Seconds == 2)
        #expect(plan.precisions == [PrecisionPair(weights: .fp8, kv: .bf16)] && plan.gpusPerReplica == [1, 2, 4, 8] && plan.chunks == [2048])
    }

    @Test("a plan of several models must name one")
    func severalModels() {
        let text = """
            title: t
            models: [llama-3.1-8b, llama-3.1-70b]
            hardware: [h100-sxm]
            contexts: [4K]
            plan:
              arrival_rate: 2
              prompts: [{context: 2K, share: 1}]
              outputs: [{tokens: 100, share: 1}]
              targets: {ttft_p99: 2s, tpot_p99: 50ms}
            """
        let (study, log) = Fixtures.loader.load(text: text, path: "several.study.yaml")
        #expect(study == nil)
        #expect(log.errors.contains { $0.location.line == 6 && $0.message.contains("`plan` needs `model`: the study lists 2 models") })
    }
}
