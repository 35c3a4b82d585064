import KVEstimator
import KVStudy

/// The charts of a study: one line chart per quantity (context on a log axis, one series per
/// scenario), the memory stack, and the roofline. All charts of a kind come from one component.
struct ChartFactory {
    let evaluation: StudyEvaluation
    let format: Format
    let contextScale: AxisScale
    /// What a notebook chart cell asked for: its x dimension and its series dimension.
    var x: ChartCell.Dimension = .context
    var seriesDimension: ChartCell.Dimension?
    /// The context a chart whose x is not context shows (`at:`); nil: the longest context within
    /// every model's maximum.
    var at: Int? = nil

    /// The name a scenario has along a dimension.
    static func name(_ scenario: Scenario, _ dimension: ChartCell.Dimension) -> String {
        switch dimension {
        case .model: scenario.model.name
        case .hardware: scenario.hardware.name
        case .compression: scenario.compression.name
        case .context: ""
        }
    }

    /// The entries a study lists along a dimension, in file order.
    func names(_ dimension: ChartCell.Dimension) -> [String] {
        switch dimension {
        case .model: evaluation.study.models.map(\.name)
        case .hardware: evaluation.study.hardware.map(\.name)
        case .compression: evaluation.study.compressions.map(\.name)
        case .context: evaluation.contexts.map(Format.tokens)
        }
    }

    /// " (for hardware h100-sxm only; not shown: a100-80gb-sxm, b200)" when a chart fixes
    /// dimensions that the study varies: what a chart leaves out is said, never dropped silently.
    func fixedNote(free: [ChartCell.Dimension]) -> String {
        let fixed = [ChartCell.Dimension.model, .hardware, .compression].filter { !free.contains($0) && names($0).count > 1 }
        return fixed.isEmpty ? "" : " (for " + fixed.map {
            "\($0.rawValue) \(names($0)[0]) only; not shown: \(names($0).dropFirst().joined(separator: ", "))"
        }.joined(separator: "; ") + ")"
    }

    /// The longest of the study's contexts within every model's maximum (the study's longest when
    /// none is): what a chart across models or GPUs shows unless its cell says `at:`.
    var reachContext: Int {
        let limit = evaluation.series.map(\.scenario.model.contextLimit).min() ?? Int.max
        return evaluation.contexts.last { $0 <= limit } ?? evaluation.contexts.last ?? 0
    }

    /// Series whose points are all equal would hide each other: each such set is drawn once, its
    /// legend naming all of them ("a = b"), and the caption says which coincide.
    static func coincident(_ series: [ChartSeries]) -> (series: [ChartSeries], note: String) {
        var merged: [(series: ChartSeries, names: [String])] = []
        for line in series {
            if let index = merged.firstIndex(where: { same($0.series, line) }) {
                merged[index].names.append(line.name)
            } else {
                merged.append((line, [line.name]))
            }
        }
        let groups = merged.filter { $0.names.count > 1 }
        let note = groups.isEmpty ? "" : " Identical lines are drawn once: " + groups.map { $0.names.joined(separator: " = ") }.joined(separator: "; ") + "."
        return (merged.map { entry in
            var line = entry.series
            line.name = entry.names.count <= 3 ? entry.names.joined(separator: " = ") : "\(entry.names[0]) = \(entry.names.count - 1) more (identical)"
            return line
        }, note)
    }

    static func same(_ a: ChartSeries, _ b: ChartSeries) -> Bool {
        a.dashed == b.dashed && a.points.count == b.points.count && zip(a.points, b.points).allSatisfy { p, q in
            p.x == q.x && p.extrapolated == q.extrapolated && (p.y == q.y || abs(p.y - q.y) <= 1e-9 * max(abs(p.y), abs(q.y)))
        }
    }

