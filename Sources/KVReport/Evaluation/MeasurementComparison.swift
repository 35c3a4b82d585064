import KVEstimator
import KVStudy

/// A study's measurements beside the estimator's predictions: what `kvplan validate` prints,
/// what `kvplan calibrate` fits, and what the report's "Measured vs predicted" section shows.
public struct MeasurementComparison: Sendable {
    public struct Point: Sendable {
        public var measurement: Measurement
        public var predictedSeconds: Double
        /// `(predicted − measured) / measured`.
        public var error: Double
        /// Calibrated points only: the 95% prediction band in seconds (`Calibration.Fit.bandRatios`
        /// of the fit to this hardware's measurements, around this prediction).
        public var band: ClosedRange<Double>?
    }

    public var points: [Point]
    /// The estimator mode the predictions use: peak for `mode: peak`, calibrated otherwise.
    public var mode: Mode

    /// Predicts every measurement of `study` with the study's own hardware entries.
    init(study: Study, mode: Mode) throws(EstimatorInputError) {
        var points: [Point] = []
        for measurement in study.measurements {
            guard let observation = Self.observation(measurement, in: study),
                  let hardware = study.hardware.first(where: { $0.name == measurement.hardware }) else { continue }
            let predicted = try Calibration.predict(observation, on: hardware, mode: mode)
            points.append(Point(measurement: measurement, predictedSeconds: predicted,
                                error: Calibration.error(predicted: predicted, measured: measurement.seconds)))
        }
        self.points = points
        self.mode = mode
    }

    /// MAPE by phase (phases without rows omitted) and over all rows, as fractions.
    public var mapeByPhase: [(phase: Measurement.Phase, mape: Double)] {
        Measurement.Phase.allCases.compactMap { phase in
            let errors = points.filter { $0.measurement.phase == phase }.map(\.error)
            return errors.isEmpty ? nil : (phase, Calibration.mape(errors))
        }
    }

    public var mape: Double { Calibration.mape(points.map(\.error)) }

    static func observation(_ measurement: Measurement, in study: Study) -> Calibration.Observation? {
        guard let model = study.models.first(where: { $0.name == measurement.model }) else { return nil }
        return Calibration.Observation(model: model, workload: study.workload, phase: measurement.phase, batch: measurement.batch,
                                       context: measurement.context, seconds: measurement.seconds)
    }

    // MARK: Output

    public var json: JSONValue {
        .object([
            ("points", .array(points.map { point in
                .object([
                    ("model", .string(point.measurement.model)), ("hardware", .string(point.measurement.hardware)),
                    ("phase", .string(point.measurement.phase.rawValue)), ("batch", .integer(point.measurement.batch)),
                    ("context", .integer(point.measurement.context)),
                    ("measured_seconds", .finite(point.measurement.seconds)),
                    ("predicted_seconds", .finite(point.predictedSeconds)), ("error", .finite(point.error)),
                ])
            })),
            ("mape", .object(mapeByPhase.map { ($0.phase.rawValue, JSONValue.finite($0.mape)) } + [("all", .finite(mape))])),
        ])
    }

    public var table: String {
        let rows = points.map { point in
            [point.measurement.model, point.measurement.hardware, point.measurement.phase.rawValue,
             String(point.measurement.batch), Format.tokens(point.measurement.context),
             Format.seconds(point.measurement.seconds), Format.seconds(point.predictedSeconds),
             (point.error >= 0 ? "+" : "") + Format.decimalString(point.error * 100, decimals: 1) + "%"]
        }
        var text = TextTable(headers: ["model", "hardware", "phase", "batch", "context", "measured", "predicted", "error"],
                             rows: rows, rightAligned: [3, 4, 5, 6, 7]).text
        text += "\n\nMAPE (\(mode.rawValue)): " + (mapeByPhase.map { "\($0.phase.rawValue) \(Self.percent($0.mape))" } + ["all \(Self.percent(mape))"]).joined(separator: ", ")
        return text
    }

