import Testing
@testable import KVEstimator

/// The paper's running example (Fu 2024, §2): Yi-34B-200K on one A100-80GB SXM, bf16, b = 1,
/// 250 output tokens, peak mode — SPEC §3 and issue 2's acceptance numbers.
@Suite("The paper's running example: Yi-34B on one A100")
struct PaperExampleTests {
    let estimator = try! Fixtures.estimator(Fixtures.yi34b)

    @Test func parametersAndWeights() {
        #expect(close(estimator.parameters.total, 34.39e9, 1e-3))
        #expect(close(estimator.weightsBytes, 68.78e9, 1e-3))
        #expect(close(estimator.weightsReadBytes(batch: 1), 67.86e9, 1e-3))
    }

    @Test func kvCachePerToken() {
        #expect(estimator.kvBytes(tokens: 1) == 245_760)
        #expect(close(estimator.kvBytes(tokens: 4096), 1.007e9, 1e-3))
        #expect(close(estimator.kvBytes(tokens: 50_000), 12.29e9, 1e-3))
        #expect(close(estimator.kvBytes(tokens: 100_000), 24.58e9, 1e-3))
        #expect(close(estimator.kvBytes(tokens: 1_048_576), 257.7e9, 1e-3))
    }

    @Test(arguments: [(4096, 17), (50_000, 1), (100_000, 0)])
    func concurrency(context: Int, sessions: Int) {
        #expect(estimator.concurrency(tokens: Double(context)) == sessions)
    }

    /// The HBM chart's figures: 68.78 GB of weights, one 4K session's 1.007 GB of KV and the
    /// 16.1 GB left for others add up to the A100's 80 GiB; at 100K the session does not fit.
    @Test func hbmOfOneSession() {
        let scenario = Scenario(model: Fixtures.yi34b, hardware: Fixtures.a100)
        let short = HBMBreakdown(estimator.estimate(context: 4096), scenario: scenario)
        #expect(close(short.weightsBytes, 68.78e9, 1e-3))
        #expect(close(short.sessionKVBytes, 1.007e9, 1e-3))
        #expect(close(short.weightsBytes + short.reserveBytes + short.heldBackBytes + short.activationBytes + short.sessionKVBytes + short.freeBytes,
                      80 * 1_073_741_824, 1e-12))
        let long = HBMBreakdown(estimator.estimate(context: 100_000), scenario: scenario)
        #expect(close(long.sessionKVBytes, 17.12e9, 1e-3))
        #expect(long.freeBytes == 0)
    }

    @Test func freeMemoryBesideTheWeights() {
        #expect(close(estimator.availableKVBytes, 17.12e9, 1e-3))
    }

    @Test func prefill() {
        let short = estimator.prefillTime(tokens: 4096)
        #expect(short.seconds >= 0.89 && short.seconds <= 0.95)
        // The paper's 0.89 s is the linear part (0.88 s here).
        #expect(close(estimator.prefillLinearFLOPs(tokens: 4096) / 312e12, 0.879, 2e-3))
        let long = estimator.prefillTime(tokens: 50_000)
        #expect(long.seconds >= 14.1 && long.seconds <= 20)
        #expect(close(long.seconds, 17.6, 3e-3))
        #expect(long.bound == .compute)
    }

    @Test func decodeOfOneScreen() {
        let short = estimator.decodeTime(batch: 1, prompt: 4096, outputTokens: 250)
        #expect(short >= 8.4 && short <= 8.6)
        let long = estimator.decodeTime(batch: 1, prompt: 50_000, outputTokens: 250)
        #expect(long >= 9.7 && long <= 9.9)
        #expect(estimator.decodeStepTime(batch: 1, context: 50_000).bound == .memory)
    }

    @Test func contextSwitchOverPCIeGen4() {
        #expect(close(estimator.contextSwitchSeconds(tokens: 50_000), 0.77, 0.05))
        #expect(close(estimator.contextSwitchSeconds(tokens: 50_000), 0.768, 1e-9))
    }

    @Test func theEstimateCarriesTheSameFigures() {
        let estimate = estimator.estimate(context: 50_000)
        #expect(estimate.concurrency == 1)
        #expect(estimate.regime == .hbm)
        #expect(estimate.kvBytesPerToken == 245_760)
        #expect(close(estimate.decodeSeconds, estimator.decodeTime(batch: 1, prompt: 50_000, outputTokens: 250)))
        #expect(estimator.estimate(context: 100_000).regime == .offload)
    }

    @Test func relativeCostGrowsWithContext() {
        let baseline = estimator.sessionCost(tokens: 4096).gpuSeconds
        let at50K = estimator.estimate(context: 50_000, baselineGPUSeconds: baseline)
        #expect(estimator.estimate(context: 4096, baselineGPUSeconds: baseline).relativeCost == 1)
        #expect((at50K.relativeCost ?? 0) > 2.5)
    }

    @Test func everyHeadlineFigureHasATrace() {
        let traces = estimator.traces(context: 50_000)
        #expect(traces.map(\.quantity) == ["Weights", "KV cache per session", "Concurrency", "Concurrency through the last token", "Prefill", "Decode step", "Decode of m tokens", "Prefill activation memory", "Context switch"])
        #expect(traces.allSatisfy { !$0.formula.isEmpty && !$0.substituted.isEmpty })
        #expect(traces[2].result == "1 session")
    }
}
