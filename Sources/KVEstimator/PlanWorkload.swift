/// The traffic a deployment is planned for (issue 14): requests arriving as a Poisson process,
/// prompt and output lengths drawn independently from two mixes, and the latency targets every
/// replica must meet.
///
/// Long-context traffic is a mix — most requests short, a few huge — so lengths are classes
/// `{tokens, share}` rather than one figure; a class may carry its own TTFT target, since no
/// hardware prefills a 128K prompt within a chat's second.
public struct PlanWorkload: Sendable, Equatable {
    /// Requests per second over the whole service, λ.
    public var arrivalsPerSecond: Double
    /// Prompt classes; the shares sum to 1.
    public var prompts: [PromptClass]
    /// Output-length classes; the shares sum to 1.
    public var outputs: [LengthShare]
    public var targets: PlanTargets

    public init(arrivalsPerSecond: Double, prompts: [PromptClass], outputs: [LengthShare], targets: PlanTargets) {
        self.arrivalsPerSecond = arrivalsPerSecond
        self.prompts = prompts
        self.outputs = outputs
        self.targets = targets
    }

    /// `E[n] = Σ share·tokens`, prompt tokens per request.
    public var meanPromptTokens: Double { prompts.reduce(0) { $0 + $1.share * Double($1.tokens) } }
    /// `E[m]`, output tokens per request.
    public var meanOutputTokens: Double { outputs.reduce(0) { $0 + $1.share * Double($1.tokens) } }
    /// The longest prompt, tokens.
    public var longestPromptTokens: Int { prompts.map(\.tokens).max() ?? 0 }
    /// The longest output, tokens.
    public var longestOutputTokens: Int { outputs.map(\.tokens).max() ?? 0 }
    /// The class most requests belong to (the first of equal shares): whose TTFT the frontier shows.
    public var typicalPrompt: PromptClass {
        prompts.reduce(prompts[0]) { $1.share > $0.share ? $1 : $0 }
    }

    /// The same traffic with the longest prompt class at `tokens` (the planner's form of the
    /// paper's question: what does serving the tail at 4K, 32K, 128K, 1M cost).
    public func withLongestPrompt(tokens: Int) -> PlanWorkload {
        var copy = self
        if let index = prompts.indices.max(by: { prompts[$0].tokens < prompts[$1].tokens }) { copy.prompts[index].tokens = tokens }
        return copy
    }

    /// The traffic split by prompt length for length-based routing: the longest prompt class on
    /// its own at `λ·p` and the other classes, their shares renormalised to sum to 1, at
    /// `λ·(1 − p)` (a Poisson stream split at random stays Poisson). Nil with one prompt class.
    public func splittingLongest() -> (others: PlanWorkload, longest: PlanWorkload)? {
        guard prompts.count > 1, let index = prompts.indices.max(by: { prompts[$0].tokens < prompts[$1].tokens }) else { return nil }
        let long = prompts[index]
        guard long.share > 0, long.share < 1 else { return nil }
        var others = self, longest = self
        others.prompts.remove(at: index)
        others.prompts = others.prompts.map { PromptClass(tokens: $0.tokens, share: $0.share / (1 - long.share), ttftP99Seconds: $0.ttftP99Seconds) }
        others.arrivalsPerSecond = arrivalsPerSecond * (1 - long.share)
        longest.prompts = [PromptClass(tokens: long.tokens, share: 1, ttftP99Seconds: long.ttftP99Seconds)]
        longest.arrivalsPerSecond = arrivalsPerSecond * long.share
        return (others, longest)
    }

    /// The TTFT p99 target of one class: its own, or the workload's.
    public func ttftP99Target(_ prompt: PromptClass) -> Double { prompt.ttftP99Seconds ?? targets.ttftP99Seconds }

    public func validate() throws(EstimatorInputError) {
        try Check.nonNegative(arrivalsPerSecond, "plan.arrival_rate")
        try Self.checkShares(prompts.map(\.share), prompts.map(\.tokens), "plan.prompts")
        try Self.checkShares(outputs.map(\.share), outputs.map(\.tokens), "plan.outputs")
        try Check.positive(targets.ttftP99Seconds, "plan.targets.ttft_p99")
        try Check.positive(targets.tpotP99Seconds, "plan.targets.tpot_p99")
        if let p50 = targets.ttftP50Seconds { try Check.positive(p50, "plan.targets.ttft_p50") }
        for prompt in prompts { if let own = prompt.ttftP99Seconds { try Check.positive(own, "plan.prompts.ttft_p99") } }
    }

    static func checkShares(_ shares: [Double], _ tokens: [Int], _ field: String) throws(EstimatorInputError) {
        guard !shares.isEmpty else { throw EstimatorInputError(field: field, "needs at least one class") }
        for value in tokens { try Check.positive(value, field) }
        for share in shares { try Check.fraction(share, field) }
        let total = shares.reduce(0, +)
        guard abs(total - 1) < 1e-6 else {
            throw EstimatorInputError(field: field, "the shares must sum to 1, got \(total)")
        }
    }
}

/// One class of a length mix: a token count and the share of requests that have it.
public struct LengthShare: Sendable, Equatable {
    public var tokens: Int
    public var share: Double

    public init(tokens: Int, share: Double) {
        self.tokens = tokens
        self.share = share
    }
}

/// One class of prompts, with its own TTFT p99 target where the workload's does not fit it.
public struct PromptClass: Sendable, Equatable {
    public var tokens: Int
    public var share: Double
    /// This class's TTFT p99 target, seconds; nil: the workload's `ttft_p99`.
    public var ttftP99Seconds: Double?

    public init(tokens: Int, share: Double, ttftP99Seconds: Double? = nil) {
        self.tokens = tokens
        self.share = share
        self.ttftP99Seconds = ttftP99Seconds
    }
}

/// Latency targets (the service-level objectives of the serving benchmarks: vLLM's
/// `benchmark_serving.py` reports TTFT, TPOT and ITL percentiles).
public struct PlanTargets: Sendable, Equatable {
    /// 99th percentile of the time to first token, seconds (per prompt class).
    public var ttftP99Seconds: Double
    /// 99th percentile of the time between two output tokens (vLLM's inter-token latency, ITL),
    /// seconds. A request's TPOT averages its gaps, so its p99 is at or below this one: the
    /// stricter reading of "TPOT p99".
    public var tpotP99Seconds: Double
    /// Median time to first token, seconds, for every prompt class without a TTFT p99 target of
    /// its own (a class that needs its own p99 is not held to the chat's median); nil: no target.
    public var ttftP50Seconds: Double?

    public init(ttftP99Seconds: Double, tpotP99Seconds: Double, ttftP50Seconds: Double? = nil) {
        self.ttftP99Seconds = ttftP99Seconds
        self.tpotP99Seconds = tpotP99Seconds
        self.ttftP50Seconds = ttftP50Seconds
    }
}