    /// Categories of a grouped bar chart whose bars are all equal are drawn once, named "a = b".
    static func coincident(categories: [String], series: [BarSeries]) -> (categories: [String], series: [BarSeries], note: String) {
        var kept: [(index: Int, names: [String])] = []
        for index in categories.indices {
            let column = series.map { $0.values[index] }
            if let match = kept.firstIndex(where: { entry in
                zip(series.map { $0.values[entry.index] }, column).allSatisfy { $0 == $1 || abs($0 - $1) <= 1e-9 * max(abs($0), abs($1)) }
            }) {
                kept[match].names.append(categories[index])
            } else {
                kept.append((index, [categories[index]]))
            }
        }
        let groups = kept.filter { $0.names.count > 1 }
        let note = groups.isEmpty ? "" : " Identical bars are drawn once: " + groups.map { $0.names.joined(separator: " = ") }.joined(separator: "; ") + "."
        return (
            kept.map { $0.names.count <= 2 ? $0.names.joined(separator: " = ") : "\($0.names[0]) = \($0.names.count - 1) more" },
            series.map { bars in
                BarSeries(name: bars.name, values: kept.map { bars.values[$0.index] },
                          extrapolated: bars.extrapolated.isEmpty ? [] : kept.map { bars.extrapolated[$0.index] })
            },
            note)
    }

    /// What a quantity's caption must add: the baseline of a relative cost, the unit of a cost,
    /// the batch of a decode figure.
    func captionNote(_ quantity: Quantity) -> String {
        let baseline = evaluation.costBaseline
        let money = baseline.priced ? "in money (GPU-hours × each GPU's price)" : "in GPU-seconds summed over each setup's GPUs (no price per GPU-hour given)"
        let outputTokens = evaluation.study.workload.outputTokens
        switch quantity.key {
        case .cost:
            let unit = baseline.priced ? "$\(Format.fixed(baseline.cost, significant: 3))" : "\(Format.fixed(baseline.cost, significant: 3)) GPU-seconds"
            return " Every line against one baseline: a session of \(baseline.label) at \(Format.tokens(baseline.context)) tokens \(baseline.compression) (1× = \(unit)\(evaluation.study.modes.count > 1 ? " calibrated; peak lines against the peak baseline" : "")), \(money)."
        case .costPerMillionTokens:
            return " A session's cost over its prompt and \(outputTokens) output tokens, \(money)."
        case .decode:
            return " One session decoding alone (batch 1), so that contexts and GPUs compare; the throughput of the batch that fits is charted separately."
        case .decodeThroughput:
            return " At the batch that fits, min(users, max_batch, sessions that fit through their last token): the batch at each context is in the table."
        default:
            return ""
        }
    }

    /// The scenarios a chart shows when it fixes every dimension but `free` to its first entry.
    func scenarios(varying free: [ChartCell.Dimension]) -> [StudyEvaluation.ScenarioSeries] {
        let fixed = [ChartCell.Dimension.model, .hardware, .compression].filter { !free.contains($0) }
        return evaluation.series.filter { series in
            fixed.allSatisfy { Self.name(series.scenario, $0) == names($0).first }
        }
    }

    var contextAxis: Axis {
        Axis.tokens(scale: contextScale)
    }

