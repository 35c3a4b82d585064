import KVEstimator
import KVStudy

/// Turns a study's evaluation into a `Document`: the default layout (findings, setup, the four
/// challenges, compression and cost, methodology, appendix), or the study's own notebook cells.
public struct DocumentBuilder {
    let evaluation: StudyEvaluation
    let slug: String
    let format: Format
    let methodologyMarkdown: String
    var figureCount = 0
    var tableCount = 0

    /// - Parameters:
    ///   - slug: the page's file stem; tables and figures are named after it.
    ///   - methodologyMarkdown: the methodology prose, rendered from the `methodology` template.
    public static func build(_ evaluation: StudyEvaluation, slug: String, kvplanVersion: String, methodologyMarkdown: String) -> Document {
        var builder = DocumentBuilder(
            evaluation: evaluation, slug: slug, format: Format(sizeUnits: evaluation.study.units),
            methodologyMarkdown: methodologyMarkdown)
        let study = evaluation.study
        let sections = study.cells.isEmpty ? builder.defaultSections() : builder.notebookSections()
        let findings = Findings(evaluation: evaluation, format: builder.format)
        let tagged = findings.tagged
        let topic = findings.headlineTopic
        let figures = sections.flatMap { $0.blocks.compactMap { if case .figure(let f) = $0 { f } else { nil } } }
        return Document(
            title: study.title,
            subtitle: builder.subtitle,
            description: study.description.map(builder.userProse),
            findings: tagged.map(\.text),
            sections: sections,
            provenance: Provenance.of(evaluation, kvplanVersion: kvplanVersion),
            headline: tagged.first { $0.topic == topic }?.text ?? tagged.first?.text ?? builder.subtitle,
            headlineFigure: figures.first { $0.topic == topic } ?? figures.first,
            calibrated: study.mode != .peak)
    }

    var subtitle: String {
        let study = evaluation.study
        let names = { (list: [String]) in list.count <= 3 ? list.joined(separator: ", ") : "\(list.count)" }
        return "\(names(study.models.map(\.label))) on \(names(study.hardware.map(\.label))); "
            + "\(study.compressions.count) compression setting\(study.compressions.count == 1 ? "" : "s"); "
            + "\(Format.tokens(study.contexts.first ?? 0)) to \(Format.tokens(study.contexts.last ?? 0)) tokens; "
            + "\(study.mode == .peak ? "peak" : study.mode.rawValue) mode"
    }

    // MARK: Layouts

    mutating func defaultSections() -> [Section] {
        let m = evaluation.study.workload.outputTokens
        var sections: [Section] = []
        let published = referenceBlocks()
        if !published.isEmpty { sections.append(Section(id: "published", title: "Published figures beside kvplan's", blocks: published)) }
        sections.append(Section(id: "setup", title: "Setup", blocks: setupBlocks()))
        sections.append(Section(id: "prefill", title: "Challenge 1 · Prefill (GPU FLOP/s)", blocks: [
            .paragraph("Reading the prompt costs 2 FLOPs per active parameter per token plus causal attention over n²/2 token pairs per layer, so prefill time grows linearly at first and quadratically once attention dominates."),
            figure(.prefill), quantityTable(.prefill), prefillSplit(), traces(.prefill),
        ]))
        sections.append(Section(id: "concurrency", title: "Challenge 2 · Concurrency (HBM size)", blocks: [
            .paragraph("After prefill every session keeps its KV cache in HBM beside the weights; how many sessions fit is the free memory divided by one session's cache."),
            figure(.concurrency)] + kvSessionFigure() + [
            figure(.memory), quantityTable(.concurrency), traces(.concurrency),
        ]))
        sections.append(Section(id: "decode", title: "Challenge 3 · Decode (HBM bandwidth)", blocks: [
            .paragraph("Every output token reads all the weights and every resident session's KV cache from HBM; the KV read grows with the context. Figures are for \(m) output tokens at the batch shown in the appendix."),
            figure(.decode), quantityTable(.decode, also: .decodeStep), figure(.roofline), traces(.decode),
        ]))
        sections.append(Section(id: "switching", title: "Challenge 4 · Context switching (host link)", blocks: [
            .paragraph("When more users want the GPU than fit in HBM, sessions are swapped out to host memory and back over the host link; the time is the KV cache moved divided by the link bandwidth."),
            figure(.switching), quantityTable(.switching), traces(.switching),
        ]))
        sections.append(Section(id: "cost", title: "Compression and cost", blocks: costBlocks()))
        if evaluation.study.workload.sharing != nil {
            sections.append(Section(id: "sharing", title: "Sharing the GPU", blocks: sharingBlocks()))
        }
        if !evaluation.study.measurements.isEmpty {
            sections.append(Section(id: "measured", title: "Measured vs predicted", blocks: measuredBlocks()))
        }
        sections.append(Section(id: "methodology", title: "Methodology and assumptions", blocks: [.prose(Prose(markdown: methodologyMarkdown, source: .kvplan, trusted: true))] + assumptionBlocks()))
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
        for cell in evaluation.study.cells {
            switch cell {
            case .markdown(let text):
                // A cell that opens with a heading starts a section of its own.
                if let heading = text.split(separator: "\n").first, heading.hasPrefix("#") {
                    flush()
                    title = heading.drop { $0 == "#" || $0 == " " }.trimmingCharacters
                    let rest = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
                    if !rest.trimmingCharacters.isEmpty { blocks.append(.prose(userProse(rest))) }
                } else {
                    blocks.append(.prose(userProse(text)))
                }
            case .chart(let chart) where chart.kind == .measured:
                blocks.append(contentsOf: measuredBlocks().filter { if case .figure = $0 { true } else { false } })
            case .chart(let chart) where chart.kind == .sharing:
                blocks.append(contentsOf: sharingBlocks().filter { if case .figure = $0 { true } else { false } })
            case .chart(let chart):
                blocks.append(figure(chart.kind, cell: chart))
            case .table(let table):
                blocks.append(contentsOf: tableBlocks(table))
            }
        }
        flush()
        return sections
    }

