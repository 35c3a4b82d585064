import Foundation
import Testing
@testable import KVEstimator

/// Sharing the GPU (issue 6): interference, the mixed-workload queue, paged and disaggregated KV.
@Suite("Sharing the GPU")
struct SharingTests {
    /// The issue's acceptance scenario: llama-3.1-8b on an H100 SXM with a 400 Gb/s network per GPU.
    static var h100WithNetwork: Hardware {
        var hardware = Fixtures.h100
        hardware.networkBytesPerSecond = 400e9 / 8
        return hardware
    }

    static let acceptanceMix = SharingWorkload(
        shortContextTokens: 2048, longFraction: 0.1, arrivalsPerSecond: 1, chunkTokens: 2048, kvBlockTokens: 16)

    static func acceptanceEstimator(_ mix: SharingWorkload = acceptanceMix) throws -> Estimator {
        try Fixtures.estimator(Fixtures.llama31_8b, h100WithNetwork, workload: Workload(sharing: mix))
    }

    // MARK: Acceptance

    @Test func stallIsThePrefillAndChunkingBoundsTheStep() throws {
        let estimator = try Self.acceptanceEstimator()
        let sharing = try #require(estimator.sharing(context: 131_072))
        let prefill = estimator.estimate(context: 131_072).prefill.seconds
        #expect(sharing.prefillStallSeconds == prefill)
        #expect(sharing.decodeBatch == 1)
        #expect(sharing.chunkedIterations == 64)
        // The worst step beside a 2K chunk is a small fraction of the 6.4 s stall…
        #expect(sharing.chunkedStepSeconds < prefill / 20, "\(sharing.chunkedStepSeconds) vs \(prefill)")
        let decodeStep = try #require(sharing.decodeStepSeconds)
        #expect(sharing.chunkedStepSeconds > decodeStep)
        // …and the long prompt pays for it: at least the unchunked prefill, at most that plus every
        // iteration's memory time and decode FLOPs (max(a, b) ≤ a + b for each iteration).
        #expect(sharing.chunkedPrefillSeconds >= prefill)
        let iterations = Double(sharing.chunkedIterations)
        let decodeCompute = estimator.decodeStepTime(batch: 1, context: 2048).compute
        let bytes = iterations * (estimator.weightsBytes + estimator.kvBytes(tokens: 2048))
            + (1..<sharing.chunkedIterations).reduce(0.0) { $0 + estimator.kvBytes(tokens: Double($1 * 2048)) }
        let upper = prefill + iterations * decodeCompute + bytes / estimator.memoryBytesPerSecond
        #expect(sharing.chunkedPrefillSeconds <= upper)
        // The worked numbers, for the report and against regressions.
        #expect(close(prefill, 6.403628, 1e-6))
        #expect(close(sharing.chunkedPrefillSeconds, 6.404669, 1e-6))
        #expect(close(sharing.chunkedStepSeconds, 0.1701137, 1e-6))
    }

    @Test func meanTTFTIsPollaczekKhinchineOnTheTwoPrefillTimes() throws {
        let estimator = try Self.acceptanceEstimator()
        let sharing = try #require(estimator.sharing(context: 131_072))
        let short = estimator.estimate(context: 2048).prefill.seconds
        let long = estimator.estimate(context: 131_072).prefill.seconds
        let (p, lambda) = (0.1, 1.0)
        let meanService = (1 - p) * short + p * long
        let secondMoment = (1 - p) * short * short + p * long * long
        let rho = lambda * meanService
        let wait = lambda * secondMoment / (2 * (1 - rho))
        #expect(close(sharing.prefillUtilization, rho, 1e-12))
        #expect(close(try #require(sharing.ttftShortMeanSeconds), wait + short, 1e-12))
        // ρ ≈ 0.67: the tail sits far above the mean, which is the point of reporting it.
        let p99 = try #require(sharing.ttftShortP99Seconds)
        #expect(p99 > 3 * wait, "p99 \(p99) vs mean wait \(wait)")
        #expect(close(wait + short, 6.195378, 1e-6))
        #expect(close(p99, 35.45209, 1e-6))
        #expect(!sharing.isSaturated)
    }

    @Test(arguments: [1.5, 2.0, 1000.0])
    func aSaturatingRateGivesNoTTFT(rate: Double) throws {
        var mix = Self.acceptanceMix
        mix.arrivalsPerSecond = rate
        let sharing = try #require(try Self.acceptanceEstimator(mix).sharing(context: 131_072))
        #expect(sharing.prefillUtilization >= 1)
        #expect(sharing.isSaturated)
        #expect(sharing.meanWaitSeconds == nil)
        #expect(sharing.ttftShortMeanSeconds == nil)
        #expect(sharing.ttftShortP99Seconds == nil)
        // The other figures do not depend on the queue.
        #expect(sharing.chunkedPrefillSeconds.isFinite)
    }