    func quantityChart(_ quantity: Quantity) -> (caption: String, chart: Chart) {
        if x != .context { return quantityBars(quantity) }
        // One line per scenario; a `series` dimension keeps only its lines, the rest at their first entry.
        let shown = seriesDimension.map { dimension in scenarios(varying: dimension == .context ? [] : [dimension]) } ?? evaluation.series
        let drawn = shown.map { scenario in
            ChartSeries(
                name: seriesDimension.map { dimension in
                    dimension == .context ? scenario.label
                        : Self.name(scenario.scenario, dimension) + (evaluation.study.mode == .both ? " · \(scenario.scenario.mode.rawValue)" : "")
                } ?? scenario.label,
                points: zip(evaluation.contexts, scenario.estimates).compactMap { context, estimate in
                    quantity.value(estimate).map { ChartPoint(x: Double(context), y: $0, extrapolated: estimate.beyondMaxContext) }
                },
                dashed: scenario.scenario.mode == .peak && evaluation.study.mode == .both)
        }
        let (series, coincidence) = Self.coincident(drawn)
        let all = series.flatMap { $0.points.map(\.y) }
        let values = all.filter { $0 > 0 }
        let spread = (values.max() ?? 1) / max(values.min() ?? 1, 1e-300)
        // A log axis when values span decades, unless a zero (a point that matters: "none fits") would vanish.
        let logScale = spread > 20 && (quantity.prefersLog || values.count == all.count)
        let y = Axis(
            title: "\(quantity.name.lowercased()) (\(quantity.unit))",
            scale: logScale ? .log : .linear,
            format: { quantity.formatted($0) })
        var annotations: [ChartAnnotation] = []
        let maxContexts = Set(evaluation.series.map { $0.scenario.model.contextLimit })
        if maxContexts.count == 1, let maxContext = maxContexts.first,
           let last = evaluation.contexts.last, let first = evaluation.contexts.first, maxContext < last, maxContext > first {
            annotations.append(ChartAnnotation(x: Double(maxContext), label: "max context \(Format.tokens(maxContext))"))
        }
        let title = "\(quantity.name) vs context length"
        let chart = LineChart(title: title, x: contextAxis, y: y, series: series, annotations: annotations)
        let per = seriesDimension.map { $0 == .context ? "scenario" : $0.rawValue } ?? "scenario"
        let note = seriesDimension.map { fixedNote(free: $0 == .context ? [.model, .hardware, .compression] : [$0]) } ?? ""
        let beyond = series.contains { $0.points.contains(where: \.extrapolated) } ? " Hollow markers: beyond the model's maximum context." : ""
        return ("\(quantity.name) (\(quantity.unit)) against context length, one line per \(per)\(note).\(captionNote(quantity))\(coincidence)\(beyond)", .line(chart))
    }

    /// A quantity across the entries of the `x` dimension, as grouped bars: one bar per entry of the
    /// `series` dimension, or per context (a few, spread over the study's) when there is none.
    func quantityBars(_ quantity: Quantity) -> (caption: String, chart: Chart) {
        let categories = names(x)
        let perContext = seriesDimension == nil || seriesDimension == .context
        let reach = at ?? reachContext
        let contexts = at.map { [$0] } ?? (perContext ? Self.spread(evaluation.contexts.filter { $0 <= reach }, count: 3) : [reach])
        let groups = perContext ? contexts.map(Format.tokens) : names(seriesDimension!)
        let candidates = scenarios(varying: [x] + (perContext ? [] : [seriesDimension!]))
            .filter { evaluation.study.mode != .both || $0.scenario.mode == .calibrated }
        let bars = groups.enumerated().map { index, group in
            let estimates = categories.map { category -> Estimate? in
                let context = perContext && at == nil ? contexts[index] : contexts[0]
                let scenario = candidates.first {
                    Self.name($0.scenario, x) == category && (perContext || Self.name($0.scenario, seriesDimension!) == group)
                }
                return scenario.flatMap { $0.estimates.first { $0.context == context } }
            }
            return BarSeries(
                name: perContext ? "\(group) tokens" : group,
                values: estimates.map { $0.flatMap(quantity.value) ?? 0 },
                extrapolated: estimates.map { $0?.beyondMaxContext ?? false })
        }
        let (shownCategories, shownBars, coincidence) = Self.coincident(categories: categories, series: bars)
        let chart = BarChart(
            title: "\(quantity.name) by \(x.rawValue) at \(contexts.map(Format.tokens).joined(separator: ", ")) tokens", categories: shownCategories, series: shownBars,
            y: Axis(title: "\(quantity.name.lowercased()) (\(quantity.unit))", scale: .linear, format: { quantity.formatted($0) }),
            categoryTitle: x.rawValue)
        let atText = "at \(contexts.map(Format.tokens).joined(separator: ", ")) tokens"
            + (at == nil && reach < (evaluation.contexts.last ?? 0) ? " (the longest context within every model's maximum; `at:` picks another)" : "")
        let beyond = shownBars.contains { $0.extrapolated.contains(true) } ? " Hollow bars: beyond the model's maximum context." : ""
        return ("\(quantity.name) (\(quantity.unit)) by \(x.rawValue), \(atText)\(fixedNote(free: [x] + (perContext ? [] : [seriesDimension!]))).\(captionNote(quantity))\(coincidence)\(beyond)", .bars(chart))
    }

