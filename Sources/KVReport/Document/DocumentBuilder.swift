import KVEstimator
import KVLoader
import KVMarkdown

/// Turns a study's results into a `Document`: the default layout (findings, setup, the four
/// challenges, compression and cost, methodology, appendix), or the study's own notebook cells.
public struct DocumentBuilder {
    let results: StudyResults
    let slug: String
    let format: Format
    let methodologyMarkdown: String
    var figureCount = 0
    var tableCount = 0

    /// - Parameters:
    ///   - slug: the page's file stem; tables and figures are named after it.
    ///   - methodologyMarkdown: the methodology prose, rendered from the `methodology` template.
    public static func build(_ results: StudyResults, slug: String, kvplanVersion: String, methodologyMarkdown: String) -> Document {
        var builder = DocumentBuilder(
            results: results, slug: slug, format: Format(sizeUnits: results.study.units == .binary ? .binary : .decimal),
            methodologyMarkdown: methodologyMarkdown)
        let study = results.study
        let sections = study.cells.isEmpty ? builder.defaultSections() : builder.notebookSections()
        let findings = Findings(results: results, format: builder.format)
        let tagged = findings.tagged
        let topic = findings.headlineTopic
        let figures = sections.flatMap { $0.blocks.compactMap { if case .figure(let f) = $0 { f } else { nil } } }
        return Document(
            title: study.title,
            subtitle: builder.subtitle,
            descriptionHTML: study.description.map { Markdown.html($0, trust: study.allowHTML ? .userHTML : .untrusted) } ?? "",
            findings: tagged.map(\.text),
            sections: sections,
            provenance: Provenance.of(results, kvplanVersion: kvplanVersion),
            headline: tagged.first { $0.topic == topic }?.text ?? tagged.first?.text ?? builder.subtitle,
            headlineFigure: figures.first { $0.topic == topic.rawValue } ?? figures.first)
    }

    var subtitle: String {
        let study = results.study
        let names = { (list: [String]) in list.count <= 3 ? list.joined(separator: ", ") : "\(list.count)" }
        return "\(names(study.models.map(\.label))) on \(names(study.hardware.map(\.label))); "
            + "\(study.compressions.count) compression setting\(study.compressions.count == 1 ? "" : "s"); "
            + "\(Format.tokens(study.contexts.first ?? 0)) to \(Format.tokens(study.contexts.last ?? 0)) tokens; "
            + "\(study.mode == .peak ? "peak" : study.mode.rawValue) mode"
    }

    // MARK: Layouts

    mutating func defaultSections() -> [Section] {
        let m = results.study.workload.outputTokens
        var sections: [Section] = []
        let published = referenceBlocks()
        if !published.isEmpty { sections.append(Section(id: "published", title: "Published figures beside kvplan's", blocks: published)) }
        sections.append(Section(id: "setup", title: "Setup", blocks: setupBlocks()))
        sections.append(Section(id: "prefill", title: "Challenge 1 · Prefill (GPU FLOP/s)", blocks: [
            .paragraph("Reading the prompt costs 2 FLOPs per active parameter per token plus causal attention over n²/2 token pairs per layer, so prefill time grows linearly at first and quadratically once attention dominates."),
            figure(.prefill), metricTable(.prefill), prefillSplit(), traces(["Prefill"]),
        ]))
        sections.append(Section(id: "concurrency", title: "Challenge 2 · Concurrency (HBM size)", blocks: [
            .paragraph("After prefill every session keeps its KV cache in HBM beside the weights; how many sessions fit is the free memory divided by one session's cache."),
            figure(.concurrency)] + (results.series.count > 1 ? [figure(.kvSession)] : []) + [
            figure(.memory), metricTable(.concurrency), traces(["Weights", "KV cache per session", "Concurrency"]),
        ]))
        sections.append(Section(id: "decode", title: "Challenge 3 · Decode (HBM bandwidth)", blocks: [
            .paragraph("Every output token reads all the weights and every resident session's KV cache from HBM; the KV read grows with the context. Figures are for \(m) output tokens at the batch shown in the appendix."),
            figure(.decode), metricTable(.decode, also: .decodeStep), figure(.roofline), traces(["Decode step", "Decode of m tokens"]),
        ]))
        sections.append(Section(id: "switching", title: "Challenge 4 · Context switching (host link)", blocks: [
            .paragraph("When more users want the GPU than fit in HBM, sessions are swapped out to host memory and back over the host link; the time is the KV cache moved divided by the link bandwidth."),
            figure(.switching), metricTable(.switching), traces(["Context switch"]),
        ]))
        sections.append(Section(id: "cost", title: "Compression and cost", blocks: costBlocks()))
        if results.study.workload.sharing != nil {
            sections.append(Section(id: "sharing", title: "Sharing the GPU", blocks: sharingBlocks()))
        }
        if !results.study.measurements.isEmpty {
            sections.append(Section(id: "measured", title: "Measured vs predicted", blocks: measuredBlocks()))
        }
        sections.append(Section(id: "methodology", title: "Methodology and assumptions", blocks: [.markdown(methodologyMarkdown)] + assumptionBlocks()))
        sections.append(Section(id: "appendix", title: "Appendix: every number", blocks: [
            .paragraph("Every figure of every scenario at every context. The JSON download holds the same numbers with all fields."),
            appendixTable(),
        ]))
        return sections
    }