    @Test func transferAndPagingInTheAcceptanceScenario() throws {
        let estimator = try Self.acceptanceEstimator()
        let sharing = try #require(estimator.sharing(context: 131_072))
        // 131,072 B/token × 128K tokens over 50 GB/s: 0.34 s, against a 6.4 s recompute.
        #expect(close(try #require(sharing.kvTransferSeconds), 131_072.0 * 131_072 / 50e9, 1e-12))
        #expect(sharing.kvTransferBreakEven == .alwaysWins)
        #expect(sharing.kvTransferBreakEvenContext == nil)
        // 128K is a whole number of 16-token blocks: paging wastes nothing at this length.
        #expect(sharing.pagedContextTokens == 131_072)
        #expect(sharing.pagedWasteTokens == 0)
        #expect(sharing.meanPagedWasteTokens == 7.5)
        #expect(sharing.concurrencyPaged == estimator.concurrency(tokens: 131_072))
        #expect(sharing.concurrencyReserved == sharing.concurrencyPaged)
    }

    @Test func withoutAMixThereIsNoSharingEstimate() throws {
        #expect(try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100).sharing(context: 4096) == nil)
    }

    // MARK: Chunked prefill

    static let models = [Fixtures.llama31_8b, Fixtures.yi34b, Fixtures.mistral7b, Fixtures.mixtral8x7b, Fixtures.jamba]

    /// One chunk beside an empty batch is the unchunked prefill, to the last bit: the chunk's FLOPs
    /// telescope to the prefill's and its bytes are the weights alone.
    @Test(arguments: models, [1, 1000, 100_000])
    func oneChunkWithoutDecodeIsThePrefill(model: Model, tokens: Int) throws {
        let estimator = try Fixtures.estimator(model, Fixtures.h100)
        let chunked = estimator.chunkedPrefill(tokens: tokens, chunkTokens: tokens, decodeBatch: 0, decodeContext: 2048)
        #expect(chunked.iterations == 1)
        #expect(chunked.seconds == estimator.prefillTime(tokens: Double(tokens)).seconds)
        #expect(chunked.worstIterationSeconds == chunked.seconds)
    }

