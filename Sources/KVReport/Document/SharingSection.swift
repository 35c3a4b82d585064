import KVEstimator
import KVStudy

/// The "Sharing the GPU" section (issue 6; seed 004): what a long prompt does to the other
/// tenants of a GPU — the decode stall and chunked prefill, the short requests' time to first
/// token behind long prompts (mean and p99 of an M/G/1 queue), paged against reserved KV, and
/// moving KV between machines instead of recomputing it.
struct SharingSection: ReportSection {
    let layout: Layout
    var applies: Bool { evaluation.study.workload.sharing != nil }

    /// The first scenario's sharing figures at every context, when the workload describes a mix.
    var sharingSeries: [(label: String, estimates: [SharingEstimate], maxContext: Int)] {
        evaluation.compared.compactMap { series in series.sharing.isEmpty ? nil : (series.label, series.sharing, series.scenario.model.contextLimit) }
    }

    func blocks() -> [Block] {
        guard let mix = evaluation.study.workload.sharing, let first = sharingSeries.first else {
            return [.paragraph("This study's workload has no mix of short and long requests (short_context, long_fraction, arrival_rate).")]
        }
        var blocks: [Block] = [.paragraph(
            "Requests arrive at \(Format.fixed(mix.arrivalsPerSecond, significant: 3)) per second; a fraction \(Format.fixed(mix.longFraction, significant: 3)) of them are long (the study's context), the rest \(Format.tokens(mix.shortContextTokens)) tokens. "
                + "Without chunking, a long prefill holds the GPU and every co-resident session's decode waits for all of it; chunked prefill (Sarathi-Serve, arXiv 2403.02310) runs \(Format.tokens(mix.chunkTokens)) prompt tokens per iteration beside the decode batch, so the stall per step shrinks while the long prompt's own time to first token stretches.")]
        blocks += [sharingStallFigure(), sharingTTFTFigure(mix: mix), sharingPagedFigure(mix: mix), sharingTable()]
        if let last = first.estimates.last {
            let transfer: String
            switch last.kvTransferBreakEven {
            case .alwaysWins: transfer = "moving a session's KV cache to a decode machine over the network beats recomputing its prefill at every context length"
            case .neverWins: transfer = "recomputing the prefill beats moving the KV cache over the network at every context length"
            case .from(let n): transfer = "moving a session's KV cache over the network beats recomputing its prefill from \(Format.tokens(n)) tokens on"
            case .none: transfer = "the hardware states no network bandwidth, so moving KV between machines is not estimated"
            }
            let seconds = last.kvTransferSeconds.map { " (\(Format.seconds($0)) at \(Format.tokens(last.context)) against \(Format.seconds(last.prefillStallSeconds)) of prefill)" } ?? ""
            blocks.append(.paragraph("Disaggregated prefill and decode (DistServe, arXiv 2401.09670; Mooncake, arXiv 2407.00079): for \(first.label), \(transfer)\(seconds)."))
        }
        return blocks
    }

    func sharingStallFigure() -> Block {
        var series: [ChartSeries] = []
        for entry in sharingSeries {
            series.append(ChartSeries(name: "\(entry.label): whole prefill", points: entry.estimates.map { ChartPoint(x: Double($0.context), y: $0.prefillStallSeconds, extrapolated: $0.context > entry.maxContext) }, dashed: true))
            series.append(ChartSeries(name: "\(entry.label): worst chunked step", points: entry.estimates.map { ChartPoint(x: Double($0.context), y: $0.chunkedStepSeconds, extrapolated: $0.context > entry.maxContext) }))
        }
        let chart = LineChart(
            title: "Decode stall behind one long prompt",
            x: Axis.tokens("context of the long prompt (tokens)"),
            y: Axis.seconds("longest pause of co-resident decode (s)"),
            series: series)
        return layout.figure(caption: "How long other sessions' decode stops while a long prompt is prefilled: all of it without chunking (dashed), one iteration with chunked prefill (solid).", chart: .line(chart), topic: .sharing)
    }

