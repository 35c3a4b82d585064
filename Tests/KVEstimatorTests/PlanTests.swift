import Testing
@testable import KVEstimator

/// The planner (issue 14): its iteration model agrees with the sharing model's chunked prefill,
/// its precomputed service curves with the iterations they sum, and its answers move the right way.
@Suite("Plan: the cheapest deployment")
struct PlanTests {
    static let chat = PlanWorkload(
        arrivalsPerSecond: 4,
        prompts: [PromptClass(tokens: 2048, share: 0.75), PromptClass(tokens: 16384, share: 0.2),
                  PromptClass(tokens: 131_072, share: 0.05, ttftP99Seconds: 30)],
        outputs: [LengthShare(tokens: 300, share: 0.8), LengthShare(tokens: 1000, share: 0.2)],
        targets: PlanTargets(ttftP99Seconds: 2, tpotP99Seconds: 0.06, ttftP50Seconds: 0.5))

    static func space(_ model: Model = Fixtures.llama31_8b) -> PlanSpace {
        var h100 = Fixtures.h100HGX, h200 = Fixtures.h200HGX
        h100.pricePerHour = 2.5
        h200.pricePerHour = 3.5
        return PlanSpace(model: model, hardware: [h100, h200], compressions: [.none],
                         precisions: [(.bf16, .bf16), (.fp8, .fp8)], chunks: [512, 2048])
    }

