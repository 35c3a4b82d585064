import KVEstimator
import KVStudy

/// The "Measured vs predicted" section of a study with measurements (issue 5): the measured
/// points over the predicted curves at peak and calibrated, a parity chart, the error of every
/// point, the MAPE and the factors `kvplan calibrate` fits to the same data.
struct MeasuredSection: ReportSection {
    let layout: Layout
    var applies: Bool { !evaluation.study.measurements.isEmpty }

    func blocks() -> [Block] {
        let measured: MeasuredEvaluation
        switch evaluation.measured {
        case nil: return [.paragraph("This study has no measurements to compare with.")]
        case .failure(let error): return [.paragraph("The measurements could not be predicted: \(error).")]
        case .success(let value): measured = value
        }
        let (peak, calibrated) = (measured.peak, measured.calibrated)
        var blocks: [Block] = []
        let byPhase = { (comparison: MeasurementComparison) in
            comparison.mapeByPhase.map { "\($0.phase.rawValue) \(MeasurementComparison.percent($0.mape))" }.joined(separator: ", ")
        }
        blocks.append(.paragraph("Against \(peak.points.count) measured latencies, the peak formulas are off by \(MeasurementComparison.percent(peak.mape)) on average (MAPE; \(byPhase(peak))); with the efficiency factors of this study's hardware entries, by \(MeasurementComparison.percent(calibrated.mape)) (\(byPhase(calibrated)))."))
        for entry in measured.fits {
            let fit = entry.fit
            let fitted = fit.fitted.map { factor in
                "\(factor.rawValue) \(MeasurementComparison.factorText(factor, fit.efficiency[factor]))"
                    + (fit.interval(factor).map { " (95% interval \(MeasurementComparison.intervalText(factor, $0)))" } ?? "")
            }
            var text = "Fitted to these \(entry.rows) measurements of \(entry.hardware.name) by least squares on the log of predicted over measured (kvplan calibrate; intervals from \(fit.replicates.count) bootstrap resamples of the rows, seed \(Calibration.Bootstrap.seed)): \(fitted.joined(separator: ", ")); MAPE \(MeasurementComparison.percent(fit.mapeBefore)) at peak, \(MeasurementComparison.percent(fit.mapeAfter)) with them (in-sample)."
            if let heldOut = fit.heldOut {
                text += " Each model predicted by factors fitted to the other models only: MAPE \(MeasurementComparison.percent(Calibration.mape(heldOut.chosen.map(\.error)))) (kvplan validate --holdout model)."
            }
            if !fit.notFitted.isEmpty { text += " Not fitted: " + fit.notFitted.map { "\($0.factor.rawValue) (\($0.reason))" }.joined(separator: "; ") + "." }
            let generation = fit.fitted.filter { $0.scope == .generation }.map(\.rawValue), part = fit.fitted.filter { $0.scope == .part }.map(\.rawValue)
            if !generation.isEmpty, !part.isEmpty {
                let verb = { (terms: [String]) in terms.count == 1 ? "belongs" : "belong" }
                text += " \(generation.joined(separator: ", ")) \(verb(generation)) to the chip generation and \(generation.count == 1 ? "carries" : "carry") to its other parts (kvplan validate --carry-from); \(part.joined(separator: ", ")) \(verb(part)) to this part."
            }
            blocks.append(.paragraph(text))
        }
        for overlay in measured.overlays { blocks.append(overlayFigure(overlay)) }
        blocks.append(parityFigure(peak: peak, calibrated: calibrated))
        blocks.append(measuredTable(peak: peak, calibrated: calibrated))
        return blocks
    }

    /// Measured points of one phase at batch 1 over the predicted curves, per model.
    func overlayFigure(_ overlay: MeasuredEvaluation.Overlay) -> Block {
        var series: [ChartSeries] = []
        for curve in overlay.curves {
            for (mode, points) in curve.predicted {
                var line = ChartSeries(name: "\(curve.model.name) \(mode.rawValue)", points: points.map { ChartPoint(x: Double($0.context), y: $0.seconds, extrapolated: $0.context > curve.model.contextLimit) }, dashed: mode == .peak)
                if mode == .calibrated { line.band = curve.calibratedBand.map { (Double($0.context), $0.low, $0.high) } }
                series.append(line)
            }
            series.append(ChartSeries(name: "\(curve.model.name) measured", points: curve.measured.map { ChartPoint(x: Double($0.context), y: $0.seconds) }, markersOnly: true))
        }
        let what = overlay.phase == .prefill ? "Prefill" : "Decode step (batch 1)"
        let chart = LineChart(
            title: "\(what): measured vs predicted",
            x: Axis.tokens(),
            y: Axis.seconds("\(what.lowercased()) time (s)"),
            series: series)
        return layout.figure(caption: "\(what) of each measured model: measured points (markers) over kvplan's predictions at peak (dashed) and calibrated (solid)" + (overlay.curves.contains { !$0.calibratedBand.isEmpty } ? ", the shaded band around each calibrated line holding 95% of bootstrap refits to these measurements with their residual scatter." : "."), chart: .line(chart), topic: .measuredOverlay)
    }

