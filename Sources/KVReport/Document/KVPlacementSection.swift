import KVEstimator
import KVStudy

/// "Where the KV lives" (issue 15): a returning session's time to first token from each tier below
/// HBM and by recomputing, with each tier's break-even context; a shared prefix; the hit rate and
/// GPU-seconds of a population's turns against the capacity below HBM; and the whole-HBM against
/// half-HBM-plus-host comparison. Only when the study names `kv_tiers`.
struct KVPlacementSection: ReportSection {
    let layout: Layout
    var placement: KVPlacementEvaluation? { evaluation.kvPlacement }
    var applies: Bool { placement != nil }

    func blocks() -> [Block] {
        guard let placement, let first = placement.scenarios.first else {
            return placement == nil ? [] : [.paragraph("In no scenario of this study does one session of the shortest context fit in HBM beside the weights, so no session returns to any tier.")]
        }
        let p = placement.placement
        var blocks: [Block] = [.paragraph(introduction(p))]
        blocks.append(ttftFigure(first, p))
        blocks.append(breakEvenTable(placement))
        blocks.append(.paragraph(breakEvenSentence(placement)))
        if p.prefixTokens != nil {
            blocks.append(prefixTable(placement))
            if let sentence = prefixSentence(placement) { blocks.append(.paragraph(sentence)) }
        }
        if let population = p.population {
            blocks.append(.paragraph(populationIntroduction(population, p)))
            blocks.append(capacityFigure(placement, title: "Hit rate of returning turns against the capacity below HBM",
                                         y: Axis(title: "hit rate", scale: .linear, format: Axis.percent, min: 0, max: 1), value: \.hitRate,
                                         caption: "Share of returning turns that find their KV in HBM or a tier, by Che's approximation of an LRU, against the bytes the tiers below HBM hold over the replica (HBM's own KV space counts too), at each scenario's longest context."))
            blocks.append(capacityFigure(placement, title: "GPU-seconds per turn against the capacity below HBM",
                                         y: Axis(title: "GPU-seconds per turn", scale: .linear, format: { Format.fixed($0, significant: 3) }), value: \.gpuSeconds,
                                         caption: "Expected GPU-seconds of prefill compute per returning turn (a hit computes the new tokens only, a miss the whole prompt) against the same capacity."))
            blocks.append(turnsTable(placement, p))
            blocks.append(.paragraph(sizingSentence(placement, p)))
        }
        if let split = placement.split {
            blocks.append(splitTable(split, p))
            blocks.append(.paragraph(splitSentence(split, p)))
        }
        blocks.append(.traces(summary: "Formulas with this study's values", traces: first.traces.map {
            TraceGroup(heading: "\(first.scenario.model.label) on \(first.scenario.hardware.label) at \(Format.tokens($0.context)) cached tokens", lines: $0.traces)
        }))
        return blocks
    }

    // MARK: Load or recompute

    func introduction(_ p: KVPlacement) -> String {
        let tiers = p.tiers.map { tier in tier.readBytesPerSecond.map { "\(tier.label) (\(Format.fixed($0 / 1e9, significant: 3)) GB/s read)" } ?? tier.label }
        let overlap = p.overlap == .layerwise
            ? "Loading is pipelined layer by layer with the prefill of the new tokens, as LMCache and Mooncake do: layer l + 1's KV arrives while layer l computes, so only one layer's load and one layer's compute are exposed beyond the slower of the two."
            : "The whole KV arrives before the prefill of the new tokens starts (no layer-wise overlap)."
        return "A session returns with n cached tokens and \(Format.tokens(p.newTokens)) new ones. Its KV comes back from one of \(DocumentBuilder.list(tiers)) — every tier through the GPU's host link, at min(read, host link) — or the whole prompt is prefilled again. "
            + overlap + " Recomputing costs linear FLOPs plus attention, which grows with n², while loading grows with n: past a break-even context loading wins."
    }