    /// A prompt's chunk iterations beside b decoding sessions sum to the sharing model's
    /// `chunkedPrefill` (one model of an iteration for both).
    @Test(arguments: [(8192, 2048, 0), (20000, 512, 7), (131_072, 2048, 32)])
    func iterationsSumToChunkedPrefill(tokens: Int, chunk: Int, batch: Int) throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100HGX)
        let context = 3000, b = Double(batch)
        var total = 0.0, start = 0
        while start < tokens {
            let end = min(tokens, start + chunk)
            total += estimator.iterationSeconds(
                chunkStart: start, chunkEnd: end, completesPrompt: end == tokens, decodeSessions: b,
                decodeKVBytes: b * estimator.kvBytes(tokens: Double(context)), decodeAttentionFLOPs: b * estimator.decodeAttentionFLOPs(context: Double(context)))
            start = end
        }
        let sharing = estimator.chunkedPrefill(tokens: tokens, chunkTokens: chunk, decodeBatch: batch, decodeContext: context)
        #expect(close(total, sharing.seconds, 1e-12))
    }

    /// `S_i(b)` from the sorted breakpoints equals the sum of its iterations at any batch, on one
    /// GPU and on a tensor-parallel group (communication included).
    @Test(arguments: [1, 4])
    func serviceCurveIsTheSumOfItsIterations(gpus: Int) throws {
        var hardware = Fixtures.h100HGX
        hardware.gpus = gpus
        let estimator = try Fixtures.estimator(Fixtures.llama31_70b, hardware)
        let replica = ReplicaModel(estimator: estimator, workload: Self.chat, chunkTokens: 2048)
        for b in [0.0, 0.5, 3, 17.25, 120, 4000] {
            for (i, prompt) in Self.chat.prompts.enumerated() {
                var total = 0.0, start = 0
                while start < prompt.tokens {
                    let end = min(prompt.tokens, start + 2048)
                    total += estimator.iterationSeconds(
                        chunkStart: start, chunkEnd: end, completesPrompt: end == prompt.tokens, decodeSessions: b,
                        decodeKVBytes: b * replica.decodeKVBytesPerSession, decodeAttentionFLOPs: b * replica.decodeAttentionFLOPsPerSession)
                    start = end
                }
                #expect(close(replica.serviceSeconds(promptClass: i, decodeBatch: b), total, 1e-9), "class \(prompt.tokens) at b = \(b)")
            }
        }
    }

    /// At a vanishing rate a request waits for nothing: its TTFT is its own prefill, the gap
    /// between tokens one decode step of a lone session.
    @Test func aVanishingRateLeavesOnlyTheRequestsOwnWork() throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100HGX)
        let replica = ReplicaModel(estimator: estimator, workload: Self.chat, chunkTokens: 2048)
        let load = replica.load(arrivalsPerSecond: 0)
        #expect(load.stable && load.decodeBatch == 0)
        for (i, c) in load.classes.enumerated() {
            #expect(c.ttftP99Seconds == replica.serviceSeconds(promptClass: i, decodeBatch: 0))
            #expect(c.ttftMeanSeconds == c.ttftP99Seconds)
        }
        #expect(load.tpotP99Seconds == replica.decodeIterationSeconds(decodeBatch: 1))
    }

    /// A replica at a higher rate is never better on any figure the verdict reads.
    @Test func loadGrowsWithTheRate() throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100HGX)
        let replica = ReplicaModel(estimator: estimator, workload: Self.chat, chunkTokens: 2048)
        var previous = replica.load(arrivalsPerSecond: 0)
        for rate in stride(from: 0.05, through: 3, by: 0.05) {
            let load = replica.load(arrivalsPerSecond: rate)
            guard load.stable else { break }
            #expect(load.decodeBatch >= previous.decodeBatch && load.prefillUtilization >= previous.prefillUtilization)
            #expect(load.tpotP99Seconds >= previous.tpotP99Seconds)
            for (now, before) in zip(load.classes, previous.classes) { #expect(now.ttftP99Seconds >= before.ttftP99Seconds) }
            previous = load
        }
    }

    /// Raising a target's strictness never lowers the cost found.
    @Test(arguments: ["ttft_p99", "tpot_p99"])
    func stricterTargetsNeverCostLess(name: String) {
        let target: WritableKeyPath<PlanTargets, Double> = name == "ttft_p99" ? \.ttftP99Seconds : \.tpotP99Seconds
        var traffic = Self.chat
        var previous = 0.0
        for factor in [4.0, 2, 1, 0.75, 0.5] {
            traffic.targets = Self.chat.targets
            traffic.targets[keyPath: target] *= factor
            let plan = Plan(traffic: traffic, candidates: Self.space().candidates(for: traffic))
            let cost = plan.cheapest.map(plan.cost) ?? .infinity
            #expect(cost >= previous, "factor \(factor)")
            previous = cost
        }
    }

    /// Doubling the arrival rate never lowers any candidate's replicas, nor the cheapest cost.
    @Test func doublingTheRateNeverLowersTheReplicas() {
        var traffic = Self.chat
        var previousCost = 0.0
        var previousReplicas: [Int?] = []
        for rate in [0.5, 1, 2, 4, 8, 16] {
            traffic.arrivalsPerSecond = rate
            let plan = Plan(traffic: traffic, candidates: Self.space().candidates(for: traffic))
            let replicas = plan.options.map(\.replicas)
            for (now, before) in zip(replicas, previousReplicas) {
                #expect((now ?? .max) >= (before ?? .max), "at \(rate) requests/s")
            }
            let cost = plan.cheapest.map(plan.cost) ?? .infinity
            #expect(cost >= previousCost, "at \(rate) requests/s")
            #expect(plan.cheapest != nil)
            previousCost = cost
            previousReplicas = replicas
        }
    }

    /// A prompt longer than any candidate holds: nothing meets the targets and the closest
    /// candidate says memory is what fails.
    @Test func aPromptNoCandidateHoldsFailsOnMemory() {
        var traffic = Self.chat
        traffic.prompts[2].tokens = 64_000_000  // 4 TB of bf16 KV, 2 TB in fp8: beyond 8 H200s
        let plan = Plan(traffic: traffic, candidates: Self.space().candidates(for: traffic))
        #expect(plan.cheapest == nil && plan.ranked.isEmpty && !plan.options.isEmpty)
        #expect(plan.closest?.binding == .memory)
        #expect(plan.options.allSatisfy { $0.binding == .memory && $0.replicas == nil })
    }

    /// The cheapest option meets every target and is first; the frontier starts at it; the
    /// binding constraint of a multi-replica answer is violated with one replica fewer.
    @Test func theCheapestMeetsTheTargetsAndOneFewerDoesNot() throws {
        let traffic = Self.chat
        let plan = Plan(traffic: traffic, candidates: Self.space().candidates(for: traffic))
        let cheapest = try #require(plan.cheapest)
        let replicas = try #require(cheapest.replicas)
        #expect(plan.frontier.first == 0)
        #expect(plan.priced && cheapest.dollarsPerHour == Double(replicas * cheapest.candidate.gpusPerReplica) * cheapest.candidate.pricePerGPUHour!)
        let replica = cheapest.candidate.replica
        #expect(replica.verdict(arrivalsPerSecond: traffic.arrivalsPerSecond / Double(replicas), targets: traffic.targets).meets)
        if replicas > 1 {
            let fewer = replica.verdict(arrivalsPerSecond: traffic.arrivalsPerSecond / Double(replicas - 1), targets: traffic.targets)
            #expect(!fewer.meets && fewer.binding == cheapest.binding)
        }
        for option in plan.ranked.dropFirst() { #expect(plan.cost(option) >= plan.cost(cheapest)) }
    }

    /// The planner's sweep: the same traffic costs at least as much when its long tail grows.
    @Test func aLongerTailNeverCostsLess() {
        let sweep = PlanContextSweep(space: Self.space(), traffic: Self.chat, contexts: [4096, 32768, 131_072])
        let costs = sweep.points.map { $0.cost ?? .infinity }
        #expect(costs.count == 3 && costs == costs.sorted())
    }
}
