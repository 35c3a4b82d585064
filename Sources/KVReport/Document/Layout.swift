import KVEstimator
import KVStudy

/// What every section lays out from — the evaluated study, how figures read — and the numbering
/// of figures and tables, which runs across sections in page order (hence a reference type).
final class Layout {
    let evaluation: StudyEvaluation
    let format: Format
    /// The page's file stem; tables and figures are named after it.
    let slug: String
    /// The methodology prose, rendered from the `methodology` template.
    let methodologyMarkdown: String
    private(set) var figureCount = 0
    private(set) var tableCount = 0

    init(evaluation: StudyEvaluation, slug: String, methodologyMarkdown: String) {
        self.evaluation = evaluation
        self.format = Format(sizeUnits: evaluation.study.units)
        self.slug = slug
        self.methodologyMarkdown = methodologyMarkdown
    }

    /// Numbers the next figure; its chart is unique across a site, so it can also appear on the index page.
    func figure(caption: String, chart: Chart, topic: Topic) -> Block {
        figureCount += 1
        return .figure(Figure(
            number: figureCount, id: "figure-\(figureCount)", chartID: "\(slug)-figure-\(figureCount)", caption: caption,
            chart: chart, fileName: "\(slug)-figure-\(figureCount).svg", topic: topic))
    }

    /// Numbers the next table.
    func table(caption: String, columns: [TableBuilder.Column], baselineRows: Set<Int> = [], allRows: Table.Values? = nil, showsEveryRow: Bool = false) -> Table {
        tableCount += 1
        return TableBuilder.table(number: tableCount, slug: slug, caption: caption, columns: columns, baselineRows: baselineRows, allRows: allRows, showsEveryRow: showsEveryRow)
    }

    /// A study's prose, trusted only with `allow_html`.
    func userProse(_ markdown: String) -> Prose {
        Prose(markdown: markdown, source: .study, trusted: evaluation.study.allowHTML)
    }

    /// A chart cell's figure (or the default layout's): its quantity against context, or the
    /// memory stack, or the roofline.
    func chart(_ kind: ChartCell.Kind, cell: ChartCell? = nil) -> Block {
        let charts = ChartFactory(
            evaluation: evaluation, format: format, contextScale: cell?.scale == .linear ? .linear : .log,
            x: cell?.x ?? .context, seriesDimension: cell?.series, at: cell?.at)
        let made: (caption: String, chart: Chart)?, topic: Topic
        switch (kind, kind.quantity) {
        case (_, let key?): (made, topic) = (charts.quantityChart(evaluation.quantity(key)), .quantity(key))
        case (.memory, nil): (made, topic) = (charts.memoryChart(), .memory)
        case (.roofline, nil): (made, topic) = (charts.rooflineChart(), .roofline)
        default: (made, topic) = (nil, .note)
        }
        guard let made else {
            return .paragraph("This study has nothing to draw for this chart (it needs a mixed workload or measurements).")
        }
        return figure(caption: cell?.title ?? made.caption, chart: made.chart, topic: topic)
    }

    /// One session's KV cache per scenario, when the study compares several.
    func kvSessionFigure() -> [Block] {
        let charts = ChartFactory(evaluation: evaluation, format: format, contextScale: .log)
        return charts.kvSessionBars().map { [figure(caption: $0.caption, chart: $0.chart, topic: .kvSession)] } ?? []
    }

    // MARK: Tables

    /// Context down the side, one column per scenario (plus an optional second quantity).
    func quantityTable(_ quantity: Quantity, also second: Quantity? = nil, title: String? = nil) -> Block {
        let contexts = evaluation.contexts
        let maxContexts = evaluation.series.map { $0.scenario.model.maxContext ?? .max }
        let quantities = [quantity] + (second.map { [$0] } ?? [])
        var columns = [TableBuilder.Column(
            title: "context (tokens)", numeric: true, count: contexts.count,
            shown: { row in
                let context = contexts[row]
                return Format.tokens(context) + (maxContexts.contains { context > $0 } && maxContexts.allSatisfy { context > $0 } ? " *" : "")
            },
            raw: { String(contexts[$0]) })]
        for series in evaluation.series {
            for quantity in quantities {
                let estimates = series.estimates
                columns.append(TableBuilder.Column(
                    title: "\(series.label)\(second == nil ? "" : " — \(Self.columnName(quantity))") (\(quantity.unit))",
                    numeric: true, count: estimates.count,
                    shown: { row in
                        let estimate = estimates[row]
                        guard let value = quantity.value(estimate) else { return "—" }
                        return quantity.formatted(value) + (estimate.beyondMaxContext ? " *" : "")
                            + ([.concurrency, .concurrencySustained].contains(quantity.key) && estimate.regime == .offload ? " (offload)" : "")
                            + (quantity.key == .decodeThroughput ? " (batch \(estimate.decodeBatch))" : "")
                    },
                    raw: { TableBuilder.raw(quantity.value(estimates[$0])) }))
            }
        }
        let baselineRows = Set(contexts.enumerated().filter { $0.element == evaluation.study.baseline.context }.map(\.offset))
        let caption = (title ?? "\(quantity.name)\(second.map { " and \($0.name.lowercased())" } ?? "") by context length")
            + beyondMaxContextNote
        // A large study's CSV: every context, a column per series and quantity, streamed from the sweep.
        let allRows = evaluation.sweep.map { sweep in
            Table.Values(count: sweep.contexts.count) { range, body in
                try sweep.forEachContext(in: range) { context, estimates in
                    try body([.text(String(context))] + estimates.flatMap { e in quantities.map { .number($0.value(e)) } })
                }
            }
        }
        return .table(table(caption: caption, columns: columns, baselineRows: baselineRows, allRows: allRows))
    }