    func ttftFigure(_ entry: KVPlacementEvaluation.ScenarioPlacement, _ p: KVPlacement) -> Block {
        var series = [ChartSeries(name: "recompute", points: zip(entry.contexts, entry.loads).map { ChartPoint(x: Double($0), y: $1.first?.recomputeSeconds ?? 0) }, dashed: true)]
        for (index, tier) in p.tiers.enumerated() {
            series.append(ChartSeries(name: tier.name, points: zip(entry.contexts, entry.loads).map { ChartPoint(x: Double($0), y: $1[index].ttftSeconds) }))
        }
        let range = (entry.contexts.first ?? 0)...(entry.contexts.last ?? 0)
        let marks = zip(p.tiers, entry.breakEvens).compactMap { tier, n in
            n.flatMap { range.contains($0) && $0 > 1 ? ChartAnnotation(x: Double($0), label: "\(tier.name) break-even") : nil }
        }
        let chart = LineChart(title: "Time to first token of a returning turn: load or recompute", x: Axis.tokens("cached tokens n"),
                              y: Axis.seconds("time to first token (s)"), series: series, annotations: marks)
        return layout.figure(
            caption: "\(entry.scenario.model.label) on \(entry.scenario.hardware.label)\(layout.evaluation.study.compressions.count > 1 ? ", \(entry.scenario.compression.label)" : ""): TTFT of a turn adding \(Format.tokens(p.newTokens)) tokens to n cached ones, loading the KV from each tier or recomputing all n + \(Format.tokens(p.newTokens)); vertical lines mark the break-evens within the study's contexts.",
            chart: .line(chart), topic: .note)
    }

    static func breakEven(_ n: Int?, limit: Int) -> String {
        guard let n else { return "never (to \(Format.tokens(limit)))" }
        return n == 1 ? "always" : Format.integer(n)
    }

    func breakEvenTable(_ placement: KVPlacementEvaluation) -> Block {
        let tiers = placement.placement.tiers
        var columns: [TableBuilder.Column] = [
            .init(title: "scenario", numeric: false, shown: placement.scenarios.map(\.label), raw: placement.scenarios.map(\.label)),
        ]
        for (index, tier) in tiers.enumerated() {
            columns.append(.init(title: "\(tier.name): loading wins from (tokens)", numeric: true,
                                 shown: placement.scenarios.map { Self.breakEven($0.breakEvens[index], limit: $0.breakEvenLimit) },
                                 raw: placement.scenarios.map { $0.breakEvens[index].map(String.init) ?? "" }))
        }
        return .table(layout.table(caption: "Break-even context per tier: the fewest cached tokens from which loading the KV beats recomputing it at every longer context (\(placement.placement.overlap == .layerwise ? "layer-wise overlap" : "no overlap"), \(Format.tokens(placement.placement.newTokens)) new tokens); \"never\" up to the model's maximum context", columns: columns))
    }

    func breakEvenSentence(_ placement: KVPlacementEvaluation) -> String {
        var parts: [String] = []
        for (index, tier) in placement.placement.tiers.enumerated() {
            let never = placement.scenarios.filter { $0.breakEvens[index] == nil }
            let always = placement.scenarios.filter { $0.breakEvens[index] == 1 }
            // Every scenario at once reads as "every scenario" once the study has several.
            let named = { (list: [KVPlacementEvaluation.ScenarioPlacement]) in
                list.count == placement.scenarios.count && list.count > 1 ? "every scenario" : DocumentBuilder.list(list.map { self.describe($0) })
            }
            if never.count == placement.scenarios.count {
                parts.append("from \(tier.name) loading never beats recomputing for \(named(never)) within \(Format.tokens(never[0].breakEvenLimit)) tokens")
            } else if !never.isEmpty {
                parts.append("from \(tier.name) loading never wins for \(named(never)), but does for \(named(placement.scenarios.filter { $0.breakEvens[index] != nil }))")
            } else if always.count == placement.scenarios.count {
                parts.append("from \(tier.name) loading wins at every context for \(named(always))")
            } else {
                let from = placement.scenarios.filter { $0.breakEvens[index] != 1 }
                let ranges = from.map { "\(Format.integer($0.breakEvens[index] ?? 1)) cached tokens for \(describe($0))" }
                parts.append("from \(tier.name) loading wins from \(DocumentBuilder.list(ranges))" + (always.isEmpty ? "" : ", and at every context for \(named(always))"))
            }
        }
        return parts.joined(separator: "; ").capitalizedFirst + "."
    }