    func userProse(_ markdown: String) -> Prose {
        Prose(markdown: markdown, source: .study, trusted: evaluation.study.allowHTML)
    }

    mutating func tableBlocks(_ cell: TableCell) -> [Block] {
        switch cell.kind {
        case .setup: return setupBlocks()
        case .concurrency, .prefill, .decode, .switching, .cost:
            let quantity = Quantity(key: cell.kind.quantity!)
            return [quantityTable(quantity, also: quantity.key == .decode ? .decodeStep : nil, title: cell.title)]
        case .appendix: return [appendixTable()]
        case .measured:
            guard case .success(let measured) = evaluation.measured else { return [] }
            return [measuredTable(peak: measured.peak, calibrated: measured.calibrated)]
        case .sharing:
            return evaluation.study.workload.sharing == nil ? sharingBlocks() : [sharingTable()]
        }
    }

    // MARK: Figures

    /// A chart cell's figure (or the default layout's): its quantity against context, or the
    /// memory stack, or the roofline.
    mutating func figure(_ kind: ChartCell.Kind, cell: ChartCell? = nil) -> Block {
        let charts = ChartFactory(
            evaluation: evaluation, format: format, contextScale: cell?.scale == .linear ? .linear : .log,
            x: cell?.x ?? .context, seriesDimension: cell?.series)
        let made: (caption: String, chart: Chart)?, topic: Topic
        switch (kind, kind.quantity) {
        case (_, let key?): (made, topic) = (charts.quantityChart(Quantity(key: key)), .quantity(key))
        case (.memory, nil): (made, topic) = (charts.memoryChart(), .memory)
        case (.roofline, nil): (made, topic) = (charts.rooflineChart(), .roofline)
        default: (made, topic) = (nil, .note)
        }
        guard let made else {
            return .paragraph("This study has nothing to draw for this chart (it needs a mixed workload or measurements).")
        }
        return addFigure(caption: cell?.title ?? made.caption, chart: made.chart, topic: topic)
    }

    /// One session's KV cache per scenario, when the study compares several.
    mutating func kvSessionFigure() -> [Block] {
        let charts = ChartFactory(evaluation: evaluation, format: format, contextScale: .log)
        return charts.kvSessionBars().map { [addFigure(caption: $0.caption, chart: $0.chart, topic: .kvSession)] } ?? []
    }

    /// Numbers the next figure; its chart is unique across a site, so it can also appear on the index page.
    mutating func addFigure(caption: String, chart: Chart, topic: Topic) -> Block {
        figureCount += 1
        return .figure(Figure(
            number: figureCount, id: "figure-\(figureCount)", chartID: "\(slug)-figure-\(figureCount)", caption: caption,
            chart: chart, fileName: "\(slug)-figure-\(figureCount).svg", topic: topic))
    }

