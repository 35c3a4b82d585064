import KVEstimator
import KVStudy

/// A study's `plan:` evaluated once (issue 14): every candidate's replicas and cost, the cheapest,
/// the Pareto frontier, and the same traffic with its longest prompts at each of the study's
/// contexts, with and without each compression. `kvplan plan` and the report's Plan section lay
/// these numbers out; neither computes any.
public struct PlanEvaluation: Sendable {
    public var settings: PlanStudy
    public var plan: Plan
    /// The cheapest deployment as the longest prompt class moves over the study's contexts.
    public var sweep: PlanContextSweep
    /// The longest prompts routed to replicas of their own, each pool planned alone (nil with one
    /// prompt class): what head-of-line blocking costs the single pool.
    public var split: PlanSplit?
    /// Hardware entries of the study without `price_per_hour` (the ranking is by GPUs when any).
    public var unpriced: [String]
    /// The study's mode the candidates were evaluated in.
    public var mode: Mode

    public init(study: Study, settings: PlanStudy) {
        self.settings = settings
        let space = settings.space(of: study)
        mode = space.mode
        plan = Plan(traffic: settings.traffic, candidates: space.candidates(for: settings.traffic))
        sweep = PlanContextSweep(space: space, traffic: settings.traffic, contexts: study.contexts)
        split = PlanSplit(space: space, traffic: settings.traffic)
        unpriced = study.hardware.filter { $0.pricePerHour == nil }.map(\.name)
    }

    /// The option `plan.ranked[index]`, or the closest one when nothing meets the targets.
    public var headline: PlanOption? { plan.cheapest ?? plan.closest }
}