    /// "Llama-3.1-8B on NVIDIA H100 SXM5 80GB" (with the compression when the study varies it).
    func describe(_ entry: KVPlacementEvaluation.ScenarioPlacement) -> String {
        "\(entry.scenario.model.label) on \(entry.scenario.hardware.label)" + (evaluation.study.compressions.count > 1 ? " with \(entry.scenario.compression.label)" : "")
    }

    // MARK: Prefix

    func prefixTable(_ placement: KVPlacementEvaluation) -> Block {
        let rows = placement.scenarios.flatMap { entry in zip(entry.contexts, entry.prefix).compactMap { context, reuse in reuse.map { (entry.label, context, $0) } } }
        return .table(layout.table(caption: "A shared prefix of \(Format.tokens(placement.placement.prefixTokens ?? 0)) tokens held once: sessions that fit and prefill saved per request, at the contexts longer than the prefix", columns: [
            .init(title: "scenario", numeric: false, shown: rows.map(\.0), raw: rows.map(\.0)),
            .init(title: "context (tokens)", numeric: true, shown: rows.map { Format.tokens($0.1) }, raw: rows.map { String($0.1) }),
            .init(title: "sessions, each its own copy", numeric: true, shown: rows.map { Format.integer($0.2.concurrencyUnshared) }, raw: rows.map { String($0.2.concurrencyUnshared) }),
            .init(title: "sessions, prefix shared", numeric: true, shown: rows.map { Format.integer($0.2.concurrency) }, raw: rows.map { String($0.2.concurrency) }),
            .init(title: "prefill (s)", numeric: true, shown: rows.map { Format.fixed($0.2.prefillSeconds, significant: 3) }, raw: rows.map { TableBuilder.raw($0.2.prefillSeconds) }),
            .init(title: "prefill saved (s)", numeric: true, shown: rows.map { Format.fixed($0.2.prefillSecondsSaved, significant: 3) }, raw: rows.map { TableBuilder.raw($0.2.prefillSecondsSaved) }),
        ]))
    }

    func prefixSentence(_ placement: KVPlacementEvaluation) -> String? {
        let parts = placement.scenarios.compactMap { entry -> String? in
            guard let last = entry.prefix.last ?? nil, let context = entry.contexts.last else { return nil }
            let held = last.concurrency == last.concurrencyUnshared
                ? "\(Format.integer(last.concurrency)) sessions of \(Format.tokens(context)) tokens either way"
                : "\(Format.integer(last.concurrency)) sessions of \(Format.tokens(context)) tokens instead of \(Format.integer(last.concurrencyUnshared))"
            return "\(describe(entry)) holds \(held) and saves \(Format.seconds(last.prefillSecondsSaved)) of each request's \(Format.seconds(last.prefillSeconds)) prefill"
        }
        guard !parts.isEmpty else { return nil }
        return "With the \(Format.tokens(placement.placement.prefixTokens ?? 0))-token prefix shared, " + parts.joined(separator: "; ") + "."
    }

    // MARK: Population

    func populationIntroduction(_ population: SessionPopulation, _ p: KVPlacement) -> String {
        "\(Format.integer(population.sessions)) conversations return to one replica every \(Format.seconds(population.thinkSeconds)) on average (exponential think times). "
            + "Each place — HBM first, then the tiers in the order listed — keeps the most recently used sessions (LRU) and every turn's KV is written through to every tier, as LMCache stores each chunk to each backend; "
            + "Che's approximation (Che, Tung and Wang 2002) gives each capacity's hit rate, which for alike conversations is the capacity over the bytes of all of them. "
            + "Strictly periodic returns would make an LRU all-or-nothing: every turn hits when all sessions fit, none when they do not. "
            + "A turn found in a tier is loaded even where recomputing would be faster, as engines do — which is how a higher hit rate can raise TTFT."
    }