    /// KV cache of one session per scenario at a few contexts, as grouped bars: the size that
    /// decides concurrency, compared across models, GPUs or compression.
    func kvSessionBars() -> (caption: String, chart: Chart)? {
        guard evaluation.series.count > 1 else { return nil }
        let compared = evaluation.compared
        guard compared.count > 1 else { return nil }
        let picked = Self.spread(evaluation.contexts, count: 3)
        let scale = format.gigabyte
        let (categories, bars, coincidence) = Self.coincident(
            categories: compared.map(\.label),
            series: picked.map { context in
                let estimates = compared.map { series in series.estimates.first { $0.context == context } }
                return BarSeries(
                    name: "\(Format.tokens(context)) tokens", values: estimates.map { ($0?.heldKVBytes ?? 0) / scale },
                    extrapolated: estimates.map { $0?.beyondMaxContext ?? false })
            })
        let chart = BarChart(
            title: "KV cache of one session", categories: categories, series: bars,
            y: Axis.gigabytes("KV per session (\(format.gigabyteName))"),
            categoryTitle: "scenario")
        let beyond = bars.contains { $0.extrapolated.contains(true) } ? " Hollow bars: beyond the model's maximum context." : ""
        let left = evaluation.studyContextCount > picked.count ? " (\(picked.count) of the study's \(Format.integer(evaluation.studyContextCount)) contexts; every context is in the table below)" : ""
        // As the ranks hold it: tensor parallelism may cache a session's KV more than once.
        let replicated = compared.contains { $0.estimates.contains { $0.kvReplication > 1 } }
        return ("The KV cache one session holds, per scenario, at \(picked.map(Format.tokens).joined(separator: ", ")) tokens\(left)\(replicated ? ", counted on every rank that caches it" : ""): what each session takes from the HBM left beside the weights.\(coincidence)\(beyond)", .bars(chart))
    }

    /// HBM of the first scenario's GPUs split into weights, what is held back (reserve, the share
    /// `memory_utilization` leaves, replicated attention weights), the prefill's activations when
    /// the study sets them aside, one session's KV on every rank that holds it, and what is left.
    func memoryChart() -> (caption: String, chart: Chart)? {
        let first = evaluation.primary
        let hardware = first.scenario.hardware, workload = first.scenario.workload
        // Every context up to 16 bars; beyond that a stated selection, ends and baseline included.
        let picked = evaluation.contexts.count <= 16 ? evaluation.contexts
            : Array(Set(Self.spread(evaluation.contexts, count: 12) + [evaluation.study.baseline.context].filter(evaluation.contexts.contains))).sorted()
        let indices = picked.compactMap { context in first.estimates.firstIndex { $0.context == context } }
        let estimates = indices.map { first.estimates[$0] }, hbm = indices.map { first.hbm[$0] }
        let scale = format.gigabyte
        let weights = hbm.map { $0.weightsBytes / scale }
        let reserve = hbm.map { $0.reserveBytes / scale }
        let heldBack = hbm.map { $0.heldBackBytes / scale }
        let activations = hbm.map { $0.activationBytes / scale }
        let kv = hbm.map { $0.sessionKVBytes / scale }
        let free = hbm.map { $0.freeBytes / scale }
        var segments = [BarSeries(name: "weights", values: weights)]
        if reserve.contains(where: { $0 > 0 }) { segments.append(BarSeries(name: "reserve", values: reserve)) }
        if heldBack.contains(where: { $0 > 1e-9 }) { segments.append(BarSeries(name: "held back", values: heldBack)) }
        if workload.activationMemory { segments.append(BarSeries(name: "activations of one prefill", values: activations)) }
        let replicated = estimates.contains { $0.kvReplication > 1 }
        segments.append(BarSeries(name: replicated ? "KV of one session, every rank's copy" : "KV of one session", values: kv, extrapolated: estimates.map(\.beyondMaxContext)))
        segments.append(BarSeries(name: "free HBM", values: free))
        let chart = BarChart(
            title: "HBM of \(hardware.label) with one \(first.scenario.model.label) session\(evaluation.study.compressions.count > 1 ? " " + ScenarioNames.compression(first.scenario.compression) : "")",
            categories: estimates.map { Format.tokens($0.context) + ($0.regime == .offload ? " (spills)" : "") },
            series: segments, arrangement: .stacked,
            y: Axis.gigabytes("HBM (\(format.gigabyteName))"))
        let others = evaluation.series.count > 1 ? " Other scenarios' sessions are in the KV-per-session chart and the table." : ""
        let left = picked.count < evaluation.studyContextCount ? " Shown at \(picked.count) of the study's \(Format.integer(evaluation.studyContextCount)) contexts (every one is in the table)." : ""
        let beyond = estimates.contains(where: \.beyondMaxContext) ? " A hollow KV segment is beyond the model's maximum context." : ""
        let compression = evaluation.study.compressions.count > 1 ? " " + ScenarioNames.compression(first.scenario.compression) : ""
        var parts = ["weights"]
        if heldBack.contains(where: { $0 > 1e-9 }) { parts.append("what the engine holds back") }
        if workload.activationMemory { parts.append("the activations of that session's prefill") }
        parts.append(replicated ? "that session's KV cache as its ranks hold it (replicated \(ParallelLayoutSummary.replication(estimates[0].kvReplication)))" : "that session's KV cache")
        return ("Where the HBM of \(hardware.label) goes with one session of \(first.scenario.model.label)\(compression) in it: \(parts.joined(separator: ", ")), and what is left for others. A bar marked “spills” holds less than one session.\(left)\(others)\(beyond)", .bars(chart))
    }