    func sharingTTFTFigure(mix: SharingWorkload) -> Block {
        guard let sweep = evaluation.ttft else { return .paragraph("No mixed workload to chart.") }
        let context = sweep.context
        var mean: [ChartPoint] = [], p99: [ChartPoint] = []
        var saturation: Double?
        for (p, sharing) in sweep.points {
            if let m = sharing.ttftShortMeanSeconds, let q = sharing.ttftShortP99Seconds {
                mean.append(ChartPoint(x: p, y: m))
                p99.append(ChartPoint(x: p, y: q))
            } else if saturation == nil {
                saturation = p
            }
        }
        let chart = LineChart(
            title: "Time to first token of a short request",
            x: Axis(title: "fraction of requests that are long (\(Format.tokens(context)) tokens)", scale: .linear, format: { Format.fixed($0, significant: 2) }),
            y: Axis.seconds("TTFT of a \(Format.tokens(mix.shortContextTokens))-token request (s)"),
            series: [ChartSeries(name: "mean", points: mean), ChartSeries(name: "p99", points: p99, dashed: true)],
            annotations: [ChartAnnotation(x: mix.longFraction, label: "this study")] + (saturation.map { [ChartAnnotation(x: $0, label: "queue saturates")] } ?? []))
        return layout.figure(caption: "Short requests wait behind long prompts in the prefill queue (M/G/1, first come first served, \(Format.fixed(mix.arrivalsPerSecond, significant: 3)) requests/s, \(sweep.label)): the mean is Pollaczek–Khinchine's, the p99 the exact waiting-time distribution computed numerically. The mean hides the tail.", chart: .line(chart), topic: .sharingTTFT)
    }

    func sharingPagedFigure(mix: SharingWorkload) -> Block {
        var series: [ChartSeries] = []
        for entry in sharingSeries {
            series.append(ChartSeries(name: "\(entry.label): paged (blocks of \(mix.kvBlockTokens))", points: entry.estimates.map { ChartPoint(x: Double($0.context), y: Double($0.concurrencyPaged), extrapolated: $0.context > entry.maxContext) }))
            series.append(ChartSeries(name: "\(entry.label): reserving max context", points: entry.estimates.map { ChartPoint(x: Double($0.context), y: Double($0.concurrencyReserved), extrapolated: $0.context > entry.maxContext) }, dashed: true))
        }
        let chart = LineChart(
            title: "Sessions that fit: paged KV against reserving the maximum context",
            x: Axis.tokens(),
            y: Axis(title: "concurrent sessions", scale: .linear, format: { Format.integer(Int(clamping: $0.rounded())) }),
            series: series)
        return layout.figure(caption: "Paged KV (vLLM's PagedAttention, arXiv 2309.06180) wastes on average (B − 1)/2 tokens per session; a server that reserves the model's maximum context per session holds far fewer short sessions.", chart: .line(chart), topic: .sharingPaged)
    }

    func sharingTable() -> Block {
        let rows = sharingSeries.flatMap { entry in entry.estimates.map { (entry.label, $0) } }
        let seconds = { (value: Double?) in value.map { Format.fixed($0, significant: 3) } ?? "saturated" }
        return .table(layout.table(caption: "Sharing the GPU by context of the long requests" + layout.laidOutNote, columns: [
            .init(title: "scenario", numeric: false, shown: rows.map(\.0), raw: rows.map(\.0)),
            .init(title: "context (tokens)", numeric: true, shown: rows.map { Format.tokens($0.1.context) }, raw: rows.map { String($0.1.context) }),
            .init(title: "stall without chunking (s)", numeric: true, shown: rows.map { seconds($0.1.prefillStallSeconds) }, raw: rows.map { TableBuilder.raw($0.1.prefillStallSeconds) }),
            .init(title: "worst chunked step (s)", numeric: true, shown: rows.map { seconds($0.1.chunkedStepSeconds) }, raw: rows.map { TableBuilder.raw($0.1.chunkedStepSeconds) }),
            .init(title: "chunked prefill (s)", numeric: true, shown: rows.map { seconds($0.1.chunkedPrefillSeconds) }, raw: rows.map { TableBuilder.raw($0.1.chunkedPrefillSeconds) }),
            .init(title: "short TTFT mean (s)", numeric: true, shown: rows.map { seconds($0.1.ttftShortMeanSeconds) }, raw: rows.map { TableBuilder.raw($0.1.ttftShortMeanSeconds) }),
            .init(title: "short TTFT p99 (s)", numeric: true, shown: rows.map { seconds($0.1.ttftShortP99Seconds) }, raw: rows.map { TableBuilder.raw($0.1.ttftShortP99Seconds) }),
            .init(title: "sessions, paged", numeric: true, shown: rows.map { Format.integer($0.1.concurrencyPaged) }, raw: rows.map { String($0.1.concurrencyPaged) }),
            .init(title: "sessions, reserved", numeric: true, shown: rows.map { Format.integer($0.1.concurrencyReserved) }, raw: rows.map { String($0.1.concurrencyReserved) }),
            .init(title: "KV transfer (s)", numeric: true, shown: rows.map { $0.1.kvTransferSeconds.map { Format.fixed($0, significant: 3) } ?? "—" }, raw: rows.map { TableBuilder.raw($0.1.kvTransferSeconds) }),
        ]))
    }
}