    /// What the caption of a table by scenario and context adds when the study is laid out at a
    /// spread of its contexts and the table's CSV holds only those.
    var laidOutNote: String {
        guard let sweep = evaluation.sweep else { return "" }
        return "; at \(Format.integer(evaluation.contexts.count)) of the study's \(Format.integer(sweep.contexts.count)) contexts (every point is in the appendix's CSV and the JSON)"
    }

    /// What a table's caption adds when some of its contexts exceed a model's maximum context.
    var beyondMaxContextNote: String {
        evaluation.series.contains { $0.estimates.contains(where: \.beyondMaxContext) } ? "; * beyond the model's maximum context" : ""
    }

    /// A quantity at one context across the entries of a dimension: one row per entry of `x`, one
    /// column per combination of the other dimensions the study varies; the context is `at`, else
    /// the longest within every model's maximum, and the caption says which.
    func quantityTable(_ quantity: Quantity, across x: ChartCell.Dimension, at: Int?, title: String?) -> Block {
        let charts = ChartFactory(evaluation: evaluation, format: format, contextScale: .log)
        let context = at ?? charts.reachContext
        let index = evaluation.contexts.firstIndex(of: context) ?? evaluation.contexts.count - 1
        let rows = charts.names(x)
        let others = [ChartCell.Dimension.model, .hardware, .compression].filter { $0 != x && charts.names($0).count > 1 }
        let modes = evaluation.study.modes.count > 1
        let columnName = { (series: StudyEvaluation.ScenarioSeries) -> String in
            (others.map { ChartFactory.name(series.scenario, $0) } + (modes ? [series.scenario.mode.rawValue] : []))
                .joined(separator: " · ")
        }
        var columnNames: [String] = []
        for series in evaluation.series where !columnNames.contains(columnName(series)) { columnNames.append(columnName(series)) }
        var columns = [TableBuilder.Column(title: x.rawValue, numeric: false, shown: rows, raw: rows)]
        for name in columnNames {
            let estimates = rows.map { row in
                evaluation.series.first { ChartFactory.name($0.scenario, x) == row && columnName($0) == name }?.estimates[index]
            }
            columns.append(TableBuilder.Column(
                title: "\(name.isEmpty ? quantity.name.lowercased() : name) (\(quantity.unit))", numeric: true,
                shown: estimates.map { estimate in
                    guard let estimate, let value = quantity.value(estimate) else { return "—" }
                    return quantity.formatted(value) + (estimate.beyondMaxContext ? " *" : "")
                },
                raw: estimates.map { $0.flatMap(quantity.value).map { TableBuilder.raw($0) } ?? "" }))
        }
        let beyond = evaluation.series.contains { $0.estimates[index].beyondMaxContext } ? "; * beyond the model's maximum context" : ""
        let caption = (title ?? "\(quantity.name) by \(x.rawValue)") + " at \(Format.tokens(context)) tokens" + beyond
        return .table(table(caption: caption, columns: columns))
    }

    /// A quantity's short name beside another in one table.
    static func columnName(_ quantity: Quantity) -> String {
        switch quantity.key {
        case .decode: "alone"
        case .decodeStep: "step"
        case .decodeThroughput: "at the batch that fits"
        case .concurrency: "admitted at n"
        case .concurrencySustained: "through n + m"
        default: quantity.name.lowercased()
        }
    }

    /// The formulas behind a quantity, for the first scenario at the shortest and longest context.
    func traces(_ quantity: Quantity) -> Block { traces([quantity]) }

    /// The formulas behind some quantities, for the primary scenario at the shortest and longest context.
    func traces(_ quantities: [Quantity]) -> Block { traces(titles: quantities.flatMap(\.traces)) }

    /// The formula traces with these titles, for one scenario (the primary one unless given) at
    /// the shortest and longest context.
    func traces(titles quantities: [String], of series: StudyEvaluation.ScenarioSeries? = nil) -> Block {
        let first = series ?? evaluation.primary
        let contexts = Array(Set([evaluation.contexts.first, evaluation.contexts.last].compactMap { $0 })).sorted()
        let groups = contexts.map { context in
            TraceGroup(
                heading: "\(first.scenario.model.label) on \(first.scenario.hardware.label)\(evaluation.study.compressions.count > 1 ? ", \(first.scenario.compression.label)" : "")\(evaluation.study.modes.count > 1 ? ", \(first.scenario.mode.rawValue)" : "") at \(Format.tokens(context)) tokens\(context > first.scenario.model.contextLimit ? " (beyond the model's maximum: an extrapolation)" : "")",
                lines: (first.estimates.first { $0.context == context }?.traces ?? []).filter { quantities.contains($0.quantity) })
        }
        return .traces(summary: "Formulas with this study's values", traces: groups)
    }
}
