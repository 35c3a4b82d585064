import Testing
@testable import KVEstimator

/// `T_decode = Σ t_step(n + j)` in closed form against the brute-force sum (issue 2: within 1e-9).
@Suite("Closed-form decode")
struct DecodeClosedFormTests {
    static func bruteForce(_ estimator: Estimator, batch: Double, prompt: Int, outputTokens: Int) -> Double {
        var total = 0.0
        for j in 0..<outputTokens { total += estimator.decodeStepTime(batch: batch, context: Double(prompt + j)).seconds }
        return total
    }

    static let compressions: [Compression] = [
        .none,
        Compression(name: "kivi", kvBits: 2, groupSize: 32, residualTokens: 128),
        Compression(name: "snap+duo", retrievalHeads: 0.25, streamingWindow: 320, tokenKeep: 0.3, tokenBudget: 1000),
        Compression(name: "h2o+kivi", tokenKeep: 0.2, kvBits: 2, groupSize: 32, residualTokens: 128),
    ]

    @Test(arguments: [Fixtures.yi34b, Fixtures.mistral7b, Fixtures.mixtral8x7b, Fixtures.deepseekV3, Fixtures.jamba],
          compressions)
    func matchesTheBruteForceSum(model: Model, compression: Compression) throws {
        var hardware = Fixtures.h100
        hardware.gpus = 8  // so that DeepSeek-V3's weights fit
        if model.mla != nil, compression.retrievalHeads != nil {
            // An MLA latent has no per-head caches for retrieval heads to shorten.
            #expect(throws: EstimatorInputError.self) { try Fixtures.estimator(model, hardware, compression: compression) }
            return
        }
        let estimator = try Fixtures.estimator(model, hardware, compression: compression)
        for (batch, prompt, m) in [(1.0, 1, 300), (1, 3900, 500), (7, 50, 5000), (32, 100_000, 250)] {
            let closed = estimator.decodeTime(batch: batch, prompt: prompt, outputTokens: m)
            let brute = Self.bruteForce(estimator, batch: batch, prompt: prompt, outputTokens: m)
            #expect(close(closed, brute, 1e-9), "b=\(batch) n=\(prompt) m=\(m): \(closed) vs \(brute)")
        }
    }

    @Test func aBatchThatChangesBoundInsideTheRange() throws {
        // Llama-3.1-8B on an H100 at b = 512: compute-bound on short caches (2·N·b FLOPs outweigh
        // reading the weights), memory-bound once 512 caches outgrow that.
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        let b = 512.0
        #expect(estimator.decodeStepTime(batch: b, context: 1).bound == .compute)
        #expect(estimator.decodeStepTime(batch: b, context: 400).bound == .memory)
        let closed = estimator.decodeTime(batch: b, prompt: 1, outputTokens: 400)
        #expect(close(closed, Self.bruteForce(estimator, batch: b, prompt: 1, outputTokens: 400), 1e-9))
    }

    @Test func aBatchThatSpillsToHostMemoryInsideTheRange() throws {
        // Yi-34B on an A100 holds 17.1 GB of KV: one session of 69,000 tokens fits, 69,800 do not.
        let estimator = try Fixtures.estimator(Fixtures.yi34b)
        #expect(estimator.decodeStepTime(batch: 1, context: 69_000).link == 0)
        #expect(estimator.decodeStepTime(batch: 1, context: 70_000).link > 0)
        #expect(estimator.decodeStepTime(batch: 1, context: 100_000).bound == .link)
        let closed = estimator.decodeTime(batch: 1, prompt: 69_000, outputTokens: 1500)
        #expect(close(closed, Self.bruteForce(estimator, batch: 1, prompt: 69_000, outputTokens: 1500), 1e-9))
    }

    @Test func oneTokenIsOneStep() throws {
        let estimator = try Fixtures.estimator(Fixtures.yi34b)
        #expect(estimator.decodeTime(batch: 1, prompt: 4096, outputTokens: 1) == estimator.decodeStepTime(batch: 1, context: 4096).seconds)
    }
}

/// The kernel overhead per decode step (issue 16): layers × τ on every step, nothing at peak.
@Suite("Decode kernel overhead")
struct DecodeKernelOverheadTests {
    @Test func overheadAddsLayersTimesTauToEveryStepAndNothingAtPeak() throws {
        var hardware = Fixtures.h100
        hardware.efficiency = Efficiency(memory: 0.6)
        let plain = try Estimator(Scenario(model: Fixtures.llama31_8b, hardware: hardware, mode: .calibrated))
        hardware.efficiency.kernelOverheadSecondsPerLayer = 10e-6
        let withOverhead = try Estimator(Scenario(model: Fixtures.llama31_8b, hardware: hardware, mode: .calibrated))
        let peak = try Estimator(Scenario(model: Fixtures.llama31_8b, hardware: hardware, mode: .peak))
        let layers = Double(Fixtures.llama31_8b.layers)
        let step = withOverhead.decodeStepTime(batch: 4, context: 8192)
        #expect(step.overhead == layers * 10e-6)
        #expect(close(step.seconds, plain.decodeStepTime(batch: 4, context: 8192).seconds + layers * 10e-6, 1e-12))
        #expect(close(withOverhead.decodeTime(batch: 4, prompt: 8192, outputTokens: 100),
                      plain.decodeTime(batch: 4, prompt: 8192, outputTokens: 100) + 100 * layers * 10e-6, 1e-9))
        #expect(peak.decodeStepTime(batch: 4, context: 8192).overhead == 0)
        #expect(withOverhead.prefillTime(tokens: 8192) == plain.prefillTime(tokens: 8192))
    }
}
