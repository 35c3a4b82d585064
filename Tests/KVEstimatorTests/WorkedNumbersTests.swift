import Testing
@testable import KVEstimator

/// The worked numbers of reference/models.md, an MoE, an MLA and a sliding-window case.
@Suite("Worked numbers")
struct WorkedNumbersTests {
    @Test(arguments: [
        (Fixtures.yi34b, 245_760.0),
        (Fixtures.llama2_7b, 524_288.0),  // MHA: 0.5 MiB per token
        (Fixtures.llama31_70b, 327_680.0),
        (Fixtures.deepseekV3, 70_272.0),  // MLA: 61 · (512 + 64) · 2 B
    ])
    func kvBytesPerToken(model: Model, bytes: Double) throws {
        let estimator = try Fixtures.estimator(model)
        #expect(estimator.kvBytes(tokens: 1000) / 1000 == bytes)
    }

    @Test func llama70BAt128K() throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_70b)
        #expect(close(estimator.kvBytes(tokens: 131_072), 42.9e9, 2e-3))
    }

    @Test func mixtralTotalAndActiveParameters() {
        let counts = ParameterCounts(model: Fixtures.mixtral8x7b)
        #expect(close(counts.total, 46.7e9, 2e-3))
        #expect(close(counts.active, 12.9e9, 3e-3))
    }

    @Test func mixtralDecodeReadsOnlyTheExpertsItsBatchActivates() throws {
        let estimator = try Fixtures.estimator(Fixtures.mixtral8x7b, Fixtures.h100)
        let counts = estimator.parameters
        // One token activates 2 of 8 experts per layer; a large batch touches all of them.
        #expect(close(counts.distinctExperts(batch: 1), 2))
        #expect(close(counts.distinctExperts(batch: 2), 8 * (1 - 0.75 * 0.75)))
        #expect(estimator.weightsReadBytes(batch: 1) < 0.35 * estimator.weightsBytes)
        #expect(close(estimator.weightsReadBytes(batch: 10_000), estimator.weightsBytes - 2 * counts.embedding, 1e-6))
    }

    @Test func deepSeekV3ParametersCountMLAAndExperts() {
        let counts = ParameterCounts(model: Fixtures.deepseekV3)
        // 671B on the model card (without the 14B multi-token-prediction layer), 37B active.
        #expect(close(counts.computedTotal, 671e9, 0.01))
        #expect(close(counts.computedActive, 37e9, 0.02))
    }

    @Test func mistralBeyondItsWindowStoresTheWindow() throws {
        let estimator = try Fixtures.estimator(Fixtures.mistral7b)
        let perToken = 2.0 * 8 * 128 * 2 * 32
        #expect(estimator.kvBytes(tokens: 2048) == 2048 * perToken)
        #expect(estimator.kvBytes(tokens: 4096) == 4096 * perToken)
        #expect(estimator.kvBytes(tokens: 32768) == 4096 * perToken)
    }

    @Test func windowAttentionPrefillCountsPairsInsideTheWindow() throws {
        let estimator = try Fixtures.estimator(Fixtures.mistral7b)
        let n = 10_000.0, w = 4096.0
        let expected = 32 * 4 * 32 * 128 * (n * w - w * (w - 1) / 2)
        #expect(close(estimator.prefillAttentionFLOPs(tokens: n), expected))
        let global = try Fixtures.estimator(Fixtures.llama31_8b)
        #expect(close(global.prefillAttentionFLOPs(tokens: n), 32 * 2 * 32 * 128 * n * n))
    }

    @Test func stateSpaceLayersHoldAConstantState() throws {
        let estimator = try Fixtures.estimator(Fixtures.jamba)
        // 4 attention layers of 32 (one in eight); 28 Mamba layers of 2·4096·(16 + 4) bf16 elements.
        let state = 28.0 * 2 * 4096 * 20 * 2
        let perToken = 4.0 * 2 * 8 * 128 * 2
        #expect(estimator.kvBytes(tokens: 1000) == state + 1000 * perToken)
        #expect(close(ParameterCounts(model: Fixtures.jamba).computedTotal, 52e9, 0.02))
    }

    @Test func tensorParallelismSpreadsWeightsAndMultipliesBandwidth() throws {
        var eight = Fixtures.h100
        eight.gpus = 8
        let one = try Fixtures.estimator(Fixtures.llama31_70b, Fixtures.h100)
        let many = try Fixtures.estimator(Fixtures.llama31_70b, eight)
        #expect(close(many.availableKVBytes, 8 * Fixtures.h100.hbmBytes - many.weightsBytes))
        // Compute spreads over the 8 GPUs; the all-reduces come on top (CommunicationTests).
        #expect(close(many.prefillTime(tokens: 8192).compute, one.prefillTime(tokens: 8192).compute / 8))
        #expect(many.prefillTime(tokens: 8192).communication > 0)
        #expect(one.prefillTime(tokens: 8192).communication == 0)
        #expect(close(many.contextSwitchSeconds(tokens: 8192), one.contextSwitchSeconds(tokens: 8192) / 8))
    }

    @Test func fullDuplexLinksOverlapSwapOutAndIn() throws {
        var hardware = Fixtures.a100
        hardware.hostLink.duplex = .full
        let full = try Fixtures.estimator(Fixtures.yi34b, hardware)
        let half = try Fixtures.estimator(Fixtures.yi34b)
        #expect(close(full.contextSwitchSeconds(tokens: 50_000), half.contextSwitchSeconds(tokens: 50_000) / 2))
    }

    @Test func calibratedModeAppliesEfficiencies() throws {
        var hardware = Fixtures.h100
        hardware.efficiency = Efficiency(matmul: 0.5, attention: 0.5, memory: 0.8, link: 0.9)
        let peak = try Estimator(Scenario(model: Fixtures.llama31_8b, hardware: hardware, mode: .peak))
        let calibrated = try Estimator(Scenario(model: Fixtures.llama31_8b, hardware: hardware, mode: .calibrated))
        #expect(close(calibrated.prefillTime(tokens: 8192).compute, 2 * peak.prefillTime(tokens: 8192).compute))
        #expect(close(calibrated.decodeStepTime(batch: 1, context: 4096).memory, peak.decodeStepTime(batch: 1, context: 4096).memory / 0.8))
        #expect(close(calibrated.contextSwitchSeconds(tokens: 4096), peak.contextSwitchSeconds(tokens: 4096) / 0.9))
    }

    @Test func hostMemoryParksSessions() throws {
        var hardware = Fixtures.h100
        hardware.hostMemoryBytes = 480e9
        let estimator = try Fixtures.estimator(Fixtures.yi34b, hardware)
        #expect(estimator.hostSessions(tokens: 50_000) == 39)
        #expect(try Fixtures.estimator(Fixtures.yi34b).hostSessions(tokens: 50_000) == nil)
    }
}
