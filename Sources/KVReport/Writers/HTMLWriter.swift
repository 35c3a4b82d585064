import KVMarkdown

/// Writes a document's blocks as HTML: prose through libcmark, charts drawn as inline SVG, tables
/// as HTML tables. The report template receives every block finished, so nothing is parsed twice.
enum HTMLWriter {
    /// The report body: the `report` template over the document's blocks, each written here.
    /// `formulasOpen`: the formula boxes expanded (for print and PDF).
    static func body(_ document: Document, templates: ReportTemplates, links: ReportRenderer.Links, formulasOpen: Bool = false) -> String {
        let sections = document.sections.map { section in
            SectionContext(id: section.id, title: section.title, blocks: section.blocks.map { block($0, links: links) })
        }
        let context = ReportContext(
            title: document.title, subtitle: document.subtitle,
            descriptionHTML: document.description.map(prose) ?? "",
            hasFindings: !document.findings.isEmpty, findings: document.findings, sections: sections, formulasOpen: formulasOpen)
        return templates.render(context, "report")
    }

    static func block(_ block: Block, links: ReportRenderer.Links) -> BlockContext {
        var context = BlockContext()
        switch block {
        case .paragraph(let text): context.paragraph = TextContext(text: text)
        case .prose(let text):
            // A study's prose stands apart from what follows; kvplan's own runs on.
            let html = prose(text)
            context.prose = ContentContext(content: text.source == .study ? html : String(html.dropLast(html.hasSuffix("\n") ? 1 : 0)))
        case .figure(let figure):
            context.figure = FigureContext(id: figure.id, number: figure.number, caption: figure.caption, svg: svg(figure))
        case .table(let table):
            context.table = TableContext(
                id: table.id, number: table.number, caption: table.caption, csvHref: links.table(table), fileName: table.fileName,
                html: Self.table(table), wide: table.columns.count > 6)
        case .traces(let summary, let groups):
            context.traces = TracesContext(summary: summary, groups: groups.map { group in
                TraceGroupContext(heading: group.heading, lines: group.lines)
            })
        }
        return context
    }

    /// Markdown through libcmark: a study's prose in safe mode unless it allows HTML (and even
    /// then without dangerous URLs).
    static func prose(_ prose: Prose) -> String {
        Markdown.html(prose.markdown, trust: prose.markdownTrust)
    }

    /// A figure's chart as SVG (its strings escaped by the chart component).
    static func svg(_ figure: Figure) -> String {
        switch figure.chart {
        case .line(let chart): chart.svg(id: figure.chartID)
        case .bars(let chart): chart.svg(id: figure.chartID)
        case .roofline(let chart): chart.svg(id: figure.chartID)
        }
    }

    /// A table: headers with their units, numbers right aligned, baseline rows marked, sources linked.
    static func table(_ table: Table) -> String {
        let (columns, rows, baselineRows) = (table.columns, table.rows, table.baselineRows)
        // Short text stays on one line; long text (notes, citations) wraps in a column wide enough to read.
        let classes = columns.indices.map { index -> String in
            if columns[index].numeric { return "num" }
            if columns[index].sources { return "source" }
            let longest = rows.map { index < $0.count ? $0[index].count : 0 }.max() ?? 0
            return longest > 32 ? "prose" : "text"
        }
        var lines = ["<div class=\"table-scroll\"><table>", "<thead><tr>"]
        for (column, cls) in zip(columns, classes) {
            lines.append("<th scope=\"col\" class=\"\(cls)\">\(xmlEscaped(column.title))</th>")
        }
        lines.append("</tr></thead>")
        lines.append("<tbody>")
        for (index, row) in rows.enumerated() {
            lines.append(baselineRows.contains(index) ? "<tr class=\"baseline\">" : "<tr>")
            for (cls, cell) in zip(classes, row) {
                let content = cls == "source" ? linkedSources(cell) : xmlEscaped(cell)
                lines.append("<td class=\"\(cls)\">\(content)</td>")
            }
            lines.append("</tr>")
        }
        lines.append("</tbody></table></div>")
        return lines.joined(separator: "\n")
    }

    /// A source cell: each `https://` address becomes a link named by its host, the rest stays
    /// text. Only http(s) addresses are linked, so a study cannot smuggle in a `javascript:` URL.
    static func linkedSources(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            let token = String(word)
            guard token.hasPrefix("https://") || token.hasPrefix("http://"),
                  let host = token.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first else {
                return xmlEscaped(token)
            }
            return "<a href=\"\(xmlEscaped(token))\">\(xmlEscaped(String(host)))</a>"
        }.joined(separator: " ")
    }
}
