import KVEstimator
import KVStudy

/// "Plan" (issue 14): what to buy to serve the study's `plan:` traffic within its latency targets —
/// the sentence a reviewer quotes, the cost-against-latency frontier, the ranked options, how the
/// answer moves when the long prompts grow, and the queueing approximation behind it. Only when
/// the study has a `plan:` block.
struct PlanSection: ReportSection {
    let layout: Layout
    var applies: Bool { evaluation.plan != nil }

    /// Ranked options the table shows (the JSON of `kvplan plan` has them all).
    static let shownOptions = 12

    func blocks() -> [Block] {
        guard let planned = evaluation.plan else { return [] }
        let plan = planned.plan
        var search = "Traffic: \(PlanRecord.traffic(plan.traffic)), arriving as a Poisson process. Targets: \(PlanRecord.targets(plan.traffic)). "
            + "The planner tried every combination of the study's hardware, \(list(planned.settings.gpusPerReplica.map(String.init))) GPUs per replica (tensor parallel), "
            + "its compressions, \(list(planned.settings.precisions.map { "\($0.weights.rawValue) weights with \($0.kv.rawValue) KV" })) and prefill chunks of \(list(planned.settings.chunks.map(Format.tokens))) tokens: "
            + "\(Format.integer(plan.options.count)) valid candidates, each with the fewest replicas that meet every target (\(planned.mode.rawValue) figures)."
        if !plan.priced {
            search += " No price per GPU-hour is given for \(list(planned.unpriced)), so options are ranked by GPUs and no cost in money is shown."
        }
        var blocks: [Block] = [.paragraph(search), .paragraph(PlanRecord.sentence(planned))]
        if let blocking = PlanRecord.headOfLineParagraph(planned) {
            blocks.append(.paragraph(blocking))
            blocks.append(.paragraph(PlanRecord.engineSettings))
        } else if let split = PlanRecord.splitSentence(planned) {
            blocks.append(.paragraph(split))
        }
        if !plan.ranked.isEmpty {
            blocks.append(frontierFigure(plan))
            blocks.append(rankedTable(plan))
        }
        if let figure = sweepFigure(planned) { blocks.append(figure) }
        if !planned.sweep.points.isEmpty { blocks.append(sweepTable(planned)) }
        if let failures = PlanRecord.sweepFailures(planned) { blocks.append(.paragraph(failures)) }
        blocks.append(.paragraph(Self.methodology))
        return blocks
    }

    /// "a, b and c".
    func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// The unit options are ranked by: "$/hour" or "GPUs".
    func costAxis(_ priced: Bool) -> String { priced ? "cost ($ per hour)" : "GPUs" }

    func frontierFigure(_ plan: Plan) -> Block {
        let typical = plan.traffic.typicalPrompt
        let point = { (option: PlanOption) in ChartPoint(x: plan.cost(option), y: plan.typicalTTFTP99(option)) }
        let frontier = plan.frontier.map { plan.ranked[$0] }
        let others = plan.ranked.indices.filter { !plan.frontier.contains($0) }.map { plan.ranked[$0] }
        var series = [ChartSeries(name: "on the Pareto frontier", points: frontier.map(point))]
        if !others.isEmpty { series.append(ChartSeries(name: "meets the targets, dominated", points: others.map(point), markersOnly: true)) }
        let chart = LineChart(
            title: "Cost against TTFT p99 of the \(Format.tokens(typical.tokens))-token prompts",
            x: Axis(title: costAxis(plan.priced) + ", log scale", scale: .log, format: { Format.fixed($0, significant: 3) }),
            y: Axis(title: "TTFT p99, \(Format.tokens(typical.tokens)) prompts (s)", scale: .linear, format: { Format.fixed($0, significant: 3) }),
            series: series,
            annotations: [ChartAnnotation(y: plan.traffic.ttftP99Target(typical), label: "TTFT p99 target")])
        return layout.figure(
            caption: "Every option that meets the targets, at the fewest replicas it needs: its \(plan.priced ? "cost per hour" : "GPUs") against the TTFT p99 of the \(Format.tokens(typical.tokens))-token prompts (\(PlanRecord.percent(typical.share)) of requests). "
                + "The line joins the Pareto frontier: the options no other beats on \(plan.priced ? "cost" : "GPUs"), TTFT p99 and TPOT p99 at once (a frontier point may look dominated here when its TPOT is the better one).",
            chart: .line(chart), topic: .plan)
    }

    func rankedTable(_ plan: Plan) -> Block {
        let columns = PlanRecord.columns(plan, limit: Self.shownOptions, inputTokens: false).map {
            TableBuilder.Column(title: $0.title, numeric: $0.numeric, shown: $0.cells, raw: $0.raw)
        }
        let more = plan.ranked.count > Self.shownOptions ? " The \(Format.integer(Self.shownOptions)) cheapest of \(Format.integer(plan.ranked.count)) are shown; kvplan plan --json lists them all, with $ per million input tokens." : ""
        let perMillion = PlanRecord.perMillion(plan).map {
            "$/M output (whole bill) charges the whole bill to output tokens, as serving prices are quoted; for the cheapest, \($0) — two views of one cost, not parts to add. "
        } ?? ""
        return .table(layout.table(
            caption: "The options that meet every target, cheapest first (at equal cost: without KV compression first, then lower TTFT p99, then TPOT p99). "
                + perMillion
                + "Mean decode batch: the sessions decoding at once on one replica, on average (below 1 when a replica is often idle). "
                + "Binding: the constraint that needed the last replica (violated with one fewer); with one replica, the tightest.\(more)",
            columns: columns))
    }

    /// The compressions of the sweep, in the study's order (none first).
    func sweepCompressions(_ sweep: PlanContextSweep) -> [Compression] {
        var result: [Compression] = []
        for point in sweep.points where !result.contains(where: { $0.name == point.compression.name }) { result.append(point.compression) }
        return result
    }