    mutating func notebookSections() -> [Section] {
        var sections: [Section] = []
        var blocks: [Block] = []
        var title = "Notebook"
        func flush() {
            if !blocks.isEmpty {
                sections.append(Section(id: "cell-\(sections.count + 1)", title: title, blocks: blocks))
                blocks = []
            }
        }
        for cell in results.study.cells {
            switch cell {
            case .markdown(let text):
                // A cell that opens with a heading starts a section of its own.
                if let heading = text.split(separator: "\n").first, heading.hasPrefix("#") {
                    flush()
                    title = heading.drop { $0 == "#" || $0 == " " }.trimmingCharacters
                    let rest = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
                    if !rest.trimmingCharacters.isEmpty { blocks.append(.html(userProse(rest))) }
                } else {
                    blocks.append(.html(userProse(text)))
                }
            case .chart(let chart) where chart.kind == .measured:
                blocks.append(contentsOf: measuredBlocks().filter { if case .figure = $0 { true } else { false } })
            case .chart(let chart) where chart.kind == .sharing:
                blocks.append(contentsOf: sharingBlocks().filter { if case .figure = $0 { true } else { false } })
            case .chart(let chart):
                blocks.append(figure(ChartKind(chart.kind), cell: chart))
            case .table(let table):
                blocks.append(contentsOf: tableBlocks(table))
            }
        }
        flush()
        return sections
    }

    func userProse(_ markdown: String) -> String {
        Markdown.html(markdown, trust: results.study.allowHTML ? .userHTML : .untrusted)
    }

    mutating func tableBlocks(_ cell: TableCell) -> [Block] {
        switch cell.kind {
        case .setup: return setupBlocks()
        case .concurrency: return [metricTable(.concurrency, title: cell.title)]
        case .prefill: return [metricTable(.prefill, title: cell.title)]
        case .decode: return [metricTable(.decode, also: .decodeStep, title: cell.title)]
        case .switching: return [metricTable(.switching, title: cell.title)]
        case .cost: return [metricTable(.cost, title: cell.title)]
        case .appendix: return [appendixTable()]
        case .measured:
            guard let peak = try? MeasurementComparison(study: results.study, mode: .peak),
                  let calibrated = try? MeasurementComparison(study: results.study, mode: .calibrated) else { return [] }
            return [measuredTable(peak: peak, calibrated: calibrated)]
        case .sharing:
            return results.study.workload.sharing == nil ? sharingBlocks() : [sharingTable()]
        }
    }

    // MARK: Figures

    enum ChartKind {
        case prefill, concurrency, memory, kvSession, decode, switching, roofline, cost, unsupported(String)

        init(_ kind: ChartCell.Kind) {
            switch kind {
            case .prefill: self = .prefill
            case .concurrency: self = .concurrency
            case .memory: self = .memory
            case .decode: self = .decode
            case .switching: self = .switching
            case .roofline: self = .roofline
            case .cost: self = .cost
            case .sharing, .measured: self = .unsupported(kind.rawValue)
            }
        }
    }

    mutating func figure(_ kind: ChartKind, cell: ChartCell? = nil) -> Block {
        let charts = ChartFactory(
            results: results, format: format, contextScale: cell?.scale == .linear ? .linear : .log,
            x: cell?.x ?? .context, seriesDimension: cell?.series)
        let title = cell?.title
        let made: (caption: String, svg: String)?
        let topic: String
        // Unique across a site, so a figure can also appear on the index page.
        let id = "\(slug)-figure-\(figureCount + 1)"
        switch kind {
        case .prefill: (made, topic) = (charts.metricChart(.prefill, id: id), "prefill")
        case .concurrency: (made, topic) = (charts.metricChart(.concurrency, id: id), "concurrency")
        case .decode: (made, topic) = (charts.metricChart(.decode, id: id), "decode")
        case .switching: (made, topic) = (charts.metricChart(.switching, id: id), "switching")
        case .cost: (made, topic) = (charts.metricChart(.cost, id: id), "cost")
        case .memory: (made, topic) = (charts.memoryChart(id: id), "memory")
        case .roofline: (made, topic) = (charts.rooflineChart(id: id), "roofline")
        case .kvSession: (made, topic) = (charts.kvSessionBars(id: id), "kv")
        case .unsupported(let name): (made, topic) = (nil, name)
        }
        guard let made else {
            return .paragraph("This study has nothing to draw for this chart (it needs a mixed workload or measurements).")
        }
        figureCount += 1
        return .figure(Figure(
            number: figureCount, id: "figure-\(figureCount)", caption: title ?? made.caption, svg: made.svg,
            fileName: "\(slug)-figure-\(figureCount).svg", topic: topic))
    }