    func capacityFigure(_ placement: KVPlacementEvaluation, title: String, y: Axis, value: KeyPath<KVPlacementEvaluation.CapacityPoint, Double>, caption: String) -> Block {
        let gigabyte = format.gigabyte
        let chart = LineChart(
            title: title, x: Axis.gigabytes("capacity below HBM (\(format.gigabyteName))"), y: y,
            series: placement.scenarios.map { entry in
                ChartSeries(name: entry.label, points: entry.capacitySweep.map { ChartPoint(x: $0.capacityBytes / gigabyte, y: $0[keyPath: value]) })
            })
        return layout.figure(caption: caption, chart: .line(chart), topic: .note)
    }

    func turnsTable(_ placement: KVPlacementEvaluation, _ p: KVPlacement) -> Block {
        let rows = placement.scenarios.compactMap { entry in
            entry.contexts.firstIndex(of: entry.sweepContext).map { (entry, entry.turns[$0]) }
        }
        let places = ["HBM"] + p.tiers.map(\.name) + ["recompute"]
        var columns: [TableBuilder.Column] = [
            .init(title: "scenario", numeric: false, shown: rows.map(\.0.label), raw: rows.map(\.0.label)),
            .init(title: "context (tokens)", numeric: true, shown: rows.map { Format.tokens($0.0.sweepContext) }, raw: rows.map { String($0.0.sweepContext) }),
        ]
        for (index, place) in places.enumerated() {
            columns.append(.init(title: "served from \(place)", numeric: true, shown: rows.map { Axis.percent($0.1.sources[index].fraction) }, raw: rows.map { TableBuilder.raw($0.1.sources[index].fraction) }))
        }
        columns += [
            .init(title: "expected TTFT (s)", numeric: true, shown: rows.map { Format.fixed($0.1.ttftSeconds, significant: 3) }, raw: rows.map { TableBuilder.raw($0.1.ttftSeconds) }),
            .init(title: "GPU-seconds per turn", numeric: true, shown: rows.map { Format.fixed($0.1.gpuSeconds, significant: 3) }, raw: rows.map { TableBuilder.raw($0.1.gpuSeconds) }),
            .init(title: "capacity for \(Axis.percent(p.targetHitRate)) hits (\(format.gigabyteName))", numeric: true, shown: rows.map { Format.fixed($0.1.capacityForTarget / format.gigabyte, significant: 4) }, raw: rows.map { TableBuilder.raw($0.1.capacityForTarget) }),
        ]
        return .table(layout.table(caption: "Where returning turns find their KV, at each scenario's longest context within its model's maximum, and what a turn costs on average", columns: columns))
    }

    func sizingSentence(_ placement: KVPlacementEvaluation, _ p: KVPlacement) -> String {
        let parts = placement.scenarios.compactMap { entry -> String? in
            guard let index = entry.contexts.firstIndex(of: entry.sweepContext) else { return nil }
            let turns = entry.turns[index]
            let enough = zip(p.tiers, entry.tierCapacities).filter { $0.1 >= turns.capacityForTarget }.map(\.0.name)
            let short = zip(p.tiers, entry.tierCapacities).filter { $0.1 < turns.capacityForTarget }.map { "\($0.0.name) (\(format.bytes($0.1)))" }
            let verdict = [enough.isEmpty ? nil : "\(DocumentBuilder.list(enough)) \(enough.count == 1 ? "holds" : "hold") that", short.isEmpty ? nil : "\(DocumentBuilder.list(short)) \(short.count == 1 ? "does" : "do") not"]
                .compactMap { $0 }.joined(separator: ", ")
            return "\(describe(entry)) needs \(format.bytes(turns.capacityForTarget)) at \(Format.tokens(entry.sweepContext)) tokens (\(verdict)); with the tiers as given \(Axis.percent(turns.hitRate)) of turns hit, for \(Format.seconds(turns.ttftSeconds)) TTFT and \(Format.fixed(turns.gpuSeconds, significant: 3)) GPU-seconds per turn"
        }
        return "For \(Axis.percent(p.targetHitRate)) of turns to find their KV, the capacity below HBM must reach: " + parts.joined(separator: "; ")
            + ". A DRAM or SSD tier of that capacity reaches the target on its own, since each tier holds every session the tiers above it hold."
    }

    // MARK: Whole HBM or half HBM plus host

