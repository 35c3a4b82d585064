import Testing
@testable import KVEstimator

/// What the capacity-planning review of issue 14 added: the longest prompts on replicas of their
/// own, the ranking at equal cost, a frontier that holds no dominated option, and the closest
/// candidate of an unservable workload.
@Suite("Plan: split pools, ties, frontier, closest")
struct PlanReviewTests {
    static let chat = PlanTests.chat

    static let kivi = Compression(name: "kivi-2bit", kvBits: 2, groupSize: 32, residualTokens: 128)

    static func space(compressions: [Compression] = [.none, kivi]) -> PlanSpace {
        var space = PlanTests.space()
        space.compressions = compressions
        return space
    }

    /// 4 requests/s with shares 75/20/5%: the 128K class alone at 0.2 requests/s, the others at
    /// 3.8 requests/s with their shares renormalised (0.75/0.95, 0.2/0.95); targets travel with
    /// their classes.
    @Test func splittingTheLongestClassKeepsTheTraffic() throws {
        let split = try #require(Self.chat.splittingLongest())
        #expect(close(split.longest.arrivalsPerSecond, 0.2) && close(split.others.arrivalsPerSecond, 3.8))
        #expect(split.longest.prompts == [PromptClass(tokens: 131_072, share: 1, ttftP99Seconds: 30)])
        #expect(split.others.prompts.map(\.tokens) == [2048, 16384])
        #expect(close(split.others.prompts[0].share, 0.75 / 0.95) && close(split.others.prompts[1].share, 0.2 / 0.95))
        #expect(split.others.outputs == Self.chat.outputs && split.others.targets == Self.chat.targets)
        var one = Self.chat
        one.prompts = [PromptClass(tokens: 2048, share: 1)]
        #expect(one.splittingLongest() == nil)
    }

    /// The two pools cost the sum of their own cheapest deployments; for the chat mix, whose
    /// short prompts' TTFT p99 binds behind the 128K prefills, apart is cheaper than together.
    @Test func theLongPromptsApartCostTheSumOfTwoPools() throws {
        let space = Self.space(compressions: [.none])
        let split = try #require(PlanSplit(space: space, traffic: Self.chat))
        let short = try #require(split.others.cheapest), long = try #require(split.longest.cheapest)
        #expect(split.longPromptTokens == 131_072)
        #expect(try #require(split.cost) == short.dollarsPerHour! + long.dollarsPerHour!)
        #expect(try #require(split.gpus) == short.gpus! + long.gpus!)
        let together = Plan(traffic: Self.chat, candidates: space.candidates(for: Self.chat))
        let single = try #require(together.cheapest)
        #expect(single.binding == .ttftP99 && (single.bindingPromptTokens ?? .max) < 131_072)
        #expect(try #require(split.cost) < together.cost(single))
        // The whole traffic's output tokens: 4 requests/s × 440 tokens.
        #expect(close(try #require(split.dollarsPerMillionOutputTokens), split.cost! / (3600 * 4 * 440) * 1e6))
    }

    /// At equal cost, an option without KV compression ranks before a compressed one.
    @Test func atEqualCostTheUncompressedOptionRanksFirst() {
        let plan = Plan(traffic: Self.chat, candidates: Self.space().candidates(for: Self.chat))
        #expect(plan.ranked.contains { $0.candidate.compression.name == Self.kivi.name })
        for (first, second) in zip(plan.ranked, plan.ranked.dropFirst()) where plan.cost(first) == plan.cost(second) {
            #expect(!(first.candidate.compression.name != Compression.none.name && second.candidate.compression.name == Compression.none.name),
                    "\(first.candidate.label) before \(second.candidate.label)")
        }
    }

    /// No frontier option is beaten on cost, TTFT p99 and TPOT p99 at once by another option;
    /// every other option is.
    @Test func theFrontierHoldsExactlyTheUndominated() {
        let plan = Plan(traffic: Self.chat, candidates: Self.space().candidates(for: Self.chat))
        let points = plan.ranked.map { (plan.cost($0), plan.typicalTTFTP99($0), $0.load.tpotP99Seconds) }
        func dominates(_ a: Int, _ b: Int) -> Bool {
            let p = points[a], q = points[b]
            return p.0 <= q.0 && p.1 <= q.1 && p.2 <= q.2 && (p.0 < q.0 || p.1 < q.1 || p.2 < q.2)
        }
        #expect(!plan.frontier.isEmpty)
        for index in points.indices {
            let beaten = points.indices.contains { dominates($0, index) }
            if plan.frontier.contains(index) { #expect(!beaten, "frontier option \(index) is dominated") }
            else { #expect(beaten || points[..<index].contains { $0 == points[index] }, "option \(index) is left off but undominated") }
        }
    }

    /// A 1,000,000-token prompt with a 30 s TTFT target: small replicas cannot hold its KV cache,
    /// the large ones hold it but prefill too slowly. The closest candidate is one that holds it,
    /// so the answer names the slow prefill, not the memory more GPUs would add.
    @Test func theClosestCandidateHoldsTheSessionWhenAnyDoes() throws {
        var traffic = Self.chat
        traffic.prompts[2].tokens = 1_000_000
        traffic.prompts[2].ttftP99Seconds = 1
        let plan = Plan(traffic: traffic, candidates: Self.space(compressions: [.none]).candidates(for: traffic))
        #expect(plan.cheapest == nil)
        #expect(plan.options.contains { $0.binding == .memory } && plan.options.contains { $0.binding != .memory })
        let closest = try #require(plan.closest)
        #expect(closest.binding != .memory)
        #expect(closest.candidate.replica.longestSessionBytes <= closest.candidate.replica.availableKVBytes)
    }

    /// The sweep says when a compression changes nothing: equal costs at every context make the
    /// lines coincide; a compression that lowers one point does not.
    @Test func theSweepSaysWhenCompressionChangesNothing() {
        var sweep = PlanContextSweep(space: Self.space(), traffic: Self.chat, contexts: [4096])
        let costs = sweep.points.compactMap(\.cost)
        #expect(sweep.points.count == 2)
        #expect(sweep.compressionsCostTheSame == (costs.count == 2 && costs[0] == costs[1]))
        sweep.points[1].cost = (sweep.points[0].cost ?? 1) / 2
        #expect(!sweep.compressionsCostTheSame)
    }
}
