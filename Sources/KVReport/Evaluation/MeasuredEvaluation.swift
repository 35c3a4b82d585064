import KVEstimator
import KVStudy

/// A study's measurements evaluated: every point predicted at peak and calibrated, the factors
/// `kvplan calibrate` fits per hardware entry, and the predicted curves the report draws under the
/// measured points.
public struct MeasuredEvaluation: Sendable {
    public var peak: MeasurementComparison
    public var calibrated: MeasurementComparison
    /// The comparison `kvplan validate` prints: peak for `mode: peak`, calibrated otherwise.
    public var studyMode: MeasurementComparison
    public var fits: [HardwareFit]
    public var overlays: [Overlay]

    public struct HardwareFit: Sendable {
        public var hardware: Hardware
        public var fit: Calibration.Fit
        public var rows: Int
    }

    /// One phase's measured points at batch 1, with each measured model's predicted curves.
    public struct Overlay: Sendable {
        public var phase: Measurement.Phase
        public var curves: [Curve]
    }

    public struct Curve: Sendable {
        public var model: Model
        /// Peak, then calibrated: predicted seconds at the measured contexts and the study's between them.
        public var predicted: [(mode: Mode, points: [(context: Int, seconds: Double)])]
        public var measured: [Measurement]
        /// The 95% prediction band around the calibrated curve (empty without a fit).
        public var calibratedBand: [(context: Int, low: Double, high: Double)] = []
    }

    public init(study: Study) throws(EstimatorInputError) {
        peak = try MeasurementComparison(study: study, mode: .peak)
        calibrated = try MeasurementComparison(study: study, mode: .calibrated)
        studyMode = study.mode == .peak ? peak : calibrated
        fits = try Self.fits(study)
        for index in calibrated.points.indices {
            let measurement = calibrated.points[index].measurement
            guard let ratios = try Self.bandRatios(measurement.phase, batch: measurement.batch, context: measurement.context,
                                                   model: measurement.model, hardware: measurement.hardware, study, fits) else { continue }
            let predicted = calibrated.points[index].predictedSeconds
            calibrated.points[index].band = predicted * ratios.lowerBound...predicted * ratios.upperBound
        }
        if study.mode != .peak { studyMode = calibrated }
        var overlays: [Overlay] = []
        for phase in [Measurement.Phase.prefill, .decodeStep] {
            if let overlay = try Self.overlay(study, phase, fits) { overlays.append(overlay) }
        }
        self.overlays = overlays
    }

    /// MAPE over every fitted row, at peak and with the fitted factors (weighted by rows).
    public func mape(only hardware: String? = nil) -> (rows: Int, before: Double, after: Double) {
        let chosen = fits.filter { hardware == nil || $0.hardware.name == hardware }
        let rows = chosen.reduce(0) { $0 + $1.rows }
        guard rows > 0 else { return (0, 0, 0) }
        return (rows,
                chosen.reduce(0.0) { $0 + $1.fit.mapeBefore * Double($1.rows) } / Double(rows),
                chosen.reduce(0.0) { $0 + $1.fit.mapeAfter * Double($1.rows) } / Double(rows))
    }

    static func fits(_ study: Study) throws(EstimatorInputError) -> [HardwareFit] {
        var result: [HardwareFit] = []
        for hardware in study.hardware {
            let observations = study.measurements.filter { $0.hardware == hardware.name }.compactMap { MeasurementComparison.observation($0, in: study) }
            guard !observations.isEmpty else { continue }
            result.append(HardwareFit(hardware: hardware, fit: try Calibration.fit(observations, on: hardware), rows: observations.count))
        }
        return result
    }

    /// The prediction band of one point as multiples of its calibrated prediction, from the fit
    /// to the measurements of its hardware (nil without one).
    static func bandRatios(_ phase: Measurement.Phase, batch: Int, context: Int, model name: String, hardware hardwareName: String,
                           _ study: Study, _ fits: [HardwareFit]) throws(EstimatorInputError) -> ClosedRange<Double>? {
        guard let entry = fits.first(where: { $0.hardware.name == hardwareName }),
              let model = study.models.first(where: { $0.name == name }) else { return nil }
        let observation = Calibration.Observation(model: model, workload: study.workload, phase: phase, batch: batch, context: context, seconds: 1)
        return try entry.fit.bandRatios(observation, on: entry.hardware)
    }

    static func overlay(_ study: Study, _ phase: Measurement.Phase, _ fits: [HardwareFit]) throws(EstimatorInputError) -> Overlay? {
        let rows = study.measurements.filter { $0.phase == phase && $0.batch == 1 }
        var curves: [Curve] = []
        for model in study.models where rows.contains(where: { $0.model == model.name }) {
            let mine = rows.filter { $0.model == model.name }
            guard let hardware = study.hardware.first(where: { $0.name == mine[0].hardware }) else { continue }
            let low = mine.map(\.context).min()!, high = mine.map(\.context).max()!
            let contexts = Array(Set(study.contexts.filter { $0 >= low && $0 <= high } + mine.map(\.context))).sorted()
            var predicted: [(mode: Mode, points: [(context: Int, seconds: Double)])] = []
            for mode in [Mode.peak, .calibrated] {
                var points: [(context: Int, seconds: Double)] = []
                for context in contexts {
                    let observation = Calibration.Observation(
                        model: model, workload: study.workload, phase: phase,
                        batch: 1, context: context, seconds: 1)
                    points.append((context, try Calibration.predict(observation, on: hardware, mode: mode)))
                }
                predicted.append((mode, points))
            }
            var curve = Curve(model: model, predicted: predicted, measured: mine)
            for (context, seconds) in predicted.last?.points ?? [] {
                if let ratios = try bandRatios(phase, batch: 1, context: context, model: model.name, hardware: hardware.name, study, fits) {
                    curve.calibratedBand.append((context, seconds * ratios.lowerBound, seconds * ratios.upperBound))
                }
            }
            curves.append(curve)
        }
        return curves.isEmpty ? nil : Overlay(phase: phase, curves: curves)
    }
}