    // MARK: Tables

    /// Context down the side, one column per scenario (plus an optional second metric).
    mutating func metricTable(_ metric: Metric, also second: Metric? = nil, title: String? = nil) -> Block {
        tableCount += 1
        let contexts = results.contexts
        let maxContexts = results.series.map { $0.scenario.model.maxContext ?? .max }
        var columns = [TableBuilder.Column(
            title: "context (tokens)", numeric: true,
            shown: contexts.map { context in Format.tokens(context) + (maxContexts.contains { context > $0 } && maxContexts.allSatisfy { context > $0 } ? " *" : "") },
            raw: contexts.map(String.init))]
        for series in results.series {
            for metric in [metric] + (second.map { [$0] } ?? []) {
                let values = series.estimates.map(metric.value)
                columns.append(TableBuilder.Column(
                    title: "\(series.label)\(second == nil ? "" : " — \(metric.id == "decode-step" ? "step" : "total")") (\(metric.unit))",
                    numeric: true,
                    shown: zip(values, series.estimates).map { value, estimate in
                        guard let value else { return "—" }
                        return metric.format(value) + (estimate.beyondMaxContext ? " *" : "") + (metric.id == "concurrency" && estimate.regime == .offload ? " (offload)" : "")
                    },
                    raw: values.map(TableBuilder.raw)))
            }
        }
        let baselineRows = Set(contexts.enumerated().filter { $0.element == results.study.baseline.context }.map(\.offset))
        let caption = (title ?? "\(metric.name)\(second.map { " and \($0.name.lowercased())" } ?? "") by context length")
            + (results.series.contains { $0.estimates.contains(where: \.beyondMaxContext) } ? "; * beyond the model's maximum context" : "")
        return .table(TableBuilder.table(number: tableCount, slug: slug, caption: caption, columns: columns, baselineRows: baselineRows))
    }

    /// Where attention overtakes the linear layers in prefill FLOPs.
    func prefillSplit() -> Block {
        let first = results.first
        guard let crossover = results.contexts.first(where: { context in
            let e = first.estimator
            return e.prefillAttentionFLOPs(tokens: Double(context)) > e.prefillLinearFLOPs(tokens: Double(context))
        }) else {
            let last = results.first.estimates.last
            let share = last.map { 100 * $0.prefillAttentionFLOPs / $0.prefillFLOPs } ?? 0
            return .paragraph("For \(first.label), attention stays below the linear layers over the whole range: \(Format.fixed(share, significant: 3))% of prefill FLOPs at \(Format.tokens(results.contexts.last ?? 0)) tokens.")
        }
        return .paragraph("For \(first.label), attention FLOPs overtake the linear layers' by \(Format.tokens(crossover)) tokens: beyond it prefill grows quadratically with the prompt.")
    }

    func assumptionBlocks() -> [Block] {
        let study = results.study
        var lines = [
            "Mode: \(study.mode.rawValue) — \(study.mode == .peak ? "datasheet peaks, no efficiency factors: real GPUs are slower (see kvplan calibrate)" : "efficiency factors from the hardware entries are applied")."
        ]
        if results.series.contains(where: { $0.estimates.contains(where: \.beyondMaxContext) }) {
            lines.append("Contexts marked * exceed a model's advertised maximum context; they are extrapolations of the formulas.")
        }
        if results.series.contains(where: { $0.estimates.contains { $0.regime == .offload } }) {
            lines.append("Where not one session fits in HBM (offload regime), decode streams the KV that does not fit over the host link each step, overlapped with compute as in FlexGen.")
        }
        if results.series.contains(where: { $0.estimates.contains { $0.regime == .weightsDoNotFit } }) {
            lines.append("Where the weights alone exceed the HBM of the GPUs, decode and cost are not reported (—).")
        }
        return lines.map { .paragraph($0) }
    }

    func traces(_ quantities: [String]) -> Block {
        let first = results.first
        let contexts = Array(Set([results.contexts.first, results.contexts.last].compactMap { $0 })).sorted()
        let groups = contexts.map { context in
            TraceGroup(
                heading: "\(first.label) at \(Format.tokens(context)) tokens",
                lines: first.estimator.traces(context: context).filter { quantities.contains($0.quantity) }
                    .map { ($0.quantity, $0.formula, $0.substituted, $0.result) })
        }
        return .traces(summary: "Formulas with this study's values", traces: groups)
    }
}

extension Substring {
    var trimmingCharacters: String { String(self).trimmingCharacters }
}

extension String {
    var trimmingCharacters: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