    /// A fitted value as a report shows it: fractions to 3 decimals, the overhead in µs per layer.
    public static func factorText(_ factor: Calibration.Factor, _ value: Double) -> String {
        factor == .kernelOverhead ? "\(Format.fixed(value * 1e6, significant: 3)) µs/layer" : Format.decimalString(value, decimals: 3)
    }

    /// A 95% interval of a fitted value, the unit once: `0.484–0.510`, `0–40.6 µs/layer`. An
    /// interval whose ends read the same is not a certainty but too few rows: every resample that
    /// can fit the factor at all fits it exactly (as many distinct points as factors), so it says so.
    public static func intervalText(_ factor: Calibration.Factor, _ interval: ClosedRange<Double>) -> String {
        if factorText(factor, interval.lowerBound) == factorText(factor, interval.upperBound) {
            // Efficiency factors are clamped to (0, 1] (`Calibration`): pinned at 1 is the data
            // asking for more than peak, not few rows.
            let pinned = factor != .kernelOverhead && interval.lowerBound >= 0.9995
            return "\(factorText(factor, interval.lowerBound)) in every resample: " + (pinned
                ? "at its limit of 1 (the rows would put it above peak)"
                : "too few distinct rows to tell its uncertainty")
        }
        guard factor == .kernelOverhead else { return "\(factorText(factor, interval.lowerBound))–\(factorText(factor, interval.upperBound))" }
        return "\(Format.fixed(interval.lowerBound * 1e6, significant: 3))–\(factorText(factor, interval.upperBound))"
    }

    /// A fitted value as the study format reads it (`kernel_overhead` in seconds).
    static func yamlValue(_ factor: Calibration.Factor, _ value: Double) -> String {
        factor == .kernelOverhead ? "\(Format.fixed(value * 1e6, significant: 3))e-6" : Format.decimalString(value, decimals: 3)
    }

    /// A signed error as a percentage with its sign always shown (`+3.2%`, `-0.4%`, `+0.0%`).
    static func signedPercent(_ fraction: Double) -> String {
        let text = Format.decimalString(fraction * 100, decimals: 1)
        return (text.hasPrefix("-") ? text : "+" + text) + "%"
    }

    static func percent(_ fraction: Double) -> String { Format.decimalString(fraction * 100, decimals: 1) + "%" }

    /// The YAML to paste into a study (or the catalog) for one fitted hardware entry.
    public static func yamlSnippet(_ entry: MeasuredEvaluation.HardwareFit) -> String {
        let (hardware, fit, rows) = (entry.hardware, entry.fit, entry.rows)
        let factors = fit.fitted.map { "\($0.rawValue): \(yamlValue($0, fit.efficiency[$0]))" }
        var lines = [
            "# \(hardware.name): fitted from \(rows) measurement\(rows == 1 ? "" : "s"); MAPE \(percent(fit.mapeBefore)) at peak, \(percent(fit.mapeAfter)) calibrated",
        ]
        let intervals = fit.fitted.compactMap { factor in
            fit.interval(factor).map { "\(factor.rawValue) \(intervalText(factor, $0))" }
        }
        if !intervals.isEmpty {
            lines.append("# 95% bootstrap intervals (\(fit.replicates.count) resamples of the rows, seed \(Calibration.Bootstrap.seed)): \(intervals.joined(separator: ", "))")
        }
        for scope in [Calibration.Scope.generation, .part] {
            let terms = fit.fitted.filter { $0.scope == scope }.map(\.rawValue)
            if !terms.isEmpty { lines.append("# \(scope == .generation ? "chip-generation terms (carry to another part of the generation)" : "part terms (fit on each part)"): \(terms.joined(separator: ", "))") }
        }
        for missing in fit.notFitted { lines.append("# \(missing.factor.rawValue) left at \(missing.factor == .kernelOverhead ? "0" : "1"): \(missing.reason)") }
        lines += [
            "hardware:",
            "  - preset: \(hardware.name)",
            "    efficiency: {\(factors.joined(separator: ", "))}",
        ]
        return lines.joined(separator: "\n")
    }
}