    // MARK: Tables

    /// Context down the side, one column per scenario (plus an optional second quantity).
    mutating func quantityTable(_ quantity: Quantity, also second: Quantity? = nil, title: String? = nil) -> Block {
        tableCount += 1
        let contexts = evaluation.contexts
        let maxContexts = evaluation.series.map(\.scenario.model.maxContext)
        var columns = [TableBuilder.Column(
            title: "context (tokens)", numeric: true,
            shown: contexts.map { context in Format.tokens(context) + (maxContexts.contains { context > $0 } && maxContexts.allSatisfy { context > $0 } ? " *" : "") },
            raw: contexts.map(String.init))]
        for series in evaluation.series {
            for quantity in [quantity] + (second.map { [$0] } ?? []) {
                let values = series.estimates.map(quantity.value)
                columns.append(TableBuilder.Column(
                    title: "\(series.label)\(second == nil ? "" : " — \(quantity.key == .decodeStep ? "step" : "total")") (\(quantity.unit))",
                    numeric: true,
                    shown: zip(values, series.estimates).map { value, estimate in
                        guard let value else { return "—" }
                        return quantity.formatted(value) + (estimate.beyondMaxContext ? " *" : "") + (quantity.key == .concurrency && estimate.regime == .offload ? " (offload)" : "")
                    },
                    raw: values.map(TableBuilder.raw)))
            }
        }
        let baselineRows = Set(contexts.enumerated().filter { $0.element == evaluation.study.baseline.context }.map(\.offset))
        let caption = (title ?? "\(quantity.name)\(second.map { " and \($0.name.lowercased())" } ?? "") by context length")
            + (evaluation.series.contains { $0.estimates.contains(where: \.beyondMaxContext) } ? "; * beyond the model's maximum context" : "")
        return .table(TableBuilder.table(number: tableCount, slug: slug, caption: caption, columns: columns, baselineRows: baselineRows))
    }

    /// Where attention overtakes the linear layers in prefill FLOPs.
    func prefillSplit() -> Block {
        let first = evaluation.first
        guard let crossover = first.estimates.first(where: { $0.prefillAttentionFLOPs > $0.prefillLinearFLOPs })?.context else {
            let last = evaluation.first.estimates.last
            let share = last.map { 100 * $0.prefillAttentionFLOPs / $0.prefillFLOPs } ?? 0
            return .paragraph("For \(first.label), attention stays below the linear layers over the whole range: \(Format.fixed(share, significant: 3))% of prefill FLOPs at \(Format.tokens(evaluation.contexts.last ?? 0)) tokens.")
        }
        return .paragraph("For \(first.label), attention FLOPs overtake the linear layers' by \(Format.tokens(crossover)) tokens: beyond it prefill grows quadratically with the prompt.")
    }

    func assumptionBlocks() -> [Block] {
        let study = evaluation.study
        var lines = [
            "Mode: \(study.mode.rawValue) — \(study.mode == .peak ? "datasheet peaks, no efficiency factors: real GPUs are slower (see kvplan calibrate)" : "efficiency factors from the hardware entries are applied")."
        ]
        if evaluation.series.contains(where: { $0.estimates.contains(where: \.beyondMaxContext) }) {
            lines.append("Contexts marked * exceed a model's advertised maximum context; they are extrapolations of the formulas.")
        }
        if evaluation.series.contains(where: { $0.estimates.contains { $0.regime == .offload } }) {
            lines.append("Where not one session fits in HBM (offload regime), decode streams the KV that does not fit over the host link each step, overlapped with compute as in FlexGen.")
        }
        if evaluation.series.contains(where: { $0.estimates.contains { $0.regime == .weightsDoNotFit } }) {
            lines.append("Where the weights alone exceed the HBM of the GPUs, decode and cost are not reported (—).")
        }
        return lines.map { .paragraph($0) }
    }

    /// The formulas behind a quantity, for the first scenario at the shortest and longest context.
    func traces(_ quantity: Quantity) -> Block {
        let quantities = quantity.traces
        let first = evaluation.first
        let contexts = Array(Set([evaluation.contexts.first, evaluation.contexts.last].compactMap { $0 })).sorted()
        let groups = contexts.map { context in
            TraceGroup(
                heading: "\(first.label) at \(Format.tokens(context)) tokens",
                lines: (first.estimates.first { $0.context == context }?.traces ?? []).filter { quantities.contains($0.quantity) }
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
