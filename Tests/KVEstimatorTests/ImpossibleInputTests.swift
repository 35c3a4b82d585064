import Testing
@testable import KVEstimator

/// Impossible inputs are rejected with a message naming the field, never a trap or a NaN.
@Suite("Impossible inputs")
struct ImpossibleInputTests {
    static func rejected(_ scenario: Scenario) -> EstimatorInputError? {
        do {
            _ = try Estimator(scenario)
            return nil
        } catch {
            return error
        }
    }

    static func model(_ change: (inout Model) -> Void) -> Scenario {
        var model = Fixtures.llama31_8b
        change(&model)
        return Scenario(model: model, hardware: Fixtures.h100)
    }

    @Test(arguments: [
        ("layers", model { $0.layers = 0 }),
        ("hidden", model { $0.hidden = -4096 }),
        ("kv_heads", model { $0.kvHeads = 5 }),
        ("kv_heads", model { $0.kvHeads = 0 }),
        ("head_dim", model { $0.headDim = 0 }),
        ("max_context", model { $0.maxContext = 0 }),
        ("moe.active", model { $0.moe = MixtureOfExperts(experts: 4, active: 8, expertFFN: 100) }),
        ("attention.layer_pattern", model { $0.attention = AttentionLayout(layerPattern: "GX") }),
        ("attention.layer_pattern", model { $0.attention = AttentionLayout(layerPattern: "LG") }),
        ("token_keep", Scenario(model: Fixtures.llama31_8b, hardware: Fixtures.h100, compression: Compression(name: "x", tokenKeep: 1.5))),
        ("token_keep", Scenario(model: Fixtures.llama31_8b, hardware: Fixtures.h100, compression: Compression(name: "x", tokenKeep: 0))),
        ("retrieval_heads", Scenario(model: Fixtures.llama31_8b, hardware: Fixtures.h100, compression: Compression(name: "x", retrievalHeads: -0.1, streamingWindow: 10))),
        ("kv_rank", Scenario(model: Fixtures.llama31_8b, hardware: Fixtures.h100, compression: Compression(name: "x", kvRank: .nan))),
        ("hbm", Scenario(model: Fixtures.llama31_8b, hardware: Hardware(name: "x", hbmBytes: 0, hbmBytesPerSecond: 1, flopsPerSecond: PeakFLOPs(bf16: 1), hostLink: HostLink(name: "x", bytesPerSecond: 1)))),
        ("efficiency.memory", Scenario(model: Fixtures.llama31_8b, hardware: Hardware(name: "x", hbmBytes: 1e9, hbmBytesPerSecond: 1e9, flopsPerSecond: PeakFLOPs(bf16: 1e12), hostLink: HostLink(name: "x", bytesPerSecond: 1e9), efficiency: Efficiency(memory: 1.2)))),
        ("workload.users", Scenario(model: Fixtures.llama31_8b, hardware: Fixtures.h100, workload: Workload(users: 0))),
    ])
    func isRejected(field: String, scenario: Scenario) {
        let error = Self.rejected(scenario)
        #expect(error?.field == field)
        #expect(error?.message.isEmpty == false)
    }

    @Test func weightsThatDoNotFitAreAStateNotANumber() throws {
        var tiny = Fixtures.h100
        tiny.hbmBytes = 10e9
        let estimate = try Fixtures.estimator(Fixtures.llama31_70b, tiny).estimate(context: 4096)
        #expect(estimate.regime == .weightsDoNotFit)
        #expect(estimate.concurrency == 0)
        #expect(estimate.prefill.seconds.isFinite)
    }
}
