import Testing
@testable import KVEstimator

/// Each compression axis on Llama-3.1-8B (131,072 B/token in bf16), and their composition.
@Suite("KV compression axes")
struct CompressionTests {
    let perToken = 131_072.0

    func kv(_ compression: Compression, tokens: Double, model: Model = Fixtures.llama31_8b) throws -> Double {
        try Fixtures.estimator(model, Fixtures.h100, compression: compression).kvBytes(tokens: tokens)
    }

    @Test func layerSharingStoresOneKVPerGroup() throws {
        #expect(try kv(Compression(name: "cla-2", layerShare: 2), tokens: 10_000) == 10_000 * perToken / 2)
        // 32 layers in groups of 3: ⌈32/3⌉ = 11 groups store KV.
        #expect(try kv(Compression(name: "cla-3", layerShare: 3), tokens: 10_000) == 10_000 * perToken * 11 / 32)
        #expect(try kv(Compression(name: "half", kvLayers: 0.5), tokens: 10_000) == 10_000 * perToken / 2)
    }

    @Test func retrievalHeadsKeepFullKVTheRestAWindow() throws {
        let duo = Compression(name: "duo", retrievalHeads: 0.25, streamingWindow: 1024)
        #expect(try kv(duo, tokens: 100_000) == perToken * (0.25 * 100_000 + 0.75 * 1024))
        #expect(try kv(duo, tokens: 512) == perToken * 512)
    }

    @Test func tokenEvictionKeepsAFractionOrABudget() throws {
        #expect(try kv(Compression(name: "h2o", tokenKeep: 0.2), tokens: 10_000) == perToken * 2000)
        #expect(try kv(Compression(name: "snap", tokenBudget: 2048), tokens: 10_000) == perToken * 2048)
        #expect(try kv(Compression(name: "snap", tokenBudget: 2048), tokens: 1000) == perToken * 1000)
        // kept = min(n, max(budget, keep·n))
        let both = Compression(name: "both", tokenKeep: 0.1, tokenBudget: 4096)
        #expect(try kv(both, tokens: 10_000) == perToken * 4096)
        #expect(try kv(both, tokens: 100_000) == perToken * 10_000)
    }

    @Test func quantizationAddsGroupScalesAndKeepsRecentTokensAtFullPrecision() throws {
        // KIVI 2-bit, group 32: 2 + 32/32 = 3 bits per element; the last 128 tokens stay bf16.
        let kivi = Compression(name: "kivi", kvBits: 2, groupSize: 32, residualTokens: 128)
        let elements = perToken / 2
        #expect(try kv(kivi, tokens: 10_000) == elements * (128 * 2 + (10_000 - 128) * 3.0 / 8))
        #expect(try kv(kivi, tokens: 100) == elements * 100 * 2)
        #expect(try kv(Compression(name: "fp8", kvBits: 8), tokens: 10_000) == perToken * 10_000 / 2)
    }

    @Test func lowRankShrinksEveryElement() throws {
        #expect(try kv(Compression(name: "palu", kvRank: 0.5), tokens: 10_000) == perToken * 5000)
    }

    @Test func axesCompose() throws {
        let combined = try Compression(name: "kivi", kvBits: 2, groupSize: 32, residualTokens: 128)
            .combined(with: Compression(name: "h2o", tokenKeep: 0.2))
            .combined(with: Compression(name: "cla", layerShare: 2))
        #expect(combined.name == "kivi+h2o+cla")
        let elements = perToken / 2 / 2  // half the layers
        #expect(try kv(combined, tokens: 10_000) == elements * (128 * 2 + (2000 - 128) * 3.0 / 8))
    }

    @Test func twoTechniquesOnOneAxisDoNotCombine() {
        #expect(throws: EstimatorInputError.self) {
            try Compression(name: "a", kvBits: 4).combined(with: Compression(name: "b", kvBits: 8))
        }
    }

    @Test func compressionLeavesPrefillUnchangedAndShortensDecode() throws {
        let plain = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        let h2o = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100, compression: Compression(name: "h2o", tokenKeep: 0.2))
        #expect(h2o.prefillTime(tokens: 65536) == plain.prefillTime(tokens: 65536))
        #expect(h2o.decodeStepTime(batch: 1, context: 65536).seconds < plain.decodeStepTime(batch: 1, context: 65536).seconds)
        #expect(h2o.concurrency(tokens: 65536) > 4 * plain.concurrency(tokens: 65536))
    }

    @Test func compressionNeededToMatchTheBaseline() throws {
        // Yi-34B on one A100 with 20 users: 4K fits 17 sessions, 16K only 4.
        var workload = Workload()
        workload.users = 20
        let estimator = try Fixtures.estimator(Fixtures.yi34b, workload: workload)
        let baseline = estimator.sessionCost(tokens: 4096).gpuSeconds
        #expect(estimator.compressionNeeded(tokens: 4096, targetGPUSeconds: baseline) == .reduction(1))
        // The prefill of 16K alone takes longer than a whole 4K session: no KV reduction helps.
        guard case .impossible = estimator.compressionNeeded(tokens: 16384, targetGPUSeconds: baseline) else {
            Issue.record("expected no KV reduction to reach the baseline at 16K")
            return
        }
        // A target between prefill and today's cost can be bought back by a smaller KV cache.
        let cost = estimator.sessionCost(tokens: 16384)
        let target = (cost.prefillSeconds + cost.gpuSeconds) / 2
        guard case .reduction(let factor) = estimator.compressionNeeded(tokens: 16384, targetGPUSeconds: target) else {
            Issue.record("expected a finite reduction")
            return
        }
        #expect(factor > 1)
        var shrunk = estimator
        shrunk.kvCache.scale = 1 / factor
        #expect(shrunk.sessionCost(tokens: 16384).gpuSeconds <= target)
        shrunk.kvCache.scale = 1 / (factor * 0.9)
        #expect(shrunk.sessionCost(tokens: 16384).gpuSeconds > target)
    }
}