    /// Prefill and decode of the primary scenario against the roofline of its GPUs, at the shortest
    /// context and the longest within its model's maximum (a point beyond it is marked so).
    func rooflineChart() -> (caption: String, chart: Chart)? {
        let first = evaluation.primary
        guard let short = first.estimates.first, short.regime != .weightsDoNotFit,
              let long = first.estimates.last(where: { !$0.beyondMaxContext }) ?? first.estimates.last else { return nil }
        var points: [RooflinePoint] = []
        for estimate in short.context == long.context ? [short] : [short, long] {
            points.append(RooflinePoint(
                label: "prefill \(Format.tokens(estimate.context))\(estimate.beyondMaxContext ? " (extrapolated)" : "")", intensity: estimate.prefillIntensity,
                flopsPerSecond: estimate.prefillFLOPs / estimate.prefill.seconds))
            if estimate.regime != .weightsDoNotFit {
                points.append(RooflinePoint(
                    label: "decode \(Format.tokens(estimate.context)), batch \(estimate.decodeBatch)\(estimate.beyondMaxContext ? " (extrapolated)" : "")", intensity: estimate.decodeIntensity,
                    flopsPerSecond: estimate.decodeStepFLOPs / estimate.decodeStep.seconds))
            }
        }
        let chart = RooflineChart(
            title: "Roofline of \(first.scenario.hardware.label)",
            peakFLOPsPerSecond: first.matmulFLOPsPerSecond, bytesPerSecond: first.memoryBytesPerSecond, points: points)
        return ("Arithmetic intensity of prefill and decode for \(first.scenario.model.label) on \(first.scenario.hardware.label)\(evaluation.study.compressions.count > 1 ? " " + ScenarioNames.compression(first.scenario.compression) : "")\(evaluation.study.modes.count > 1 ? " (\(first.scenario.mode.rawValue))" : "") against the roofline (ridge point \(Format.fixed(short.ridgePoint, significant: 3)) FLOP/byte): prefill sits under the flat compute roof, decode far left on the bandwidth slope.", .roofline(chart))
    }

    /// At most `count` values spread evenly over `values`, ends included.
    static func spread(_ values: [Int], count: Int) -> [Int] {
        guard values.count > count, count > 1 else { return values }
        var picked: [Int] = []
        for index in 0..<count {
            let value = values[(index * (values.count - 1)) / (count - 1)]
            if picked.last != value { picked.append(value) }
        }
        return picked
    }
}
