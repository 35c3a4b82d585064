import KVEstimator
import KVStudy

/// A study evaluated once: every figure a report, `estimate`, `validate` or `calibrate` can show —
/// each scenario's estimates at every context with its baseline, the compression each context would
/// need, the sharing figures, the formula traces, the setup's per-model figures, the published
/// references beside kvplan's values and the measured comparisons and fits. It holds numbers, never
/// an estimator (a large study's `sweep` excepted): the layout that reads it computes nothing. This folder is the only code of the
/// report stage that calls the estimator.
public struct StudyEvaluation: Sendable {
    public var study: Study
    /// The contexts the document lays out, ascending: every context of the study, or for a study
    /// too large to show point by point an even spread of them together with every context where
    /// something a sentence names changes (`LaidOutContexts`). Each series' figures are at these.
    public var contexts: [Int]
    public var series: [ScenarioSeries]
    /// Every point of the study, recomputed one at a time for the downloads that hold them all
    /// (CSV, JSON) — nil when `contexts` is the whole sweep and `series` holds every point.
    public var sweep: StudySweep?
    /// One entry per model of the study, in order.
    public var models: [ModelFigures]
    /// The study's `references` that name one of its scenarios, with kvplan's value.
    public var references: [ReferenceComparison]
    /// nil without measurements; an error value when a measurement cannot be predicted.
    public var measured: Result<MeasuredEvaluation, EstimatorInputError>?
    /// The short requests' time to first token as the long fraction varies; nil without a mix.
    public var ttft: TTFTSweep?
    /// Speculative decoding's speed-up against the batch; empty without `speculative`.
    public var speculativeSweeps: [SpeculativeSweep] = []
    /// Where the KV lives (`kv_tiers`); nil without tiers.
    public var kvPlacement: KVPlacementEvaluation?
    /// The cheapest deployment for the study's `plan:` (issue 14); nil without one.
    public var plan: PlanEvaluation? = nil
    /// The one session every comparison of cost divides by: the first scenario at the baseline
    /// context and compression, over its whole replica.
    public var costBaseline: CostBaseline

    /// What `Quantity.cost` is relative to, and in which unit costs compare.
    public struct CostBaseline: Sendable {
        /// The first scenario's description: "Llama-3.1-8B on NVIDIA H100 SXM5 80GB".
        public var label: String
        public var context: Int
        /// "without compression" or "with KIVI 2-bit".
        public var compression: String
        /// Money when every hardware entry has `price_per_hour`, else GPU-seconds of the replica.
        public var priced: Bool
        /// The baseline session's cost in that unit (with `mode: both`, the calibrated one).
        public var cost: Double
    }

    /// Which contexts get formula traces: the first and last (what a report shows), or all (`--explain`).
    public enum Tracing: Sendable { case endpoints, everyContext }

    /// One line of every chart: a scenario (model × hardware × compression × mode) over the contexts.
    public struct ScenarioSeries: Sendable {
        public var scenario: Scenario
        /// The names of the dimensions that vary in the study (`kivi-2bit`, `h100-sxm · fp8-kv`).
        public var label: String
        /// At each of the study's contexts, in order; traced as `Tracing` asks.
        public var estimates: [Estimate]
        /// Where the replica's HBM goes with one session in it, at each context.
        public var hbm: [HBMBreakdown]
        /// A session's GPU-seconds at the baseline (context and compression).
        public var baselineGPUSeconds: Double
        public var isBaselineCompression: Bool
        /// The KV reduction that would make each context as cheap as the baseline.
        public var compressionNeeded: [CompressionNeeded]
        /// Sharing figures at each context; empty without a mixed workload.
        public var sharing: [SharingEstimate]
        /// The peaks the roofline is drawn against (efficiency applied in calibrated mode).
        public var matmulFLOPsPerSecond: Double
        public var memoryBytesPerSecond: Double
    }

    /// What the setup table states about a model: parameter counts and KV bytes per token on the
    /// study's first hardware entry (nil when that scenario is invalid).
    public struct ModelFigures: Sendable {
        public var model: Model
        public var parameters: ParameterCounts
        public var kvBytesPerToken: Result<Double, EstimatorInputError>
    }

    /// The first series with a mix, at the longest context, over long fractions from 0 to twice
    /// the study's: the mean and p99 time to first token of a short request, or nil past saturation.
    public struct TTFTSweep: Sendable {
        public var label: String
        public var context: Int
        public var points: [(longFraction: Double, sharing: SharingEstimate)]
    }

    /// A published figure beside the value kvplan computes for the same scenario and context.
    public struct ReferenceComparison: Sendable {
        public var reference: Reference
        public var label: String
        public var computed: Double
    }

    /// Which contexts the evaluation holds: those a report lays out (`LaidOutContexts`), or every
    /// one (`kvplan estimate`'s tables print each).
    public enum Contexts: Sendable { case laidOut, all }