    /// Every point: predicted against measured, peak and calibrated, with the line of perfect agreement.
    func parityFigure(peak: MeasurementComparison, calibrated: MeasurementComparison) -> Block {
        let all = peak.points.map(\.measurement.seconds) + peak.points.map(\.predictedSeconds) + calibrated.points.map(\.predictedSeconds)
        let low = (all.min() ?? 1e-3) / 1.5, high = (all.max() ?? 1) * 1.5
        let chart = LineChart(
            title: "Predicted vs measured, every point",
            x: Axis(title: "measured (s)", scale: .log, format: { Format.fixed($0, significant: 2) }),
            y: Axis(title: "predicted (s)", scale: .log, format: { Format.fixed($0, significant: 2) }),
            series: [
                ChartSeries(name: "predicted = measured", points: [ChartPoint(x: low, y: low), ChartPoint(x: high, y: high)], dashed: true),
                ChartSeries(name: "peak", points: peak.points.map { ChartPoint(x: $0.measurement.seconds, y: $0.predictedSeconds) }, markersOnly: true),
                ChartSeries(name: "calibrated", points: calibrated.points.map { ChartPoint(x: $0.measurement.seconds, y: $0.predictedSeconds) }, markersOnly: true),
            ])
        return layout.figure(caption: "Each measurement against its prediction: points on the dashed line are exact; points below it are optimistic.", chart: .line(chart), topic: .measured)
    }

    func measuredTable(peak: MeasurementComparison, calibrated: MeasurementComparison) -> Block {
        let points = zip(peak.points, calibrated.points).map { ($0, $1) }
        let percent = { (value: Double) in (value >= 0 ? "+" : "") + Format.decimalString(value * 100, decimals: 1) }
        return .table(layout.table(caption: "Every measurement with its predictions and errors", columns: [
            .init(title: "model", numeric: false, shown: points.map(\.0.measurement.model), raw: points.map(\.0.measurement.model)),
            .init(title: "hardware", numeric: false, shown: points.map(\.0.measurement.hardware), raw: points.map(\.0.measurement.hardware)),
            .init(title: "phase", numeric: false, shown: points.map(\.0.measurement.phase.rawValue), raw: points.map(\.0.measurement.phase.rawValue)),
            .init(title: "batch", numeric: true, shown: points.map { String($0.0.measurement.batch) }, raw: points.map { String($0.0.measurement.batch) }),
            .init(title: "context (tokens)", numeric: true, shown: points.map { Format.tokens($0.0.measurement.context) }, raw: points.map { String($0.0.measurement.context) }),
            .init(title: "measured (ms)", numeric: true, shown: points.map { Format.fixed($0.0.measurement.seconds * 1e3, significant: 4) }, raw: points.map { TableBuilder.raw($0.0.measurement.seconds * 1e3) }),
            .init(title: "peak (ms)", numeric: true, shown: points.map { Format.fixed($0.0.predictedSeconds * 1e3, significant: 4) }, raw: points.map { TableBuilder.raw($0.0.predictedSeconds * 1e3) }),
            .init(title: "peak error (%)", numeric: true, shown: points.map { percent($0.0.error) }, raw: points.map { TableBuilder.raw($0.0.error * 100) }),
            .init(title: "calibrated (ms)", numeric: true, shown: points.map { Format.fixed($0.1.predictedSeconds * 1e3, significant: 4) }, raw: points.map { TableBuilder.raw($0.1.predictedSeconds * 1e3) }),
            .init(title: "calibrated error (%)", numeric: true, shown: points.map { percent($0.1.error) }, raw: points.map { TableBuilder.raw($0.1.error * 100) }),
        ] + (points.contains { $0.1.band != nil } ? [
            .init(title: "calibrated 95% band (ms)", numeric: true,
                  shown: points.map { point in point.1.band.map { "\(Format.fixed($0.lowerBound * 1e3, significant: 3))–\(Format.fixed($0.upperBound * 1e3, significant: 3))" } ?? "—" },
                  raw: points.map { point in point.1.band.map { "\(TableBuilder.raw($0.lowerBound * 1e3))–\(TableBuilder.raw($0.upperBound * 1e3))" } ?? "" }),
        ] : [])))
    }

}
