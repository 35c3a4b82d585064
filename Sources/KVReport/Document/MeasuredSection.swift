import KVEstimator
import KVStudy

/// The "Measured vs predicted" section of a study with measurements (issue 5, issue 16): the
/// held-out error first where the study's factors are its own fit, then the factors in use
/// beside that fit, the measured points over the predicted curves with the band of the
/// calibrated figures and how many measurements it holds, a parity chart, and every point.
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
        let ownFitHeldOut = measured.heldOut.entries.filter { entry in measured.fits.contains { $0.hardware.name == entry.hardware && !$0.differsFromOwnFit } }
        for entry in ownFitHeldOut { blocks.append(.paragraph(heldOutSentence(entry) + " The table below gives it model by model.")) }
        let inSample = !measured.fits.isEmpty && measured.fits.allSatisfy { !$0.differsFromOwnFit }
        blocks.append(.paragraph("Against \(peak.points.count) measured latencies, the peak formulas are off by \(percent(peak.mape)) on average (MAPE; \(byPhase(peak))); with the efficiency factors of this study's hardware entries, by \(percent(calibrated.mape)) (\(byPhase(calibrated)))" + (inSample ? ", in-sample: those factors were fitted to these same rows." : ".")))
        for entry in measured.fits {
            blocks += fitBlocks(entry)
            if let heldOut = ownFitHeldOut.first(where: { $0.hardware == entry.hardware.name }) { blocks.append(heldOutTable(heldOut)) }
        }
        let slots = modelSlots(measured)
        for overlay in measured.overlays { blocks.append(overlayFigure(overlay, slots: slots, bands: measured.bands)) }
        blocks.append(parityFigure(peak: peak, calibrated: calibrated, slots: slots))
        blocks.append(measuredTable(measured))
        return blocks
    }

    func percent(_ fraction: Double) -> String { MeasurementComparison.percent(fraction) }

    func byPhase(_ comparison: MeasurementComparison) -> String {
        comparison.mapeByPhase.map { "\($0.phase.words) \(percent($0.mape))" }.joined(separator: ", ")
    }

    /// Each model's colour: its place among the measured models, in the study's order.
    func modelSlots(_ measured: MeasuredEvaluation) -> [String: Int] {
        let names = evaluation.study.models.map(\.name).filter { name in measured.peak.points.contains { $0.measurement.model == name } }
        return Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }

    /// The leave-one-model-out error of one hardware entry, saying how many models each fit saw.
    func heldOutSentence(_ entry: HeldOutComparison.Entry) -> String {
        let all = entry.groups.first { $0.model == nil && $0.phase == nil }
        let phases = entry.groups.filter { $0.model == nil && $0.phase != nil }.map { "\($0.phase!.words) \(percent($0.mape))" }
        let others = entry.models == 2 ? "the other model's measurements alone (a fit to a single model)" : "the other \(entry.models - 1) models' measurements"
        let on = evaluation.study.hardware.count > 1 ? " on \(entry.hardware)" : ""
        return "Held out: each of the \(entry.models) models\(on) predicted by factors fitted to \(others) — the error to expect on a model the calibration did not see — is off by \(percent(all?.mape ?? 0)) on average (MAPE; \(phases.joined(separator: ", ")); kvplan validate --holdout model)."
    }

    /// The factors of one hardware entry: as fitted to its rows, or — when the study uses others —
    /// the ones in use beside this data's own fit, and which terms carry to other parts.
    func fitBlocks(_ entry: MeasuredEvaluation.HardwareFit) -> [Block] {
        let fit = entry.fit
        let method = "least squares on the log of predicted over measured, with 95% intervals from \(fit.replicates.count) bootstrap resamples of the rows (seed \(Calibration.Bootstrap.seed); kvplan calibrate)"
        var text: String
        var blocks: [Block] = []
        if entry.differsFromOwnFit {
            text = "The efficiency in use for \(entry.hardware.name) is not the fit to its \(entry.rows) measurements here: the table below sets each term in use beside this data's own fit, by \(method). MAPE over these rows: \(percent(entry.mapeInUse)) with the factors in use, \(percent(fit.mapeAfter)) with this data's own fit (in-sample), \(percent(fit.mapeBefore)) at peak."
        } else {
            let fitted = fit.fitted.map { factor in
                "\(factor.rawValue) \(MeasurementComparison.factorText(factor, fit.efficiency[factor]))"
                    + (fit.interval(factor).map { " (95% interval \(MeasurementComparison.intervalText(factor, $0)))" } ?? "")
            }
            text = "Fitted to these \(entry.rows) measurements of \(entry.hardware.name) by \(method): \(fitted.joined(separator: ", ")); MAPE \(percent(fit.mapeBefore)) at peak, \(percent(fit.mapeAfter)) with them (in-sample)."
        }
        for missing in fit.notFitted { text += " \(missing.factor.rawValue) is not fitted: \(missing.reason)." }
        text += carrySentence(entry)
        blocks.append(.paragraph(text))
        if entry.differsFromOwnFit { blocks.append(factorsTable(entry)) }
        return blocks
    }

    /// Which fitted terms carry to other parts of the chip generation, qualified where the value
    /// in use lies outside this data's own interval.
    func carrySentence(_ entry: MeasuredEvaluation.HardwareFit) -> String {
        let fit = entry.fit
        let generation = fit.fitted.filter { $0.scope == .generation }.map(\.rawValue), part = fit.fitted.filter { $0.scope == .part }.map(\.rawValue)
        guard !generation.isEmpty, !part.isEmpty else { return "" }
        let list = { (terms: [String]) in terms.count == 1 ? terms[0] : terms.dropLast().joined(separator: ", ") + " and " + terms.last! }
        var text = " Of the fitted terms, \(list(generation)) \(generation.count == 1 ? "belongs" : "belong") to the chip generation (kvplan validate --carry-from carries \(generation.count == 1 ? "it" : "them") to the generation's other parts) and \(list(part)) to this part."
        let disagree = entry.factors.filter { $0.factor.scope == .generation && $0.outsideInterval }
        if !disagree.isEmpty {
            let each = disagree.map { "\($0.factor.rawValue) in use \(MeasurementComparison.factorText($0.factor, $0.inUse)), own fit \(MeasurementComparison.intervalText($0.factor, $0.interval!))" }
            text += " These rows do not confirm that \(list(disagree.map(\.factor.rawValue))) \(disagree.count == 1 ? "carries" : "carry") unchanged: \(disagree.count == 1 ? "the value in use lies" : "each value in use lies") outside this data's own 95% interval (\(each.joined(separator: "; ")))."
        }
        return text
    }

    /// Term, kind, value in use, this data's own fit and its interval.
    func factorsTable(_ entry: MeasuredEvaluation.HardwareFit) -> Block {
        let rows = entry.factors
        let text = { (row: MeasuredEvaluation.FactorInUse, value: Double?) in value.map { MeasurementComparison.factorText(row.factor, $0) } ?? "not fitted" }
        return .table(layout.table(caption: "\(entry.hardware.name): each efficiency term in use (this study's efficiency) beside the fit to its \(entry.rows) measurements here", columns: [
            .init(title: "term", numeric: false, shown: rows.map(\.factor.rawValue), raw: rows.map(\.factor.rawValue)),
            .init(title: "kind", numeric: false, shown: rows.map { $0.factor.scope == .generation ? "chip generation" : "part" }, raw: rows.map(\.factor.scope.rawValue)),
            .init(title: "in use", numeric: true, shown: rows.map { text($0, $0.inUse) }, raw: rows.map { TableBuilder.raw($0.inUse) }),
            .init(title: "own fit", numeric: true, shown: rows.map { text($0, $0.ownFit) }, raw: rows.map { TableBuilder.raw($0.ownFit) }),
            .init(title: "own fit 95% interval", numeric: true, shown: rows.map { row in row.interval.map { MeasurementComparison.intervalText(row.factor, $0) } ?? "—" },
                  raw: rows.map { row in row.interval.map { "\(TableBuilder.raw($0.lowerBound))–\(TableBuilder.raw($0.upperBound))" } ?? "" }),
            .init(title: "in use inside it", numeric: false, shown: rows.map { $0.interval == nil ? "—" : $0.outsideInterval ? "no" : "yes" },
                  raw: rows.map { $0.interval == nil ? "" : $0.outsideInterval ? "no" : "yes" }),
        ]))
    }

    /// One row per model: its held-out MAPE per phase and over all phases, then every model.
    func heldOutTable(_ entry: HeldOutComparison.Entry) -> Block {
        let models = entry.groups.compactMap(\.model).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let phases = Measurement.Phase.allCases.filter { phase in entry.groups.contains { $0.phase == phase } }
        let keys: [String?] = models.map { $0 } + [nil]
        let group = { (model: String?, phase: Measurement.Phase?) in entry.groups.first { $0.model == model && $0.phase == phase } }
        let others = entry.models == 2 ? "the other model" : "the other \(entry.models - 1)"
        var columns: [TableBuilder.Column] = [
            .init(title: "model", numeric: false, shown: keys.map { $0 ?? "all models" }, raw: keys.map { $0 ?? "all models" }),
        ]
        for phase in phases as [Measurement.Phase?] + [nil] {
            let cells = keys.map { group($0, phase) }
            columns.append(.init(title: "\(phase.map(\.words) ?? "all phases") (%)", numeric: true,
                                 shown: cells.map { $0.map { Format.decimalString($0.mape * 100, decimals: 1) } ?? "—" },
                                 raw: cells.map { TableBuilder.raw($0.map { $0.mape * 100 }) }))
        }
        let all = keys.map { group($0, nil) }
        columns.append(.init(title: "mean error (%)", numeric: true,
                             shown: all.map { $0.map { MeasurementComparison.signedPercent($0.meanError).replacingOccurrences(of: "%", with: "") } ?? "—" },
                             raw: all.map { TableBuilder.raw($0.map { $0.meanError * 100 }) }))
        return .table(layout.table(caption: "\(entry.hardware): each model held out, predicted by factors fitted to \(others) (kvplan validate --holdout model): MAPE per phase and over all phases, and the signed mean error over all phases (negative: optimistic)", columns: columns))
    }

    /// What the band is and how many of the figure's measurements it holds.
    func bandText(_ coverage: MeasuredEvaluation.Coverage) -> String {
        "\(coverage.inside) of \(coverage.rows) measurement\(coverage.rows == 1 ? "" : "s") lie inside it"
    }

    /// Measured points of one phase at batch 1 over the predicted curves: one colour per model,
    /// dashed at peak, solid calibrated, markers measured.
    func overlayFigure(_ overlay: MeasuredEvaluation.Overlay, slots: [String: Int], bands: [MeasuredEvaluation.Band]) -> Block {
        var series: [ChartSeries] = []
        var key: [ChartKey] = []
        for curve in overlay.curves {
            let slot = slots[curve.model.name]
            key.append(ChartKey(name: curve.model.name, slot: slot, mark: .line(dashed: false, marker: true)))
            for (mode, points) in curve.predicted {
                var line = ChartSeries(name: "\(curve.model.name) \(mode.rawValue)", points: points.map { ChartPoint(x: Double($0.context), y: $0.seconds, extrapolated: $0.context > curve.model.contextLimit) }, dashed: mode == .peak)
                line.slot = slot
                line.lineMarkers = false
                if mode == .calibrated { line.band = curve.calibratedBand.map { (Double($0.context), $0.low, $0.high) } }
                series.append(line)
            }
            var points = ChartSeries(name: "\(curve.model.name) measured", points: curve.measured.map { ChartPoint(x: Double($0.context), y: $0.seconds) }, markersOnly: true)
            points.slot = slot
            series.append(points)
        }
        let banded = overlay.curves.contains { !$0.calibratedBand.isEmpty }
        key += [ChartKey(name: "peak", mark: .line(dashed: true, marker: false)), ChartKey(name: "calibrated", mark: .line(dashed: false, marker: false)),
                ChartKey(name: "measured", mark: .marker)]
        if banded { key.append(ChartKey(name: "95% band of calibrated", mark: .band)) }
        let what = overlay.phase == .prefill ? "Prefill" : "Decode step (batch 1)"
        var chart = LineChart(
            title: "\(what): measured vs predicted",
            x: Axis.tokens(),
            y: Axis.seconds("\(what.lowercased()) time (s)"),
            series: series)
        chart.key = key
        var caption = "\(what) of each measured model (one colour per model): measured points (markers) over kvplan's predictions at peak (dashed) and calibrated (solid)"
        if banded {
            let rows = bands.filter { $0.phase == overlay.phase }.map(\.rows).reduce(0, +)
            caption += ". The shaded band around each calibrated line spans the central 95% of measured ÷ calibrated over this study's \(rows) \(overlay.phase.words) rows\(overlay.phase == .decodeStep ? " (every batch)" : ""), with the factors in use: \(overlay.coverage.inside) of the \(overlay.coverage.rows) measurements drawn here lie inside it."
        } else {
            caption += "; no band: fewer than \(MeasuredEvaluation.Band.minimumRows) \(overlay.phase.words) rows to estimate one from."
        }
        return layout.figure(caption: caption, chart: .line(chart), topic: .measuredOverlay)
    }

    /// Every point: predicted against measured, calibrated in each model's colour and peak in grey,
    /// with the line of perfect agreement.
    func parityFigure(peak: MeasurementComparison, calibrated: MeasurementComparison, slots: [String: Int]) -> Block {
        let all = peak.points.map(\.measurement.seconds) + peak.points.map(\.predictedSeconds) + calibrated.points.map(\.predictedSeconds)
        let low = (all.min() ?? 1e-3) / 1.5, high = (all.max() ?? 1) * 1.5
        var identity = ChartSeries(name: "predicted = measured", points: [ChartPoint(x: low, y: low), ChartPoint(x: high, y: high)], dashed: true)
        identity.reference = true
        identity.lineMarkers = false
        var peakSeries = ChartSeries(name: "peak (every model)", points: peak.points.map { ChartPoint(x: $0.measurement.seconds, y: $0.predictedSeconds) }, markersOnly: true)
        peakSeries.reference = true
        var series = [identity, peakSeries]
        var key = [ChartKey(name: "predicted = measured", mark: .line(dashed: true, marker: false)), ChartKey(name: "peak (every model)", mark: .marker)]
        for (name, slot) in slots.sorted(by: { $0.value < $1.value }) {
            var line = ChartSeries(name: "\(name) calibrated", points: calibrated.points.filter { $0.measurement.model == name }.map { ChartPoint(x: $0.measurement.seconds, y: $0.predictedSeconds) }, markersOnly: true)
            line.slot = slot
            series.append(line)
            key.append(ChartKey(name: "\(name) calibrated", slot: slot, mark: .marker))
        }
        var chart = LineChart(
            title: "Predicted vs measured, every point",
            x: Axis(title: "measured (s)", scale: .log, format: { Format.fixed($0, significant: 2) }),
            y: Axis(title: "predicted (s)", scale: .log, format: { Format.fixed($0, significant: 2) }),
            series: series)
        chart.key = key
        return layout.figure(caption: "Each measurement against its prediction: calibrated in each model's colour, peak (every model) in the text colour; points on the dashed line are exact, points below it are optimistic.", chart: .line(chart), topic: .measured)
    }

    /// A band's ends in ms with enough digits to tell them apart (3 to 5); "no spread" when even 5 do not.
    func bandCell(_ band: ClosedRange<Double>?) -> String {
        guard let band else { return "—" }
        for digits in 3...5 {
            let (low, high) = (Format.fixed(band.lowerBound * 1e3, significant: digits), Format.fixed(band.upperBound * 1e3, significant: digits))
            if low != high { return "\(low)–\(high)" }
        }
        return "no spread"
    }

    func measuredTable(_ measured: MeasuredEvaluation) -> Block {
        let (peak, calibrated, coverage, bands) = (measured.peak, measured.calibrated, measured.coverage, measured.bands)
        let points = zip(peak.points, calibrated.points).map { ($0, $1) }
        let percent = { (value: Double) in (value >= 0 ? "+" : "") + Format.decimalString(value * 100, decimals: 1) }
        var caption = "Every measurement with its predictions and errors"
        if !bands.isEmpty {
            caption += "; the calibrated 95% band is the central 95% of measured ÷ calibrated over the rows of the same hardware and phase, with the factors in use (none for a phase of fewer than \(MeasuredEvaluation.Band.minimumRows) rows): \(bandText(coverage))"
        }
        return .table(layout.table(caption: caption, columns: [
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
        ] + (bands.isEmpty ? [] : [
            .init(title: "calibrated 95% band (ms)", numeric: true,
                  shown: points.map { bandCell($0.1.band) },
                  raw: points.map { point in point.1.band.map { "\(TableBuilder.raw($0.lowerBound * 1e3))–\(TableBuilder.raw($0.upperBound * 1e3))" } ?? "" }),
        ]), showsEveryRow: true))
    }
}