    func splitTable(_ split: KVPlacementEvaluation.HBMSplit, _ p: KVPlacement) -> Block {
        let sides = [split.whole, split.half]
        let names = ["\(format.bytes(split.whole.hbmBytesPerGPU)) HBM", "\(format.bytes(split.half.hbmBytesPerGPU)) HBM + \(format.bytes(split.hostBytesPerGPU)) host"]
        var columns: [TableBuilder.Column] = [
            .init(title: "GPU", numeric: false, shown: names, raw: names),
            .init(title: "KV space in HBM (\(format.gigabyteName))", numeric: true, shown: sides.map { $0.weightsFit ? Format.fixed($0.kvBytes / format.gigabyte, significant: 4) : "weights do not fit" }, raw: sides.map { TableBuilder.raw($0.weightsFit ? $0.kvBytes : nil) }),
            .init(title: "sessions at \(Format.tokens(split.context))", numeric: true, shown: sides.map { Format.integer($0.concurrency) }, raw: sides.map { String($0.concurrency) }),
            .init(title: "returning TTFT (s)", numeric: true, shown: sides.map { $0.weightsFit ? Format.fixed($0.returningTTFTSeconds, significant: 3) : "—" }, raw: sides.map { TableBuilder.raw($0.weightsFit ? $0.returningTTFTSeconds : nil) }),
        ]
        if p.population != nil {
            columns += [
                .init(title: "hit rate", numeric: true, shown: sides.map { $0.turns.map { Axis.percent($0.hitRate) } ?? "—" }, raw: sides.map { TableBuilder.raw($0.turns?.hitRate) }),
                .init(title: "expected TTFT (s)", numeric: true, shown: sides.map { $0.turns.map { Format.fixed($0.ttftSeconds, significant: 3) } ?? "—" }, raw: sides.map { TableBuilder.raw($0.turns?.ttftSeconds) }),
                .init(title: "GPU-seconds per turn", numeric: true, shown: sides.map { $0.turns.map { Format.fixed($0.gpuSeconds, significant: 3) } ?? "—" }, raw: sides.map { TableBuilder.raw($0.turns?.gpuSeconds) }),
            ]
        }
        return .table(layout.table(caption: "\(split.label): all of the GPU's HBM, or half of it plus as much host DRAM over its host link (same FLOP/s and HBM bandwidth), for sessions of \(Format.tokens(split.context)) tokens", columns: columns))
    }

    func splitSentence(_ split: KVPlacementEvaluation.HBMSplit, _ p: KVPlacement) -> String {
        let whole = "\(format.bytes(split.whole.hbmBytesPerGPU)) GPU", half = "\(format.bytes(split.half.hbmBytesPerGPU)) GPU + \(format.bytes(split.hostBytesPerGPU)) host"
        let who = "For \(split.label) at \(Format.tokens(split.context)) tokens"
        guard split.half.weightsFit else {
            return "\(who), the \(half) cannot serve at all: the weights alone do not fit in \(format.bytes(split.half.hbmBytesPerGPU)) of HBM, so only the \(whole) does."
        }
        var text = "\(who), the \(whole) holds \(Format.integer(split.whole.concurrency)) sessions at once against \(Format.integer(split.half.concurrency)) for the \(half): the host DRAM parks sessions but cannot run them. "
            + "A returning turn takes \(Format.seconds(split.whole.returningTTFTSeconds)) from HBM and \(Format.seconds(split.half.returningTTFTSeconds)) from host DRAM."
        if let a = split.whole.turns, let b = split.half.turns {
            let better = a.ttftSeconds <= b.ttftSeconds ? whole : half
            text += " Over the population, \(Axis.percent(a.hitRate)) of turns hit on the \(whole) and \(Axis.percent(b.hitRate)) on the \(half), for \(Format.seconds(a.ttftSeconds)) against \(Format.seconds(b.ttftSeconds)) expected TTFT and \(Format.fixed(a.gpuSeconds, significant: 3)) against \(Format.fixed(b.gpuSeconds, significant: 3)) GPU-seconds per turn: the \(better) serves returning turns faster."
        }
        return text
    }
}