    /// The iteration formula written out for a full-attention model: chunk k attends to its k·c
    /// predecessors and causally within itself, `k·c² + c²/2` pairs per layer.
    @Test(arguments: [(100_000, 4096, 8), (131_072, 2048, 1), (50_000, 512, 32), (3000, 1024, 0)])
    func iterationsAsTheIssueWritesThem(tokens n: Int, chunk c: Int, batch b: Int) throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        let model = Fixtures.llama31_8b
        let perPair = 4.0 * Double(model.heads * model.headDim) * Double(model.layers)
        let short = 2048.0
        var total = 0.0, worst = 0.0
        var k = 0
        while k * c < n {
            let prefix = Double(k * c), size = Double(min(c, n - k * c))
            let last = (k + 1) * c >= n
            let linear = 2 * estimator.parameters.activeNonEmbedding * size + (last ? 2 * estimator.parameters.logitParams : 0)
                + estimator.decodeLinearFLOPs(batch: Double(b))
            let attention = perPair * (prefix * size + size * size / 2)
                + Double(b) * perPair * short
            let bytes = estimator.weightsBytes + Double(b) * estimator.kvBytes(tokens: short) + estimator.kvBytes(tokens: prefix)
            let time = max(bytes / estimator.memoryBytesPerSecond,
                           linear / estimator.matmulFLOPsPerSecond + attention / estimator.attentionFLOPsPerSecond)
            total += time
            worst = max(worst, time)
            k += 1
        }
        let chunked = estimator.chunkedPrefill(tokens: n, chunkTokens: c, decodeBatch: b, decodeContext: 2048)
        #expect(chunked.iterations == k)
        #expect(close(chunked.seconds, total, 1e-9), "\(chunked.seconds) vs \(total)")
        #expect(close(chunked.worstIterationSeconds, worst, 1e-9))
    }

    /// Smaller chunks: a shorter worst step, a longer time to first token for the long prompt.
    @Test(arguments: models)
    func smallerChunksTradeTTFTForStepTime(model: Model) throws {
        var hardware = Fixtures.h100
        hardware.gpus = 2
        let estimator = try Fixtures.estimator(model, hardware)
        let runs = [8192, 2048, 512].map {
            estimator.chunkedPrefill(tokens: 65_536, chunkTokens: $0, decodeBatch: 4, decodeContext: 2048)
        }
        for (larger, smaller) in zip(runs, runs.dropFirst()) {
            #expect(smaller.worstIterationSeconds < larger.worstIterationSeconds)
            #expect(smaller.seconds > larger.seconds)
        }
        #expect(runs[0].seconds >= estimator.prefillTime(tokens: 65_536).seconds)
    }

    // MARK: The queue's distribution

    /// With no long requests the queue is M/D/1, whose waiting-time CDF has an exact closed form
    /// (Erlang 1909; Crommelin 1932): `F(t) = (1 − ρ)·Σ_{k=0}^{⌊t/D⌋} [λ(kD − t)]^k/k! · e^{−λ(kD − t)}`.
    /// (ρ = 0.9 puts the p99 at 22 services, past the march's eight: the exponential tail.)
    @Test(arguments: [(0.05, 0.99), (0.3, 0.9), (0.5, 0.99), (0.7, 0.99), (0.7, 0.5), (0.9, 0.99)])
    func deterministicServiceMatchesErlangsFormula(rho: Double, q: Double) throws {
        let service = 0.25
        let lambda = rho / service
        let queue = PrefillQueue(shortSeconds: service, longSeconds: 40, longFraction: 0, arrivalsPerSecond: lambda)
        let t = try #require(queue.waitQuantileSeconds(q))
        var cdf = 0.0, factorial = 1.0
        for k in 0...Int((t / service).rounded(.down)) {
            if k > 0 { factorial *= Double(k) }
            let x = lambda * (Double(k) * service - t)
            cdf += pow(x, Double(k)) / factorial * exp(-x)
        }
        cdf *= 1 - rho
        #expect(abs(cdf - q) < 2e-5, "F(\(t)) = \(cdf), wanted \(q)")
    }

    @Test func noWaitBelowTheIdleProbability() throws {
        let queue = PrefillQueue(shortSeconds: 0.03, longSeconds: 6.4, longFraction: 0.1, arrivalsPerSecond: 0.5)
        #expect(queue.utilization < 0.4)
        #expect(queue.waitQuantileSeconds(0.5) == 0)  // P(W = 0) = 1 − ρ > 0.5
        #expect(try #require(queue.waitQuantileSeconds(0.99)) > 0)
        #expect(queue.waitQuantileSeconds(1) == nil)
    }

    /// The tail's decay rate solves the Lundberg equation `λ·(E[e^{γS}] − 1) = γ`.
    @Test func lundbergRootSolvesItsEquation() throws {
        let queue = PrefillQueue(shortSeconds: 0.03, longSeconds: 6.4, longFraction: 0.1, arrivalsPerSecond: 1.2)
        let gamma = try #require(queue.lundbergRoot())
        let mgf = 0.9 * exp(gamma * 0.03) + 0.1 * exp(gamma * 6.4)
        #expect(close(1.2 * (mgf - 1), gamma, 1e-9))
    }

    // MARK: Paged KV

    @Test(arguments: [(1, 16, 16), (16, 16, 16), (17, 16, 32), (131_073, 16, 131_088), (1000, 1, 1000), (5, 256, 256)])
    func pagedSessionsRoundUpToWholeBlocks(tokens: Int, block: Int, paged: Int) throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        #expect(estimator.pagedTokens(tokens, blockTokens: block) == paged)
        #expect(estimator.concurrencyPaged(tokens: tokens, blockTokens: block) == estimator.concurrency(tokens: Double(paged)))
    }

    @Test func reservingMaxContextHoldsFarFewerSessions() throws {
        var mix = Self.acceptanceMix
        mix.kvBlockTokens = 16
        let estimator = try Self.acceptanceEstimator(mix)
        let sharing = estimator.sharing(context: 2000, workload: mix)
        // ≈ 69.8 GB free beside 16 GB of weights at 131,072 B per token: 266 sessions of 2,000
        // tokens (125 whole blocks) paged, against 4 reserving 128K tokens (17.2 GB) each.
        #expect(sharing.pagedContextTokens == 2000)
        #expect(sharing.reservedContextTokens == 131_072)
        let available = estimator.availableKVBytes
        #expect(sharing.concurrencyPaged == Int((available / (2000 * 131_072)).rounded(.down)))
        #expect(sharing.concurrencyReserved == Int((available / (131_072 * 131_072)).rounded(.down)))
        #expect(sharing.concurrencyReserved * 50 < sharing.concurrencyPaged)
        // Beyond max_context a reservation must at least hold the session.
        #expect(estimator.reservedTokens(200_000) == 200_000)
    }

    // MARK: Disaggregated prefill/decode

    /// Llama-2-7B (multi-head attention, 512 KiB of KV per token) over a 100 Gb/s link: sending a
    /// token's KV (42 µs) is slower than recomputing it (13 µs of linear FLOPs) until attention's
    /// quadratic term catches up near 110K tokens.
    @Test func slowNetworkBreakEven() throws {
        var hardware = Fixtures.h100
        hardware.networkBytesPerSecond = 100e9 / 8
        let estimator = try Fixtures.estimator(Fixtures.llama2_7b, hardware)
        let breakEven = try #require(estimator.kvTransferBreakEven()?.context)
        #expect(breakEven > 90_000 && breakEven < 130_000, "\(breakEven)")
        func transferWins(_ n: Int) -> Bool {
            estimator.kvTransferSeconds(tokens: Double(n))! < estimator.prefillTime(tokens: Double(n)).seconds
        }
        #expect(!transferWins(breakEven - 1))
        for n in [breakEven, breakEven + 1, 2 * breakEven, 1 << 20, 1 << 30] { #expect(transferWins(n), "\(n)") }
        // Below the break-even recompute wins, except for prompts so short that reading the weights
        // once (the prefill's floor) outlasts sending their KV.
        #expect(!transferWins(1000) && !transferWins(50_000))
        #expect(transferWins(10))
    }

    @Test func transferWithoutANetworkIsUnknown() throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        #expect(estimator.kvTransferSeconds(tokens: 4096) == nil)
        #expect(estimator.kvTransferBreakEven() == nil)
        #expect(estimator.sharing(context: 4096, workload: Self.acceptanceMix).kvTransferBreakEvenContext == nil)
    }

    @Test func anAbsurdlySlowNetworkNeverWins() throws {
        var hardware = Fixtures.h100
        hardware.networkBytesPerSecond = 1e-6
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, hardware)
        #expect(estimator.kvTransferBreakEven() == .neverWins)
    }

    // MARK: Inputs

    static func mix(_ change: (inout SharingWorkload) -> Void) -> SharingWorkload {
        var mix = acceptanceMix
        change(&mix)
        return mix
    }

    @Test(arguments: [
        ("workload.short_context", mix { $0.shortContextTokens = 0 }),
        ("workload.long_fraction", mix { $0.longFraction = 1.5 }),
        ("workload.long_fraction", mix { $0.longFraction = -0.1 }),
        ("workload.long_fraction", mix { $0.longFraction = .nan }),
        ("workload.arrival_rate", mix { $0.arrivalsPerSecond = 0 }),
        ("workload.arrival_rate", mix { $0.arrivalsPerSecond = .infinity }),
        ("workload.chunk", mix { $0.chunkTokens = 0 }),
        ("workload.kv_block", mix { $0.kvBlockTokens = -16 }),
    ])
    func impossibleMixesAreRejected(field: String, mix: SharingWorkload) {
        #expect(throws: EstimatorInputError.self) { try Self.acceptanceEstimator(mix) }
        #expect(ImpossibleInputTests.rejected(
            Scenario(model: Fixtures.llama31_8b, hardware: Fixtures.h100, workload: Workload(sharing: mix)))?.field == field)
    }

    /// Weights that do not fit, a short context that does not fit, the edges of p: figures are
    /// numbers or nil, never NaN or infinity.
    @Test(arguments: [
        (Fixtures.llama31_70b, SharingWorkload(shortContextTokens: 2048, longFraction: 0.1, arrivalsPerSecond: 0.01)),
        (Fixtures.yi34b, SharingWorkload(shortContextTokens: 150_000, longFraction: 0.5, arrivalsPerSecond: 0.001)),
        (Fixtures.llama31_8b, SharingWorkload(shortContextTokens: 2048, longFraction: 0, arrivalsPerSecond: 5)),
        (Fixtures.llama31_8b, SharingWorkload(shortContextTokens: 2048, longFraction: 1, arrivalsPerSecond: 0.1)),
        (Fixtures.llama31_8b, SharingWorkload(shortContextTokens: 500_000, longFraction: 0.2, arrivalsPerSecond: 0.001)),
    ])
    func everyFigureIsANumberOrNil(model: Model, mix: SharingWorkload) throws {
        let estimator = try Fixtures.estimator(model, Self.h100WithNetwork)
        let sharing = estimator.sharing(context: 100_000, workload: mix)
        let figures: [Double?] = [
            sharing.decodeStepSeconds, sharing.prefillStallSeconds, sharing.chunkedPrefillSeconds,
            sharing.chunkedStepSeconds, sharing.prefillUtilization, sharing.meanWaitSeconds,
            sharing.ttftShortMeanSeconds, sharing.ttftShortP99Seconds, sharing.meanPagedWasteTokens,
            sharing.kvTransferSeconds,
        ]
        for figure in figures { #expect(figure?.isFinite ?? true) }
        if let mean = sharing.ttftShortMeanSeconds, let p99 = sharing.ttftShortP99Seconds {
            #expect(p99 >= sharing.queue.shortSeconds && mean >= sharing.queue.shortSeconds)
        }
    }
}
