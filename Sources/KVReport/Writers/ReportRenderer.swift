import KVEstimator
import KVStudy

/// Renders documents: lays an evaluated study out as a `Document`, then writes it as an HTML page
/// (`HTMLWriter` through the report and page templates) or as Markdown (`MarkdownWriter`).
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

    /// GitHub-readable Markdown (figures as linked SVG files).
    public func markdown(_ document: Document, links: Links) -> String {
        MarkdownWriter.write(document, links: links)
    }

    /// The report body as HTML.
    public func htmlBody(_ document: Document, links: Links, formulasOpen: Bool = false) -> String {
        HTMLWriter.body(document, templates: templates, links: links, formulasOpen: formulasOpen)
    }

    /// The whole page.
    public func page(
        _ document: Document, links: Links, stylesheet: Stylesheet, siteHref: String?, downloads: [(href: String, name: String, label: String)],
        formulasOpen: Bool = false
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
            content: htmlBody(document, links: links, formulasOpen: formulasOpen),
            studyPath: document.provenance.studyPath, studySHA256: document.provenance.studySHA256,
            catalog: document.provenance.catalogSHA256.map { CatalogHash(name: $0.name, sha256: $0.sha256) },
            calibrated: document.calibrated)
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