    /// `measured: false` skips the comparison with the study's measurements (fits, bootstrap and
    /// held-out refits: seconds of work) for a caller that prints none of it (`kvplan estimate`).
    public init(study: Study, tracing: Tracing = .endpoints, contexts which: Contexts = .laidOut, measured compareMeasured: Bool = true) throws(EstimatorInputError) {
        self.study = study
        let dimensions = VaryingDimensions(study)
        let priced = study.hardware.allSatisfy { $0.pricePerHour != nil }
        var swept: [SweptSeries] = []
        // One baseline per mode (peak figures against the peak baseline, calibrated against the calibrated one).
        var studyBaseline: Double?
        for mode in study.modes {
            studyBaseline = nil
            for scenario in study.scenarios(mode: mode) {
                let estimator = try Estimator(scenario)
                var baselineScenario = scenario
                baselineScenario.compression = study.baseline.compression
                let baselineEstimator = try Estimator(baselineScenario)
                let baseline = baselineEstimator.sessionCost(tokens: study.baseline.context).gpuSeconds
                if studyBaseline == nil {
                    let cost = baselineEstimator.comparing(baselineEstimator.estimate(context: study.baseline.context)).comparable!
                    studyBaseline = priced ? cost.price! : cost.gpuSeconds
                }
                swept.append(SweptSeries(
                    scenario: scenario, label: dimensions.label(scenario), estimator: estimator,
                    baselineGPUSeconds: baseline, studyBaselineCost: studyBaseline, priced: priced))
            }
        }
        let laidOut = which == .all ? Array(study.contexts.indices) : LaidOutContexts.indices(of: study, swept)
        let contexts = laidOut.map { study.contexts[$0] }
        self.contexts = contexts
        sweep = laidOut.count == study.contexts.count ? nil : StudySweep(contexts: study.contexts, series: swept)
        let endpoints = Set([study.contexts.first, study.contexts.last].compactMap { $0 })
        series = swept.map { entry in
            let estimator = entry.estimator, baseline = entry.baselineGPUSeconds
            let estimates = contexts.map { entry.estimate(context: $0, traced: tracing == .everyContext || endpoints.contains($0)) }
            return ScenarioSeries(
                scenario: entry.scenario,
                label: entry.label,
                estimates: estimates,
                hbm: estimates.map { HBMBreakdown($0, scenario: entry.scenario) },
                baselineGPUSeconds: baseline,
                isBaselineCompression: entry.scenario.compression.name == study.baseline.compression.name,
                // The session cost each estimate holds is where the bisection starts (issue 13).
                compressionNeeded: estimates.map {
                    estimator.compressionNeeded(tokens: $0.context, targetGPUSeconds: baseline, sessionGPUSeconds: $0.session.gpuSeconds)
                },
                sharing: contexts.compactMap { estimator.sharing(context: $0) },
                matmulFLOPsPerSecond: estimator.matmulFLOPsPerSecond,
                memoryBytesPerSecond: estimator.memoryBytesPerSecond)
        }
        let estimators = swept.map(\.estimator)
        let first = series[0].scenario
        costBaseline = CostBaseline(
            label: "\(first.model.label) on \(first.hardware.label)", context: study.baseline.context,
            compression: study.baseline.compression.name == "none" ? "without compression" : "with \(study.baseline.compression.label)", priced: priced, cost: studyBaseline ?? 1)
        models = study.models.map { model in
            ModelFigures(
                model: model, parameters: ParameterCounts(model: model),
                kvBytesPerToken: Result { () throws(EstimatorInputError) in
                    let estimator = try Estimator(Scenario(model: model, hardware: study.hardware[0], workload: study.workload))
                    return estimator.kvBytes(tokens: 1) - estimator.kvCache.stateBytes
                })
        }
        references = Self.references(study, series, estimators)
        ttft = Self.ttftSweep(study, contexts, series, estimators)
        speculativeSweeps = Self.speculativeSweeps(study, contexts, series, estimators)
        kvPlacement = try study.kvPlacement.map { p throws(EstimatorInputError) in try KVPlacementEvaluation(study: study, placement: p) }
        plan = study.plan.map { PlanEvaluation(study: study, settings: $0) }
        measured = study.measurements.isEmpty || !compareMeasured ? nil : Result { () throws(EstimatorInputError) in try MeasuredEvaluation(study: study) }
    }

    /// Every scenario of the study in order (modes, then models × hardware × compression), with its
    /// series label, estimator and baseline session cost: what both the evaluation and a stream
    /// of points (`eachPoint`) start from.
    static func eachScenario(
        of study: Study, _ body: (Scenario, String, Estimator, Double) throws(EstimatorInputError) -> Void
    ) throws(EstimatorInputError) {
        let dimensions = VaryingDimensions(study)
        for mode in study.modes {
            for scenario in study.scenarios(mode: mode) {
                let estimator = try Estimator(scenario)
                var baselineScenario = scenario
                baselineScenario.compression = study.baseline.compression
                let baseline = try Estimator(baselineScenario).sessionCost(tokens: study.baseline.context).gpuSeconds
                try body(scenario, dimensions.label(scenario), estimator, baseline)
            }
        }
    }

