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

    /// " for llama-3.1-8b on h100-sxm" when a chart fixes dimensions that the study varies.
    func fixedNote(free: [ChartCell.Dimension]) -> String {
        let fixed = [ChartCell.Dimension.model, .hardware, .compression].filter { !free.contains($0) && names($0).count > 1 }
        return fixed.isEmpty ? "" : " (for " + fixed.map { "\($0.rawValue) \(names($0)[0])" }.joined(separator: ", ") + ")"
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
        let series = shown.map { scenario in
            ChartSeries(
                name: seriesDimension.map { dimension in
                    dimension == .context ? scenario.label
                        : Self.name(scenario.scenario, dimension) + (evaluation.study.mode == .both ? " · \(scenario.scenario.mode.rawValue)" : "")
                } ?? scenario.label,
                points: zip(evaluation.contexts, scenario.estimates).compactMap { context, estimate in
                    quantity.value(estimate).map { ChartPoint(x: Double(context), y: $0) }
                },
                dashed: scenario.scenario.mode == .peak && evaluation.study.mode == .both)
        }
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
        let maxContexts = Set(evaluation.series.map { $0.scenario.model.maxContext ?? .max })
        if maxContexts.count == 1, let maxContext = maxContexts.first,
           let last = evaluation.contexts.last, let first = evaluation.contexts.first, maxContext < last, maxContext > first {
            annotations.append(ChartAnnotation(x: Double(maxContext), label: "max context \(Format.tokens(maxContext))"))
        }
        let title = "\(quantity.name) vs context length"
        let chart = LineChart(title: title, x: contextAxis, y: y, series: series, annotations: annotations)
        let per = seriesDimension.map { $0 == .context ? "scenario" : $0.rawValue } ?? "scenario"
        let note = seriesDimension.map { fixedNote(free: $0 == .context ? [.model, .hardware, .compression] : [$0]) } ?? ""
        return ("\(quantity.name) (\(quantity.unit)) against context length, one line per \(per)\(note).", .line(chart))
    }

    /// A quantity across the entries of the `x` dimension, as grouped bars: one bar per entry of the
    /// `series` dimension, or per context (a few, spread over the study's) when there is none.
    func quantityBars(_ quantity: Quantity) -> (caption: String, chart: Chart) {
        let categories = names(x)
        let perContext = seriesDimension == nil || seriesDimension == .context
        let contexts = perContext ? Self.spread(evaluation.contexts, count: 3) : [evaluation.contexts.last ?? 0]
        let groups = perContext ? contexts.map(Format.tokens) : names(seriesDimension!)
        let candidates = scenarios(varying: [x] + (perContext ? [] : [seriesDimension!]))
            .filter { evaluation.study.mode != .both || $0.scenario.mode == .calibrated }
        let bars = groups.enumerated().map { index, group in
            BarSeries(name: perContext ? "\(group) tokens" : group, values: categories.map { category in
                let context = perContext ? contexts[index] : contexts[0]
                let scenario = candidates.first {
                    Self.name($0.scenario, x) == category && (perContext || Self.name($0.scenario, seriesDimension!) == group)
                }
                return scenario.flatMap { $0.estimates.first { $0.context == context } }.flatMap(quantity.value) ?? 0
            })
        }
        let chart = BarChart(
            title: "\(quantity.name) by \(x.rawValue)", categories: categories, series: bars,
            y: Axis(title: "\(quantity.name.lowercased()) (\(quantity.unit))", scale: .linear, format: { quantity.formatted($0) }),
            categoryTitle: x.rawValue)
        let at = perContext ? "at \(contexts.map(Format.tokens).joined(separator: ", ")) tokens" : "at \(Format.tokens(contexts[0])) tokens"
        return ("\(quantity.name) (\(quantity.unit)) by \(x.rawValue), \(at)\(fixedNote(free: [x] + (perContext ? [] : [seriesDimension!]))).", .bars(chart))
    }

    /// KV cache of one session per scenario at a few contexts, as grouped bars: the size that
    /// decides concurrency, compared across models, GPUs or compression.
    func kvSessionBars() -> (caption: String, chart: Chart)? {
        guard evaluation.series.count > 1 else { return nil }
        let picked = Self.spread(evaluation.contexts, count: 3)
        let scale = format.gigabyte
        let chart = BarChart(
            title: "KV cache of one session",
            categories: evaluation.series.map(\.label),
            series: picked.map { context in
                BarSeries(name: "\(Format.tokens(context)) tokens", values: evaluation.series.map { series in
                    // As the ranks hold it: tensor parallelism may cache a session's KV more than once.
                    (series.estimates.first { $0.context == context }.map { $0.kvBytes * $0.kvReplication } ?? 0) / scale
                })
            },
            y: Axis.gigabytes("KV per session (\(format.gigabyteName))"),
            categoryTitle: "scenario")
        let replicated = evaluation.series.contains { $0.estimates.contains { $0.kvReplication > 1 } }
        return ("The KV cache one session holds, per scenario, at \(picked.map(Format.tokens).joined(separator: ", ")) tokens\(replicated ? ", counted on every rank that caches it" : ""): what each session takes from the HBM left beside the weights.", .bars(chart))
    }

    /// HBM of the first scenario's GPUs split into weights, what is held back (reserve, the share
    /// `memory_utilization` leaves, replicated attention weights), the prefill's activations when
    /// the study sets them aside, one session's KV on every rank that holds it, and what is left.
    func memoryChart() -> (caption: String, chart: Chart)? {
        let first = evaluation.first
        let hardware = first.scenario.hardware, workload = first.scenario.workload
        let total = Double(hardware.gpus) * hardware.hbmBytes
        let picked = Self.spread(evaluation.contexts, count: 8)
        let estimates = picked.compactMap { context in first.estimates.first { $0.context == context } }
        let scale = format.gigabyte
        let reserve = Double(hardware.gpus) * workload.reserveBytes
        let weights = estimates.map { min($0.weightsBytes, total) / scale }
        // What neither the weights, the reserve nor the KV budget takes: HBM beyond memory_utilization
        // and, with data-parallel attention, the attention weights every rank holds.
        let heldBack = estimates.map { max(0, total - $0.weightsBytes - reserve - max(0, $0.availableKVBytes)) / scale }
        let activations = estimates.map { workload.activationMemory ? min(Double(hardware.gpus) * $0.prefillPeakMemoryBytes, max(0, $0.availableKVBytes)) / scale : 0 }
        let kv = zip(estimates, activations).map { e, act in max(0, min(e.kvBytes * e.kvReplication, max(0, e.availableKVBytes) - act * scale)) / scale }
        let free = zip(zip(estimates, activations), kv).map { pair, kv in max(0, max(0, pair.0.availableKVBytes) / scale - pair.1 - kv) }
        var segments = [BarSeries(name: "weights", values: weights)]
        if reserve > 0 { segments.append(BarSeries(name: "reserve", values: estimates.map { _ in reserve / scale })) }
        if heldBack.contains(where: { $0 > 1e-9 }) { segments.append(BarSeries(name: "held back", values: heldBack)) }
        if workload.activationMemory { segments.append(BarSeries(name: "activations of one prefill", values: activations)) }
        let replicated = estimates.contains { $0.kvReplication > 1 }
        segments.append(BarSeries(name: replicated ? "KV of one session, every rank's copy" : "KV of one session", values: kv))
        segments.append(BarSeries(name: "free HBM", values: free))
        let chart = BarChart(
            title: "HBM of \(hardware.label) with one \(first.scenario.model.label) session",
            categories: estimates.map { Format.tokens($0.context) + ($0.regime == .offload ? " (spills)" : "") },
            series: segments, arrangement: .stacked,
            y: Axis.gigabytes("HBM (\(format.gigabyteName))"))
        var parts = ["weights"]
        if heldBack.contains(where: { $0 > 1e-9 }) { parts.append("what the engine holds back") }
        if workload.activationMemory { parts.append("the activations of that session's prefill") }
        parts.append(replicated ? "that session's KV cache as its ranks hold it (replicated \(ParallelLayoutSummary.replication(estimates[0].kvReplication)))" : "that session's KV cache")
        return ("Where the HBM of \(hardware.label) goes with one session of \(first.label) in it: \(parts.joined(separator: ", ")), and what is left for others. A bar marked “spills” holds less than one session.", .bars(chart))
    }

    /// Prefill and decode of the first scenario against the roofline of its GPUs.
    func rooflineChart() -> (caption: String, chart: Chart)? {
        let first = evaluation.first
        guard let short = first.estimates.first, let long = first.estimates.last, short.regime != .weightsDoNotFit else { return nil }
        var points: [RooflinePoint] = []
        for estimate in short.context == long.context ? [short] : [short, long] {
            points.append(RooflinePoint(
                label: "prefill \(Format.tokens(estimate.context))", intensity: estimate.prefillIntensity,
                flopsPerSecond: estimate.prefillFLOPs / estimate.prefill.seconds))
            if estimate.regime != .weightsDoNotFit {
                points.append(RooflinePoint(
                    label: "decode \(Format.tokens(estimate.context)), batch \(estimate.decodeBatch)", intensity: estimate.decodeIntensity,
                    flopsPerSecond: estimate.decodeStepFLOPs / estimate.decodeStep.seconds))
            }
        }
        let chart = RooflineChart(
            title: "Roofline of \(first.scenario.hardware.label)",
            peakFLOPsPerSecond: first.matmulFLOPsPerSecond, bytesPerSecond: first.memoryBytesPerSecond, points: points)
        return ("Arithmetic intensity of prefill and decode for \(first.label) against the roofline (ridge point \(Format.fixed(short.ridgePoint, significant: 3)) FLOP/byte): prefill sits under the flat compute roof, decode far left on the bandwidth slope.", .roofline(chart))
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
