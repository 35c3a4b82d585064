import KVStudy
import Yams

extension StudyReader {
    /// Most cells, and most chart cells, one notebook may hold (each chart is laid out and drawn).
    static let cellLimit = 200
    static let chartLimit = 60

    /// `cells`: the notebook, in order. Each cell is a map with exactly one of `markdown`,
    /// `chart`, `table`, `methodology` or `formulas`; a chart may add `x`, `series`, `scale`,
    /// `title` and `at`, a table `title`.
    func cells(_ study: MapReader, hasMeasurements: Bool, contexts: [Int]?) -> [Cell]? {
        guard let node = study.value("cells") else { return nil }
        guard case .sequence(let items) = node else {
            source.error(at: node, "`cells` expects a list of cells (`- markdown: …`, `- chart: …`, `- table: …`), found \(node.kindName)")
            return nil
        }
        guard items.count <= Self.cellLimit else {
            source.error(at: items[Self.cellLimit], "`cells` has \(Units.written(items.count)) cells, over the limit of \(Self.cellLimit): split the notebook into several studies")
            return nil
        }
        let charts = items.filter { item in
            if case .mapping(let map) = item { map.contains { $0.key.scalarText == "chart" } } else { false }
        }
        guard charts.count <= Self.chartLimit else {
            source.error(at: charts[Self.chartLimit], "`cells` has \(charts.count) charts, over the limit of \(Self.chartLimit): split the notebook into several studies")
            return nil
        }
        let cells = items.compactMap { cell($0, hasMeasurements: hasMeasurements, contexts: contexts) }
        return cells.count == items.count ? cells : nil
    }

    private func cell(_ node: Node, hasMeasurements: Bool, contexts: [Int]?) -> Cell? {
        guard let map = MapReader(node, schema: Schema.cell, source: source, what: "a cell") else { return nil }
        let kinds = map.entries.filter { ["markdown", "chart", "table", "methodology", "formulas"].contains($0.key) }
        guard let kind = kinds.first else {
            source.error(at: node, "a cell needs one of `markdown`, `chart`, `table`, `methodology` or `formulas`")
            return nil
        }
        for extra in kinds.dropFirst() {
            source.error(at: extra.keyNode, "a cell holds one thing: this one is already a `\(kind.key)` cell, so `\(extra.key)` belongs in a cell of its own")
        }
        let allowed: Set<String> = switch kind.key {
        case "chart": ["chart", "x", "series", "scale", "title", "at"]
        case "table": ["table", "title", "x", "at"]
        default: [kind.key]
        }
        for entry in map.entries where !allowed.contains(entry.key) && !kinds.contains(where: { $0.key == entry.key }) {
            source.error(at: entry.keyNode, "`\(entry.key)` does not apply to a \(kind.key) cell"
                + (kind.key == "markdown" && entry.key == "title" ? " (write a heading in the prose)" : ""))
        }
        guard kinds.count == 1, map.entries.allSatisfy({ allowed.contains($0.key) }) else { return nil }

        /// What a chart and a table both check: `at` is one of the study's contexts, and a
        /// `measured` one needs the study's measurements.
        func contextAndMeasurementsFit(at: Int?, measured: Bool, key: String) -> Bool {
            if let at, let contexts, !contexts.contains(at) {
                source.error(at: map.value("at")!, "`at` must be one of the study's contexts (\(contexts.map(String.init).joined(separator: ", ")))")
                return false
            }
            guard !measured || hasMeasurements else {
                source.error(at: map.value(key)!, "a `measured` \(key) needs the study's `measurements`")
                return false
            }
            return true
        }

        switch kind.key {
        case "chart":
            let chartKind = map.choice("chart", ChartCell.Kind.allCases.map(\.rawValue)).flatMap(ChartCell.Kind.init(rawValue:))
            let dimensions = ChartCell.Dimension.allCases.map(\.rawValue)
            let x = map.choice("x", dimensions).flatMap(ChartCell.Dimension.init(rawValue:))
            let series = map.choice("series", dimensions).flatMap(ChartCell.Dimension.init(rawValue:))
            let scale = map.choice("scale", ChartCell.Scale.allCases.map(\.rawValue)).flatMap(ChartCell.Scale.init(rawValue:))
            let title = map.string("title")
            let at = map.tokens("at")
            if let series, series == (x ?? .context) {
                source.error(at: map.value("series")!, "`series` is the same dimension as `x` (`\(series.rawValue)`): pick another")
                return nil
            }
            // A key that is present but read as nil was wrong, and is already reported.
            guard let chartKind, map.has("x") == (x != nil), map.has("series") == (series != nil),
                  map.has("scale") == (scale != nil), map.has("title") == (title != nil), map.has("at") == (at != nil) else { return nil }
            if let at, (x ?? .context) == .context {
                source.error(at: map.value("at")!, "`at: \(at)` picks the context of a chart whose x is not context; this chart's x is context")
                return nil
            }
            guard contextAndMeasurementsFit(at: at, measured: chartKind == .measured, key: "chart") else { return nil }
            return .chart(ChartCell(kind: chartKind, x: x ?? .context, series: series, scale: scale ?? .log, title: title, at: at))
        case "table":
            let tableKind = map.choice("table", TableCell.Kind.allCases.map(\.rawValue)).flatMap(TableCell.Kind.init(rawValue:))
            let title = map.string("title")
            let x = map.choice("x", ChartCell.Dimension.allCases.map(\.rawValue)).flatMap(ChartCell.Dimension.init(rawValue:))
            let at = map.tokens("at")
            guard let tableKind, map.has("title") == (title != nil), map.has("x") == (x != nil), map.has("at") == (at != nil) else { return nil }
            if let x, x != .context, tableKind.quantity == nil {
                source.error(at: map.value("x")!, "`x: \(x.rawValue)` applies to the tables of one figure (concurrency, prefill, decode, switching, cost), not to `\(tableKind.rawValue)`")
                return nil
            }
            if at != nil, (x ?? .context) == .context {
                source.error(at: map.value("at")!, "`at` picks the context of a table whose `x` is not context; add `x: model`, `x: hardware` or `x: compression`")
                return nil
            }
            guard contextAndMeasurementsFit(at: at, measured: tableKind == .measured, key: "table") else { return nil }
            return .table(TableCell(kind: tableKind, title: title, x: x ?? .context, at: at))
        case "methodology":
            guard let shown = map.bool("methodology") else { return nil }
            if !shown { source.error(at: map.value("methodology")!, "`methodology: false` shows nothing: leave the cell out") }
            return shown ? .methodology : nil
        case "formulas":
            return map.choice("formulas", FormulasCell.allCases.map(\.rawValue)).flatMap(FormulasCell.init(rawValue:)).map(Cell.formulas)
        default:
            return map.string("markdown").map(Cell.markdown)
        }
    }
}