    /// The study's points one at a time, as the evaluation computes them (untraced), without
    /// holding any: what `kvplan estimate --json` streams in constant memory.
    public static func eachPoint(
        of study: Study, _ body: (Scenario, Estimate, CompressionNeeded, SharingEstimate?) -> Void
    ) throws(EstimatorInputError) {
        try eachScenario(of: study) { (scenario, _, estimator, baseline) throws(EstimatorInputError) in
            for context in study.contexts {
                let estimate = estimator.estimate(context: context, baselineGPUSeconds: baseline)
                let needed = estimator.compressionNeeded(tokens: context, targetGPUSeconds: baseline, sessionGPUSeconds: estimate.session.gpuSeconds)
                body(scenario, estimate, needed, estimator.sharing(context: context))
            }
        }
    }


    /// A quantity as this study shows it (cost per million tokens in money when the study is priced).
    public func quantity(_ key: Quantity.Key) -> Quantity {
        key == .costPerMillionTokens ? .costPerMillionTokens(priced: costBaseline.priced) : Quantity(key: key)
    }
    public var first: ScenarioSeries { series[0] }
    /// How many contexts the study sweeps (more than `contexts` when it is laid out at a spread).
    public var studyContextCount: Int { sweep?.contexts.count ?? contexts.count }

    /// The scenario that figures about one scenario describe (findings, the HBM chart, the roofline,
    /// the formulas): the first of `compared` whose weights fit and whose model reaches the study's
    /// longest context, when one does — so that they rest on points within the model's maximum and,
    /// with `mode: both`, on the calibrated figures that the comparisons use.
    public var primary: ScenarioSeries {
        let servable = compared.filter { $0.estimates.first?.regime != .weightsDoNotFit }
        let longest = contexts.last ?? 0
        return servable.first { $0.scenario.model.contextLimit >= longest } ?? servable.first ?? compared.first ?? first
    }

    /// The series the comparisons across scenarios use: with `mode: both`, the calibrated ones.
    public var compared: [ScenarioSeries] {
        series.filter { study.mode != .both || $0.scenario.mode == .calibrated }
    }

    static func ttftSweep(_ study: Study, _ contexts: [Int], _ series: [ScenarioSeries], _ estimators: [Estimator]) -> TTFTSweep? {
        guard let mix = study.workload.sharing, let context = contexts.last,
              let index = series.indices.first(where: {
                  (study.mode != .both || series[$0].scenario.mode == .calibrated) && !series[$0].sharing.isEmpty
              }) else { return nil }
        let fractions = (0...20).map { Double($0) / 20 * max(mix.longFraction * 2, 0.05) }
        return TTFTSweep(label: series[index].label, context: context, points: fractions.map { p in
            var varied = mix
            varied.longFraction = min(1, p)
            return (p, estimators[index].sharing(context: context, workload: varied))
        })
    }

    static func references(_ study: Study, _ series: [ScenarioSeries], _ estimators: [Estimator]) -> [ReferenceComparison] {
        study.references.compactMap { reference -> ReferenceComparison? in
            let model = reference.model ?? study.models.first?.name
            let hardware = reference.hardware ?? study.hardware.first?.name
            let compression = reference.compression ?? study.compressions.first?.name
            guard let index = series.firstIndex(where: {
                $0.scenario.model.name == model && $0.scenario.hardware.name == hardware && $0.scenario.compression.name == compression
            }) else { return nil }
            let entry = series[index]
            let estimate = estimators[index].estimate(context: reference.context, baselineGPUSeconds: entry.baselineGPUSeconds)
            guard case .some(let value) = EstimateRecord.fields(entry.scenario, estimate).first(where: { $0.0 == reference.quantity })?.1
            else { return nil }
            switch value {
            case .number(let number): return ReferenceComparison(reference: reference, label: entry.label, computed: number)
            case .integer(let number): return ReferenceComparison(reference: reference, label: entry.label, computed: Double(number))
            default: return nil
            }
        }
    }
}

/// Which of a study's lists have more than one entry: only those name a series.
struct VaryingDimensions {
    var models: Bool
    var hardware: Bool
    var compressions: Bool
    var modes: Bool

    init(_ study: Study) {
        models = study.models.count > 1
        hardware = study.hardware.count > 1
        compressions = study.compressions.count > 1
        modes = study.modes.count > 1
    }

    func label(_ scenario: Scenario) -> String {
        var parts: [String] = []
        if models { parts.append(scenario.model.name) }
        if hardware { parts.append(scenario.hardware.name) }
        if compressions { parts.append(scenario.compression.name) }
        if modes { parts.append(scenario.mode.rawValue) }
        return parts.isEmpty ? scenario.model.name : parts.joined(separator: " · ")
    }
}