    func sweepFigure(_ planned: PlanEvaluation) -> Block? {
        let sweep = planned.sweep
        let series = sweepCompressions(sweep).map { compression in
            ChartSeries(name: compression.name == Compression.none.name ? "no compression" : compression.name,
                        points: sweep.points.filter { $0.compression.name == compression.name }.compactMap { point in
                            point.cost.map { ChartPoint(x: Double(point.contextTokens), y: $0) }
                        })
        }.filter { !$0.points.isEmpty }
        guard !series.isEmpty, Set(sweep.points.map(\.contextTokens)).count > 1 else { return nil }
        let longest = Format.tokens(planned.plan.traffic.longestPromptTokens)
        let chart = LineChart(
            title: "Cheapest deployment as the long prompts grow",
            x: Axis(title: "context of the longest prompts (tokens)", scale: .log, format: Axis.tokenCount),
            y: Axis(title: costAxis(sweep.points.first?.priced ?? false), scale: .linear, format: { Format.fixed($0, significant: 3) }),
            series: series)
        return layout.figure(
            caption: "The same traffic with its longest prompt class (\(longest) tokens in the study) at each of the study's contexts: the cheapest deployment that meets every target, with no compression and with each compression alone. "
                + (sweep.compressionsCostTheSame && series.count > 1 ? "The lines coincide: wherever both meet the targets, compression does not lower the cost. " : "")
                + "A missing point means no candidate meets the targets there (the table and the text below say what fails).",
            chart: .line(chart), topic: .plan)
    }

    func sweepTable(_ planned: PlanEvaluation) -> Block {
        let points = planned.sweep.points
        let priced = points.first?.priced ?? false
        let shown = { (point: PlanContextSweep.Point) in point.cheapest ?? point.closest }
        var columns: [TableBuilder.Column] = [
            .init(title: "longest prompts", numeric: true, shown: points.map { Format.tokens($0.contextTokens) }, raw: points.map { String($0.contextTokens) }),
            .init(title: "compression", numeric: false, shown: points.map(\.compression.name), raw: points.map(\.compression.name)),
            .init(title: "cheapest deployment", numeric: false,
                  shown: points.map { $0.cheapest.map { PlanRecord.deployment($0.candidate) } ?? "none meets the targets" },
                  raw: points.map { $0.cheapest.map { PlanRecord.deployment($0.candidate) } ?? "" }),
            .init(title: "replicas", numeric: true, shown: points.map { $0.cheapest?.replicas.map(Format.integer) ?? "—" }, raw: points.map { $0.cheapest?.replicas.map(String.init) ?? "" }),
            .init(title: "GPUs", numeric: true, shown: points.map { $0.cheapest?.gpus.map(Format.integer) ?? "—" }, raw: points.map { $0.cheapest?.gpus.map(String.init) ?? "" }),
        ]
        if priced {
            columns.append(.init(title: "$/hour", numeric: true, shown: points.map { $0.cheapest?.dollarsPerHour.map(PlanRecord.dollars) ?? "—" }, raw: points.map { TableBuilder.raw($0.cheapest?.dollarsPerHour) }))
        }
        columns.append(.init(title: "binding (or what fails)", numeric: false,
                             shown: points.map { point in shown(point).map { point.cheapest == nil ? "fails: \($0.binding.label)" : $0.binding.label } ?? "—" },
                             raw: points.map { point in shown(point).map { $0.binding.rawValue } ?? "" }))
        return .table(layout.table(
            caption: "The cheapest deployment of the same traffic with its longest prompts at each context, by compression. Where nothing meets the targets, the constraint that fails for the closest candidate.",
            columns: columns))
    }

    /// The approximation behind every figure of the section (ReplicaModel states it with its sources).
    static let methodology = "How a replica is modelled: continuous batching with chunked prefill, as vLLM and SGLang schedule it — each iteration decodes one token for every running session and prefills one chunk of the prompt at the head of a first-come-first-served queue, its time the roofline of the sharing model (weights, KV and prefix read from HBM against the FLOPs, plus tensor-parallel communication). "
        + "The queue is an M/G/1 whose service is a prompt's whole iterations, decode work included, at the mean decode batch; the batch solves Little's law (b = λ·(m − 1) × the mean iteration a session sees). "
        + "TTFT is the Pollaczek–Khinchine mean wait, or the Cramér–Lundberg exponential tail of the wait for its quantiles, plus the prompt's own iterations; TPOT p99 is the 99th percentile of the gap between tokens, a decode step or, when more than 1% of iterations carry a chunk, the matching quantile of the chunk iterations. "
        + "The sessions decoding at once are taken as Poisson, and the KV of their 99th percentile plus the prompt being prefilled must fit. "
        + "A seeded discrete-event simulation of the same replica over twenty random configurations agrees within 10% on mean TTFT, 20% on TTFT p99 and 10% on TPOT p99 (the test suite checks it); the mean gap between tokens runs up to 18% low and is reported, not planned on. "
        + "Replicas split the traffic evenly; the search is exhaustive."
}

extension Findings {
    /// The plan's answer leads the findings: the sentence a reviewer quotes.
    func planFindings() -> [Finding] {
        guard let planned = evaluation.plan else { return [] }
        var findings: [Finding] = [(.plan, PlanRecord.sentence(planned))]
        // The long prompts apart, when that is cheaper than one pool (or one pool cannot serve).
        if let split = planned.split, let cost = split.cost, cost < planned.plan.cheapest.map(planned.plan.cost) ?? .infinity,
           let sentence = PlanRecord.splitSentence(planned) {
            findings.append((.plan, sentence))
        }
        return findings
    }
}
