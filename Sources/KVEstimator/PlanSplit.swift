/// The longest prompts on replicas of their own: the traffic routed by prompt length to two
/// pools, each planned like the whole (the same candidates, the same targets per class).
///
/// Why: on one replica, first-come-first-served with one prompt prefilled at a time (vLLM's and
/// SGLang's default order, `ReplicaModel`), a short prompt that arrives while a long one is being
/// prefilled waits for the rest of it; when the short prompts' TTFT target binds, that
/// head-of-line blocking, not the work, can set the answer. Two pools remove it: the short
/// prompts never queue behind a long one. (Routing by request length ahead of the engines is a
/// deployment choice, e.g. a gateway rule on the prompt's size; the planner prices it with the
/// same replica model, nothing else changes.)
public struct PlanSplit: Sendable {
    /// Tokens of the prompt class given replicas of its own.
    public var longPromptTokens: Int
    /// The other prompts' pool and the longest prompts' pool, each planned alone.
    public var others: Plan
    public var longest: Plan

    /// Nil when the traffic has a single prompt class (nothing to split).
    public init?(space: PlanSpace, traffic: PlanWorkload) {
        guard let split = traffic.splittingLongest() else { return nil }
        longPromptTokens = split.longest.prompts[0].tokens
        others = Plan(traffic: split.others, candidates: space.candidates(for: split.others))
        longest = Plan(traffic: split.longest, candidates: space.candidates(for: split.longest))
    }

    /// Whether both pools have a deployment that meets the targets.
    public var meets: Bool { others.cheapest != nil && longest.cheapest != nil }

    /// Whether both pools are ranked in money (every candidate priced).
    public var priced: Bool { others.priced && longest.priced }

    /// The two pools together: $/hour when priced, else GPUs; nil when either pool has no answer.
    public var cost: Double? {
        guard let short = others.cheapest, let long = longest.cheapest else { return nil }
        return others.cost(short) + longest.cost(long)
    }

    /// GPUs of both pools together.
    public var gpus: Int? {
        guard let short = others.cheapest?.gpus, let long = longest.cheapest?.gpus else { return nil }
        return short + long
    }

    /// `$/hour / (3600·λ·E[m]) · 10⁶` over the whole traffic (both pools' output tokens), as
    /// `Plan.dollarsPerMillionOutputTokens`.
    public var dollarsPerMillionOutputTokens: Double? {
        guard priced, let cost else { return nil }
        let outputTokensPerSecond = others.traffic.arrivalsPerSecond * others.traffic.meanOutputTokens
            + longest.traffic.arrivalsPerSecond * longest.traffic.meanOutputTokens
        return cost / (3600 * outputTokensPerSecond) * 1e6
    }
}
