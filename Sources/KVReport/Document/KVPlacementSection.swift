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
        var blocks: [Block] = [.paragraph(introduction(p)), tiersTable(placement, first)]
        blocks.append(ttftFigure(first, p))
        blocks.append(breakEvenTable(placement))
        blocks.append(.paragraph(breakEvenSentence(placement)))
        if p.prefixTokens != nil {
            blocks.append(prefixTable(placement))
            if let sentence = prefixSentence(placement) { blocks.append(.paragraph(sentence)) }
        }
        if let population = p.population {
            blocks.append(.paragraph(populationIntroduction(population, placement)))
            let level = "a level smaller than HBM's own KV space adds nothing, since HBM holds those sessions already; the tiers' own capacities are marked"
            blocks.append(capacityFigure(placement, title: "Hit rate of returning turns against the capacity below HBM",
                                         y: Axis(title: "hit rate", scale: .linear, format: Axis.percent, min: 0, max: 1), value: \.hitRate, target: p.targetHitRate,
                                         caption: "Share of returning turns that find their KV in HBM or the level below it, by Che's approximation of an LRU, against that level's capacity over the replica, at each scenario's longest context; \(level)."))
            blocks.append(capacityFigure(placement, title: "GPU-seconds per turn against the capacity below HBM",
                                         y: Axis(title: "GPU-seconds per turn", scale: .linear, format: { Format.fixed($0, significant: 3) }), value: \.gpuSeconds, target: nil,
                                         caption: "Expected GPU-seconds of prefill compute per returning turn (a hit computes the new tokens only, a miss the whole prompt) against the same capacity; \(level)."))
            blocks.append(turnsTable(placement, p))
            if let sentence = trafficSentence(placement, population) { blocks.append(.paragraph(sentence)) }
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

    /// The Methodology paragraph for a study with `kv_tiers`.
    static func methodology(_ p: KVPlacement) -> String {
        let overlap = p.overlap == .layerwise
            ? "pipelined layer by layer, TTFT = t_load/L + (L − 1)·max(t_load, t_new)/L + t_new/L over L layers (LMCache's layerwise transfer, Mooncake's layer-wise prefill)"
            : "not overlapped, TTFT = t_load + t_new"
        return "Where the KV lives: tier bandwidths come from the catalog's presets with their sources (kvplan catalog kv-tiers) or the study; every tier reaches the GPU through its host link, so a load runs at min(read, host link) and takes G·ρ·KV(n) over that, \(overlap), against the prefill of all n + u tokens. "
            + (p.population == nil ? "" : "Hit rates follow Che's approximation of an LRU over the population; the levels are inclusive and written through (LMCache stores each chunk to each backend), each session stored whole. Utilisations ρ are arrivals times service times per tier (reads plus writes), per direction of the host link and for the replica's prefill plus decode; queueing delay below ρ = 1 is not added to the TTFT. ")
            + "Not modelled: the CPU's own memory bandwidth and NUMA placement, drive latency and queue depth, contention between replicas sharing a drive or NIC, and compression of the KV in flight."
    }

    // MARK: Load or recompute

    func introduction(_ p: KVPlacement) -> String {
        let tiers = p.tiers.map(\.name)
        let overlap = p.overlap == .layerwise
            ? "Loading is pipelined layer by layer with the prefill of the new tokens, as LMCache and Mooncake do: layer l + 1's KV arrives while layer l computes, so only one layer's load and one layer's compute are exposed beyond the slower of the two."
            : "The whole KV arrives before the prefill of the new tokens starts (no layer-wise overlap)."
        return "A session returns with n cached tokens and \(Format.tokens(p.newTokens)) new ones. Its KV comes back from one of the tiers \(DocumentBuilder.list(tiers)) (their bandwidths and capacities in the table below) — every tier through the GPU's host link, at min(read, host link) — or the whole prompt is prefilled again. "
            + overlap + " Recomputing costs linear FLOPs plus attention, which grows with n², while loading grows with n: past a break-even context loading wins."
    }

    func ttftFigure(_ entry: KVPlacementEvaluation.ScenarioPlacement, _ p: KVPlacement) -> Block {
        var series = [ChartSeries(name: "recompute", points: zip(entry.contexts, entry.loads).map { ChartPoint(x: Double($0), y: $1.first?.recomputeSeconds ?? 0) }, dashed: true)]
        for (index, tier) in p.tiers.enumerated() {
            series.append(ChartSeries(name: tier.name, points: zip(entry.contexts, entry.loads).map { ChartPoint(x: Double($0), y: $1[index].ttftSeconds) }))
        }
        let range = (entry.contexts.first ?? 0)...(entry.contexts.last ?? 0)
        let marks = zip(p.tiers, entry.breakEvens).compactMap { tier, n in
            n.flatMap { range.contains($0) && $0 > 1 ? ChartAnnotation(x: Double($0), label: tier.name) : nil }
        }
        let chart = LineChart(title: "Time to first token of a returning turn: load or recompute", x: Axis.tokens("cached tokens n"),
                              y: Axis.seconds("time to first token (s)"), series: series, annotations: marks)
        return layout.figure(
            caption: "\(entry.scenario.model.label) on \(entry.scenario.hardware.label)\(layout.evaluation.study.compressions.count > 1 ? ", \(entry.scenario.compression.label)" : ""): TTFT of a turn adding \(Format.tokens(p.newTokens)) tokens to n cached ones, loading the KV from each tier or recomputing all n + \(Format.tokens(p.newTokens)); vertical lines, named after their tier, mark the break-evens within the study's contexts.",
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
            columns.append(.init(title: tier.name, numeric: true,
                                 shown: placement.scenarios.map { Self.breakEven($0.breakEvens[index], limit: $0.breakEvenLimit) },
                                 raw: placement.scenarios.map { $0.breakEvens[index].map(String.init) ?? "" }))
        }
        return .table(layout.table(caption: "Break-even context per tier: the fewest cached tokens from which loading the KV beats recomputing it at every longer context, one column per tier (\(placement.placement.overlap == .layerwise ? "layer-wise overlap" : "no overlap"), \(Format.tokens(placement.placement.newTokens)) new tokens); \"never\" up to the model's maximum context", columns: columns))
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

    func populationIntroduction(_ population: SessionPopulation, _ placement: KVPlacementEvaluation) -> String {
        let p = placement.placement
        let rate = Double(population.sessions) / population.thinkSeconds
        let alternatives = placement.alternatives
        let hosts = p.tiers.filter(\.isHostMemory)
        let order = hosts.isEmpty
            ? "The tiers are alternatives: each is evaluated on its own as the one level below HBM, one row per tier. "
            : "The tiers are alternatives, not a stack in the order listed: \(hosts[0].name) (the machine's own memory) is the first level below HBM, and each other tier (\(DocumentBuilder.list(alternatives.dropFirst().map(\.tier.name)))) is evaluated on its own below it, one row per alternative. "
        return "\(Format.integer(population.sessions)) conversations return to one replica every \(Format.seconds(population.thinkSeconds)) on average (exponential think times): \(Format.fixed(rate, significant: 3)) turns per second. "
            + order
            + "Each level keeps the most recently used sessions (LRU) and every turn's KV is written through to every level — the levels are inclusive, each holding every session the levels above it hold, as LMCache stores each chunk to each backend; "
            + "Che's approximation (Che, Tung and Wang 2002) gives each capacity's hit rate, which for alike conversations is the capacity over the bytes of all of them. "
            + "Each session is stored whole: the \(p.prefixTokens.map { "\(Format.tokens($0))-token " } ?? "")shared prefix is not held once in these capacities, so they are an upper bound. "
            + "Strictly periodic returns would make an LRU all-or-nothing: every turn hits when all sessions fit, none when they do not. "
            + "A turn found in a tier is loaded even where recomputing would be faster, as engines do — which is how a higher hit rate can raise TTFT."
    }

    /// Scenarios whose sweeps differ by less than 2% of the axis share one line: a GPU's HBM share can leave a
    /// model's curve unchanged, and two lines on top of each other would hide one another.
    func capacitySeries(_ placement: KVPlacementEvaluation, value: KeyPath<KVPlacementEvaluation.CapacityPoint, Double>) -> (series: [ChartSeries], merged: Bool) {
        var groups: [(names: [String], points: [ChartPoint])] = []
        for entry in placement.scenarios {
            let points = entry.capacitySweep.map { ChartPoint(x: $0.capacityBytes / format.gigabyte, y: $0[keyPath: value]) }
            // Alike when no point differs by more than 2% of the larger curve's top.
            let same = { (other: [ChartPoint]) in
                let top = max(other.map { abs($0.y) }.max() ?? 0, points.map { abs($0.y) }.max() ?? 0)
                return other.count == points.count && zip(other, points).allSatisfy { abs($0.x - $1.x) <= 1e-9 * max(abs($0.x), 1) && abs($0.y - $1.y) <= 0.02 * top }
            }
            if let index = groups.firstIndex(where: { same($0.points) }) { groups[index].names.append(entry.label) } else { groups.append(([entry.label], points)) }
        }
        return (groups.map { ChartSeries(name: $0.names.count > 1 ? "\($0.names[0]) (= \($0.names.dropFirst().joined(separator: ", ")))" : $0.names[0], points: $0.points) },
                groups.count < placement.scenarios.count)
    }

    func capacityFigure(_ placement: KVPlacementEvaluation, title: String, y: Axis, value: KeyPath<KVPlacementEvaluation.CapacityPoint, Double>, target: Double?, caption: String) -> Block {
        let (series, merged) = capacitySeries(placement, value: value)
        let largest = placement.scenarios.flatMap { $0.capacitySweep.map(\.capacityBytes) }.max() ?? 0
        var marks: [ChartAnnotation] = []
        // The tiers' own capacities over the replica, where they fall on the axis; a capacity that
        // differs between scenarios (host DRAM) names the GPU it belongs to.
        let capacities = placement.scenarios.flatMap { entry in zip(placement.placement.tiers, entry.tierCapacities).map { (tier: $0.0.name, gpu: entry.scenario.hardware.name, bytes: $0.1) } }
        for mark in capacities where mark.bytes.isFinite && mark.bytes <= largest {
            let x = mark.bytes / format.gigabyte
            guard !marks.contains(where: { $0.placement == .vertical(x: x) }) else { continue }
            let varies = Set(capacities.filter { $0.tier == mark.tier }.map(\.bytes)).count > 1
            marks.append(ChartAnnotation(x: x, label: varies ? "\(mark.tier), \(mark.gpu)" : mark.tier))
        }
        if let target { marks.append(ChartAnnotation(y: target, label: "target \(Axis.percent(target))")) }
        let chart = LineChart(title: title, x: Axis.gigabytes("capacity of the level below HBM, replica (\(format.gigabyteName))"), y: y, series: series, annotations: marks)
        let note = merged ? " Scenarios whose curves differ by less than 2% of the axis (the same model on GPUs whose HBM holds a few sessions either way) are drawn once and named together." : ""
        return layout.figure(caption: caption + note, chart: .line(chart), topic: .note)
    }

    /// "—" for host DRAM (its load is the host link's), else the utilisation.
    static func utilisation(_ value: Double?) -> String {
        guard let value else { return "—" }
        return Format.fixed(value, significant: 2)
    }

    func turnsTable(_ placement: KVPlacementEvaluation, _ p: KVPlacement) -> Block {
        let alternatives = placement.alternatives
        let hasHost = p.tiers.contains(where: \.isHostMemory)
        typealias Row = (entry: KVPlacementEvaluation.ScenarioPlacement, alternative: KVPlacementEvaluation.Alternative, turns: ReturningTurns, traffic: TurnTraffic)
        let rows: [Row] = placement.scenarios.flatMap { entry -> [Row] in
            guard let index = entry.contexts.firstIndex(of: entry.sweepContext), entry.turns.indices.contains(index) else { return [] }
            return alternatives.indices.map { (entry, alternatives[$0], entry.turns[index][$0], entry.traffic[index][$0]) }
        }
        // sources: HBM, the alternative's levels (host DRAM first), recompute.
        func own(_ row: Row) -> ReturningTurns.Source? {
            row.alternative.tier.isHostMemory && hasHost ? nil : row.turns.sources[row.turns.sources.count - 2]
        }
        var columns: [TableBuilder.Column] = [
            .init(title: "scenario", numeric: false, shown: rows.map(\.entry.label), raw: rows.map(\.entry.label)),
            hasHost
                ? .init(title: "tier below host DRAM", numeric: false, shown: rows.map { $0.alternative.tiers.count > 1 ? $0.alternative.tier.name : "none" }, raw: rows.map(\.alternative.name))
                : .init(title: "tier", numeric: false, shown: rows.map(\.alternative.name), raw: rows.map(\.alternative.name)),
            .init(title: "from HBM", numeric: true, shown: rows.map { Axis.percent($0.turns.sources[0].fraction) }, raw: rows.map { TableBuilder.raw($0.turns.sources[0].fraction) }),
        ]
        if hasHost {
            columns.append(.init(title: "from host DRAM", numeric: true, shown: rows.map { Axis.percent($0.turns.sources[1].fraction) }, raw: rows.map { TableBuilder.raw($0.turns.sources[1].fraction) }))
        }
        columns += [
            .init(title: "from the tier", numeric: true, shown: rows.map { own($0).map { Axis.percent($0.fraction) } ?? "—" }, raw: rows.map { TableBuilder.raw(own($0)?.fraction) }),
            .init(title: "recomputed", numeric: true, shown: rows.map { Axis.percent($0.turns.sources.last?.fraction ?? 0) }, raw: rows.map { TableBuilder.raw($0.turns.sources.last?.fraction) }),
            .init(title: "TTFT if unloaded (s)", numeric: true, shown: rows.map { Format.fixed($0.turns.ttftSeconds, significant: 3) }, raw: rows.map { TableBuilder.raw($0.turns.ttftSeconds) }),
            .init(title: "tier load ρ", numeric: true, shown: rows.map { Self.utilisation($0.traffic.tiers.last.flatMap { $0.isHostMemory ? nil : $0.utilisation }) }, raw: rows.map { TableBuilder.raw($0.traffic.tiers.last.flatMap { $0.isHostMemory ? nil : $0.utilisation }) }),
            .init(title: "host link ρ", numeric: true, shown: rows.map { Self.utilisation($0.traffic.hostLink) }, raw: rows.map { TableBuilder.raw($0.traffic.hostLink) }),
            .init(title: "replica ρ", numeric: true, shown: rows.map { Self.utilisation($0.traffic.replica) }, raw: rows.map { TableBuilder.raw($0.traffic.replica) }),
        ]
        let context = placement.scenarios.first.map { Format.tokens($0.sweepContext) } ?? ""
        return .table(layout.table(caption: "Where returning turns find their KV at \(context) tokens (each scenario's longest context within its model's maximum), one row per alternative below HBM; the expected TTFT holds only for an idle system, and ρ is how busy the turns keep the alternative's own tier (reads plus write-through writes), the host link (its busier direction) and the replica (prefill plus decode) — at ρ ≥ 1 the place is saturated and that TTFT cannot hold", columns: columns))
    }

    /// Per scenario at its sweep context: what saturates first and how many replicas or drives
    /// bring every place under 1.
    func trafficSentence(_ placement: KVPlacementEvaluation, _ population: SessionPopulation) -> String? {
        var parts: [String] = []
        for entry in placement.scenarios {
            guard let index = entry.contexts.firstIndex(of: entry.sweepContext), entry.traffic.indices.contains(index) else { continue }
            let row = entry.traffic[index]
            let pairs = Array(zip(placement.alternatives, row))
            let overTiers = pairs.compactMap { alternative, traffic -> String? in
                guard let tier = traffic.tiers.last, !tier.isHostMemory, tier.utilisation >= 1 else { return nil }
                return "\(alternative.tier.name) at ρ = \(Format.fixed(tier.utilisation, significant: 2)) (\(TurnTraffic.needed(tier.utilisation)) drives or stores per GPU would carry it)"
            }
            let links = row.map(\.hostLink).filter { $0 >= 1 }
            var text = describe(entry) + ": "
            if let least = row.map(\.replica).min(), let most = row.map(\.replica).max() {
                let best = pairs.filter { abs($0.1.replica - least) <= 1e-3 * least }.map(\.0.name)
                let worst = pairs.filter { abs($0.1.replica - most) <= 1e-3 * most }.map(\.0.name)
                if least >= 1 {
                    text += "the replica's own prefill and decode reach ρ = \(Format.fixed(least, significant: 2)) even with \(DocumentBuilder.list(best))"
                        + (most > least * 1.001 ? " (\(Format.fixed(most, significant: 2)) with \(DocumentBuilder.list(worst)))" : "")
                        + ", so at least \(TurnTraffic.needed(least)) replicas are needed for \(Format.integer(population.sessions)) returning conversations"
                } else {
                    text += "the replica stays under 1 with \(DocumentBuilder.list(pairs.filter { $0.1.replica < 1 }.map(\.0.name)))"
                }
            }
            if !overTiers.isEmpty { text += "; saturated drives or stores: \(DocumentBuilder.list(overTiers))" }
            if let worst = links.max() { text += "; the host link reaches ρ = \(Format.fixed(worst, significant: 2))" }
            parts.append(text)
        }
        guard !parts.isEmpty else { return nil }
        return "At \(Format.integer(population.sessions)) conversations every \(Format.seconds(population.thinkSeconds)) one replica cannot carry the traffic wherever a ρ reaches 1, and the idle TTFTs above are then out of reach. " + parts.joined(separator: ". ") + "."
    }

    func sizingSentence(_ placement: KVPlacementEvaluation, _ p: KVPlacement) -> String {
        let parts = placement.scenarios.compactMap { entry -> String? in
            guard let index = entry.contexts.firstIndex(of: entry.sweepContext), let turns = entry.turns[index].first else { return nil }
            let enough = zip(p.tiers, entry.tierCapacities).filter { $0.1 >= turns.capacityForTarget }.map(\.0.name)
            let short = zip(p.tiers, entry.tierCapacities).filter { $0.1 < turns.capacityForTarget }.map { "\($0.0.name) (\(format.bytes($0.1)))" }
            let verdict = [enough.isEmpty ? nil : "\(DocumentBuilder.list(enough)) \(enough.count == 1 ? "holds" : "hold") that", short.isEmpty ? nil : "\(DocumentBuilder.list(short)) \(short.count == 1 ? "does" : "do") not"]
                .compactMap { $0 }.joined(separator: ", ")
            return "\(describe(entry)) needs \(format.bytes(turns.capacityForTarget)) at \(Format.tokens(entry.sweepContext)) tokens (\(verdict))"
        }
        return "For \(Axis.percent(p.targetHitRate)) of turns to find their KV, one level below HBM must hold: " + parts.joined(separator: "; ")
            + ". A level of that capacity reaches the target on its own, since the levels are inclusive."
    }

    /// The tiers as the study resolves them for the primary scenario: bandwidths and capacity over the replica.
    func tiersTable(_ placement: KVPlacementEvaluation, _ entry: KVPlacementEvaluation.ScenarioPlacement) -> Block {
        let tiers = placement.placement.tiers
        let loads = entry.loads.first ?? []
        let capacities = entry.tierCapacities.map { $0.isFinite ? format.bytes($0) : "unbounded (not set)" }
        return .table(layout.table(caption: "The tiers below HBM for \(describe(entry)): read bandwidth as the GPU sees it, min(read, host link), and capacity over the replica", columns: [
            .init(title: "tier", numeric: false, shown: tiers.map(\.name), raw: tiers.map(\.name)),
            .init(title: "read (GB/s)", numeric: true, shown: loads.map { Format.fixed($0.readBytesPerSecond / 1e9, significant: 3) }, raw: loads.map { TableBuilder.raw($0.readBytesPerSecond) }),
            .init(title: "capacity", numeric: true, shown: capacities, raw: entry.tierCapacities.map { $0.isFinite ? TableBuilder.raw($0) : "" }),
        ]))
    }

    // MARK: Whole HBM or half HBM plus host

    /// "85.90 GB (80 GiB)": the GPU's name counts its HBM in GiB.
    func memory(_ bytes: Double) -> String {
        format.sizeUnits == .decimal ? "\(format.bytes(bytes)) (\(Format.fixed(bytes / 1_073_741_824, significant: 3)) GiB)" : format.bytes(bytes)
    }

    func splitTable(_ split: KVPlacementEvaluation.HBMSplit, _ p: KVPlacement) -> Block {
        let sides = [split.whole, split.half]
        let names = ["\(memory(split.whole.hbmBytesPerGPU)) HBM", "\(memory(split.half.hbmBytesPerGPU)) HBM + as much host DRAM"]
        var columns: [TableBuilder.Column] = [
            .init(title: "memory per GPU", numeric: false, shown: names, raw: names),
            .init(title: "KV space in HBM (\(format.gigabyteName))", numeric: true, shown: sides.map { $0.weightsFit ? Format.fixed($0.kvBytes / format.gigabyte, significant: 4) : "weights do not fit" }, raw: sides.map { TableBuilder.raw($0.weightsFit ? $0.kvBytes : nil) }),
            .init(title: "sessions at \(Format.tokens(split.context))", numeric: true, shown: sides.map { Format.integer($0.concurrency) }, raw: sides.map { String($0.concurrency) }),
            .init(title: "TTFT of a hit (s)", numeric: true, shown: sides.map { $0.weightsFit ? Format.fixed($0.returningTTFTSeconds, significant: 3) : "—" }, raw: sides.map { TableBuilder.raw($0.weightsFit ? $0.returningTTFTSeconds : nil) }),
        ]
        if p.population != nil {
            columns += [
                .init(title: "hit rate", numeric: true, shown: sides.map { $0.turns.map { Axis.percent($0.hitRate) } ?? "—" }, raw: sides.map { TableBuilder.raw($0.turns?.hitRate) }),
                .init(title: "expected TTFT (s)", numeric: true, shown: sides.map { $0.turns.map { Format.fixed($0.ttftSeconds, significant: 3) } ?? "—" }, raw: sides.map { TableBuilder.raw($0.turns?.ttftSeconds) }),
            ]
        }
        let tiers = p.tiers.isEmpty ? "" : " Neither side has the study's tiers (\(DocumentBuilder.list(p.tiers.map(\.name)))): the comparison isolates where the GPU's memory sits."
        return .table(layout.table(caption: "\(split.label), sessions of \(Format.tokens(split.context)) tokens: all of the GPU's HBM, or half of it plus as much host DRAM over its host link. Held fixed: the GPU's FLOP/s, HBM bandwidth and host link, the model, the population and the new tokens per turn.\(tiers) A hit is served from HBM (whole side) or host DRAM (half side)", columns: columns))
    }

    func splitSentence(_ split: KVPlacementEvaluation.HBMSplit, _ p: KVPlacement) -> String {
        let whole = "\(memory(split.whole.hbmBytesPerGPU)) GPU", half = "\(memory(split.half.hbmBytesPerGPU)) GPU + \(memory(split.hostBytesPerGPU)) host"
        let who = "For \(split.label) at \(Format.tokens(split.context)) tokens"
        guard split.half.weightsFit else {
            return "\(who), the \(half) cannot serve at all: the weights alone do not fit in \(format.bytes(split.half.hbmBytesPerGPU)) of HBM, so only the \(whole) does."
        }
        var text = "\(who), the \(whole) holds \(Format.integer(split.whole.concurrency)) sessions at once against \(Format.integer(split.half.concurrency)) for the \(half): the host DRAM parks sessions but cannot run them. "
            + "A hit takes \(Format.seconds(split.whole.returningTTFTSeconds)) from HBM and \(Format.seconds(split.half.returningTTFTSeconds)) from host DRAM."
        if let a = split.whole.turns, let b = split.half.turns {
            let better = a.ttftSeconds <= b.ttftSeconds ? whole : half
            let missA = 1 - a.hitRate, missB = 1 - b.hitRate
            if min(missA, missB) > 0.5 {
                let low = Axis.percent(min(missA, missB)), high = Axis.percent(max(missA, missB))
                text += " Over the population both sides recompute most turns (\(low == high ? low : "\(low)–\(high)")): neither holds more than a sliver of \(Format.integer(p.population?.sessions ?? 0)) sessions, so the expected TTFT (\(Format.seconds(a.ttftSeconds)) on the \(whole), \(Format.seconds(b.ttftSeconds)) on the \(half)) is mostly recompute time and says little about where the memory should sit; at this population the question is the tiers below, not the split."
            } else {
                text += " Over the population, \(Axis.percent(a.hitRate)) of turns hit on the \(whole) and \(Axis.percent(b.hitRate)) on the \(half), for \(Format.seconds(a.ttftSeconds)) against \(Format.seconds(b.ttftSeconds)) expected TTFT: the \(better) serves returning turns faster."
            }
        }
        return text
    }
}
