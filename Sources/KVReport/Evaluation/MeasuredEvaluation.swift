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
    /// Per hardware entry and phase: the band drawn around every calibrated figure.
    public var bands: [Band]
    /// Each model predicted by factors fitted to the other models (`kvplan validate --holdout model`).
    public var heldOut: HeldOutComparison

    /// The 95% band of the calibrated figures of one hardware entry and phase, as multiples of a figure.
    public struct Band: Sendable {
        public static let minimumRows = 5
        public var hardware: String
        public var phase: Measurement.Phase
        public var rows: Int
        /// Central 95% of measured ÷ calibrated over the rows.
        public var ratios: ClosedRange<Double>
    }

    /// Measurements inside their band, of those with one.
    public struct Coverage: Sendable, Equatable {
        public var inside: Int
        public var rows: Int
    }

    /// A hardware entry's measurements fitted (`kvplan calibrate`), beside the factors the study uses.
    public struct HardwareFit: Sendable {
        /// The study's entry: its `efficiency` is the calibration in use.
        public var hardware: Hardware
        /// The factors fitted to this entry's measurements (the data's own fit).
        public var fit: Calibration.Fit
        public var rows: Int
        /// MAPE over this entry's rows with the calibration in use.
        public var mapeInUse: Double = 0
        /// Every factor that is fitted here or set in the study, in use beside the own fit.
        public var factors: [FactorInUse] = []

        /// Whether the study uses factors other than this data's own fit (as printed: 3 decimals, µs to 3 digits).
        public var differsFromOwnFit: Bool { factors.contains { $0.differs } }
    }

    /// One factor: the value the study uses and the one its measurements give.
    public struct FactorInUse: Sendable {
        public var factor: Calibration.Factor
        public var inUse: Double
        /// Nil when the rows do not determine it.
        public var ownFit: Double?
        public var interval: ClosedRange<Double>?
        /// The value in use differs from the own fit as printed.
        public var differs: Bool
        /// The value in use lies outside the own fit's 95% interval.
        public var outsideInterval: Bool
    }

    /// The study's factors beside the fit of its rows: every factor fitted, set, or both.
    static func factorsInUse(_ hardware: Hardware, _ fit: Calibration.Fit) -> [FactorInUse] {
        Calibration.Factor.allCases.compactMap { factor in
            let inUse = hardware.efficiency[factor], unset = Efficiency()[factor]
            let fitted = fit.fitted.contains(factor)
            guard fitted || inUse != unset else { return nil }
            let own = fitted ? fit.efficiency[factor] : nil
            let interval = fit.interval(factor)
            let shown = { (value: Double) in MeasurementComparison.factorText(factor, value) }
            return FactorInUse(factor: factor, inUse: inUse, ownFit: own, interval: interval,
                               differs: shown(inUse) != shown(own ?? unset),
                               outsideInterval: interval.map { shown(inUse) != shown($0.lowerBound) && shown(inUse) != shown($0.upperBound) && !$0.contains(inUse) } ?? false)
        }
    }

    /// One phase's measured points at batch 1, with each measured model's predicted curves.
    public struct Overlay: Sendable {
        public var phase: Measurement.Phase
        public var curves: [Curve]
        /// The drawn measured points inside their band, of those with one.
        public var coverage: Coverage
    }

    public struct Curve: Sendable {
        public var model: Model
        /// Peak, then calibrated: predicted seconds at the measured contexts and the study's between them.
        public var predicted: [(mode: Mode, points: [(context: Int, seconds: Double)])]
        public var measured: [Measurement]
        /// The 95% band around the calibrated curve (empty with too few rows of the phase).
        public var calibratedBand: [(context: Int, low: Double, high: Double)] = []
    }

    public init(study: Study) throws(EstimatorInputError) {
        peak = try MeasurementComparison(study: study, mode: .peak)
        calibrated = try MeasurementComparison(study: study, mode: .calibrated)
        fits = try Self.fits(study)
        for index in fits.indices {
            let name = fits[index].hardware.name
            fits[index].mapeInUse = Calibration.mape(calibrated.points.filter { $0.measurement.hardware == name }.map(\.error))
            fits[index].factors = Self.factorsInUse(fits[index].hardware, fits[index].fit)
        }
        bands = Self.bands(calibrated)
        for index in calibrated.points.indices {
            let point = calibrated.points[index]
            guard let band = bands.first(where: { $0.hardware == point.measurement.hardware && $0.phase == point.measurement.phase })?.ratios else { continue }
            calibrated.points[index].band = point.predictedSeconds * band.lowerBound...point.predictedSeconds * band.upperBound
        }
        studyMode = study.mode == .peak ? peak : calibrated
        var overlays: [Overlay] = []
        for phase in [Measurement.Phase.prefill, .decodeStep] {
            if let overlay = try Self.overlay(study, phase, bands, calibrated) { overlays.append(overlay) }
        }
        self.overlays = overlays
        heldOut = HeldOutComparison(fits: fits)
    }

    /// Measurements inside their band among `points` (calibrated points with a band only).
    public static func coverage(_ points: [MeasurementComparison.Point]) -> Coverage {
        let banded = points.filter { $0.band != nil }
        return Coverage(inside: banded.filter { $0.band!.contains($0.measurement.seconds) }.count, rows: banded.count)
    }

    /// How many of the study's measurements lie inside their band: every calibrated point with one.
    public var coverage: Coverage { Self.coverage(calibrated.points) }

    /// The band of one hardware entry and phase: the central 95% of measured ÷ calibrated over
    /// the study's rows of that phase, with the calibration in use (the hardware entry's
    /// `efficiency`, wherever it came from). Empirical quantiles of the figure's own errors, so the
    /// band describes the figure it is drawn around — a carried calibration's band is its error on
    /// these rows, not the spread of a fit it does not use. Fewer than `minimumRows` rows of a
    /// phase give no band: a 95% range of three ratios says nothing.
    static func bands(_ calibrated: MeasurementComparison) -> [Band] {
        var result: [Band] = []
        var keys: [(hardware: String, phase: Measurement.Phase)] = []
        for point in calibrated.points where !keys.contains(where: { $0 == (point.measurement.hardware, point.measurement.phase) }) {
            keys.append((point.measurement.hardware, point.measurement.phase))
        }
        for key in keys {
            let ratios = calibrated.points.filter { $0.measurement.hardware == key.hardware && $0.measurement.phase == key.phase }
                .map { $0.measurement.seconds / $0.predictedSeconds }
            guard ratios.count >= Band.minimumRows else { continue }
            result.append(Band(hardware: key.hardware, phase: key.phase, rows: ratios.count, ratios: Calibration.Bootstrap.interval(ratios)))
        }
        return result
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

    static func overlay(_ study: Study, _ phase: Measurement.Phase, _ bands: [Band], _ calibrated: MeasurementComparison) throws(EstimatorInputError) -> Overlay? {
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
            if let band = bands.first(where: { $0.hardware == hardware.name && $0.phase == phase })?.ratios {
                curve.calibratedBand = (predicted.last?.points ?? []).map { ($0.context, $0.seconds * band.lowerBound, $0.seconds * band.upperBound) }
            }
            curves.append(curve)
        }
        guard !curves.isEmpty else { return nil }
        let drawn = calibrated.points.filter { point in point.measurement.phase == phase && point.measurement.batch == 1 && curves.contains { $0.model.name == point.measurement.model } }
        return Overlay(phase: phase, curves: curves, coverage: coverage(drawn))
    }
}
