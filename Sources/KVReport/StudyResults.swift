import KVEstimator
import KVStudy

/// A study evaluated: every scenario's estimates at every context, with its baseline. The one
/// place where the renderer calls the estimator.
public struct StudyResults: Sendable {
    public var study: Study
    public var series: [ScenarioSeries]

    /// One line of every chart: a scenario (model × hardware × compression × mode) over the contexts.
    public struct ScenarioSeries: Sendable {
        public var scenario: Scenario
        /// The names of the dimensions that vary in the study (`kivi-2bit`, `h100-sxm · fp8-kv`).
        public var label: String
        public var estimator: Estimator
        public var estimates: [Estimate]
        /// A session's GPU-seconds at the baseline (context and compression).
        public var baselineGPUSeconds: Double
        public var isBaselineCompression: Bool
    }

    public init(study: Study) throws(EstimatorInputError) {
        self.study = study
        let dimensions = VaryingDimensions(study)
        var series: [ScenarioSeries] = []
        for mode in study.modes {
            for scenario in study.scenarios(mode: mode) {
                let estimator = try Estimator(scenario)
                var baselineScenario = scenario
                baselineScenario.compression = study.baseline.compression
                let baseline = try Estimator(baselineScenario).sessionCost(tokens: study.baseline.context).gpuSeconds
                series.append(ScenarioSeries(
                    scenario: scenario,
                    label: dimensions.label(scenario),
                    estimator: estimator,
                    estimates: study.contexts.map { estimator.estimate(context: $0, baselineGPUSeconds: baseline) },
                    baselineGPUSeconds: baseline,
                    isBaselineCompression: scenario.compression.name == study.baseline.compression.name
                ))
            }
        }
        self.series = series
    }

    public var contexts: [Int] { study.contexts }
    public var first: ScenarioSeries { series[0] }
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
