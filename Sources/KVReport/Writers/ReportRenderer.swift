import KVEstimator
import KVStudy
import KVMarkdown

/// Renders documents: Document → Markdown (report template) → HTML (libcmark) → page (page
/// template). kvplan's own HTML — figures, tables, user prose already rendered in safe mode — is
/// stood in for by placeholders while libcmark runs and put back after, so it is never re-parsed.
public struct ReportRenderer: Sendable {
    public static let kvplanVersion = "0.1.0"

    public let templates: ReportTemplates

    public init(templates: ReportTemplates) {
        self.templates = templates
    }

    /// Where a rendered page finds its figures and downloads.
    public struct Links: Sendable {
        public var figure: @Sendable (Figure) -> String
        public var table: @Sendable (Table) -> String

        public init(figure: @escaping @Sendable (Figure) -> String, table: @escaping @Sendable (Table) -> String) {
            self.figure = figure
            self.table = table
        }
    }

    public enum Target: Sendable { case html, markdown }

    /// Evaluates a study and lays it out.
    public func document(for study: Study, slug: String) throws(EstimatorInputError) -> Document {
        document(for: try StudyEvaluation(study: study), slug: slug)
    }

    /// Lays out an evaluated study.
    public func document(for evaluation: StudyEvaluation, slug: String) -> Document {
        let study = evaluation.study
        let methodology = templates.render(
            MethodologyContext(mode: study.mode.rawValue, outputTokens: study.workload.outputTokens), "methodology")
        return DocumentBuilder.build(evaluation, slug: slug, kvplanVersion: Self.kvplanVersion, methodologyMarkdown: methodology)
    }

    /// The report as Markdown, with placeholders for kvplan's HTML blocks, and those blocks.
    func markdownWithPlaceholders(_ document: Document, target: Target, links: Links) -> (String, [String]) {
        var chunks: [String] = []
        func placeholder(_ html: String) -> String {
            chunks.append(html)
            return "<!--kvplan-block-\(chunks.count - 1)-->"
        }
        let sections = document.sections.map { section in
            SectionContext(id: section.id, title: section.title, blocks: section.blocks.map { block in
                var context = BlockContext()
                switch block {
                case .paragraph(let text): context.paragraph = TextContext(text: text)
                case .html(let html): context.html = ContentContext(content: placeholder(html))
                case .markdown(let markdown): context.markdown = ContentContext(content: markdown)
                case .figure(let figure):
                    context.figure = FigureContext(
                        inlineSVG: target == .html, id: figure.id, number: figure.number, caption: figure.caption,
                        svg: placeholder(figure.svg), href: links.figure(figure))
                case .table(let table):
                    context.table = TableContext(
                        id: table.id, number: table.number, caption: table.caption, csvHref: links.table(table),
                        fileName: table.fileName, html: placeholder(table.html))
                case .traces(let summary, let groups):
                    context.traces = TracesContext(summary: summary, groups: groups.map { group in
                        TraceGroupContext(heading: group.heading, lines: group.lines.map {
                            TraceLineContext(quantity: $0.quantity, formula: $0.formula, substituted: $0.substituted, result: $0.result)
                        })
                    })
                }
                return context
            })
        }
        let context = ReportContext(
            title: document.title, subtitle: document.subtitle,
            descriptionHTML: document.descriptionHTML.isEmpty ? "" : placeholder(document.descriptionHTML),
            hasFindings: !document.findings.isEmpty, findings: document.findings, sections: sections)
        return (templates.render(context, "report"), chunks)
    }

    static func substitute(_ text: String, _ chunks: [String]) -> String {
        var result = text
        for (index, chunk) in chunks.enumerated().reversed() {
            result = result.replacingOccurrences(of: "<!--kvplan-block-\(index)-->", with: chunk)
        }
        return result
    }

    /// GitHub-readable Markdown (figures as linked SVG files).
    public func markdown(_ document: Document, links: Links) -> String {
        let (markdown, chunks) = markdownWithPlaceholders(document, target: .markdown, links: links)
        return Self.tidy(Self.substitute(markdown, chunks))
    }

    /// The report body as HTML: the Markdown through libcmark, kvplan's blocks put back after.
    public func htmlBody(_ document: Document, links: Links) -> String {
        let (markdown, chunks) = markdownWithPlaceholders(document, target: .html, links: links)
        return Self.substitute(Markdown.html(markdown, trust: .trusted), chunks)
    }

    /// The whole page.
    public func page(
        _ document: Document, links: Links, stylesheet: Stylesheet, siteHref: String?, downloads: [(href: String, name: String, label: String)]
    ) -> String {
        var toc = [TocEntry(id: "top", title: "Top")]
        if !document.findings.isEmpty { toc.append(TocEntry(id: "findings", title: "Findings")) }
        toc += document.sections.map { TocEntry(id: $0.id, title: $0.title) }
        let css: (inline: Bool, text: String, href: String) = switch stylesheet {
        case .inline: (true, templates.stylesheet, "")
        case .link(let href): (false, "", href)
        }
        let context = PageContext(
            version: Self.kvplanVersion, title: document.title, inlineCSS: css.inline, css: css.text, cssHref: css.href,
            siteHref: siteHref, toc: toc,
            downloads: downloads.isEmpty ? nil : DownloadsContext(items: downloads.map { DownloadItem(href: $0.href, name: $0.name, label: $0.label) }),
            content: htmlBody(document, links: links),
            studyPath: document.provenance.studyPath, studySHA256: document.provenance.studySHA256,
            catalog: document.provenance.catalogSHA256.map { CatalogHash(name: $0.name, sha256: $0.sha256) },
            calibrated: false)
        return Self.tidy(templates.render(context, "page"))
    }

    public enum Stylesheet: Sendable {
        case inline
        case link(String)
    }

    /// Collapses runs of blank lines and ends with one newline, so output is tidy and stable.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        var blank = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.last == " " ? Substring(String(line).trimmingTrailingSpaces) : line
            if trimmed.isEmpty {
                blank += 1
                if blank > 1 { continue }
            } else {
                blank = 0
            }
            lines.append(trimmed)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}
