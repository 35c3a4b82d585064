import Foundation
import KVEstimator
import KVStudy

/// The static site of a set of studies: `index.html` (every study with its headline figure), one
/// page per study, the shared stylesheet and each study's data (CSV per table, JSON of all
/// results); or, with `singleFile`, one self-contained page per study. Returns the files as
/// relative path → bytes; writing them is `OutputDirectory`'s job.
public struct Site {
    public struct Options: Sendable {
        public var singleFile = false
        /// Also write GitHub-readable Markdown reports (with their figures as SVG files).
        public var markdown = false
        /// Pages made for print (PDF): formula boxes expanded.
        public var formulasOpen = false

        public init(singleFile: Bool = false, markdown: Bool = false, formulasOpen: Bool = false) {
            self.singleFile = singleFile
            self.markdown = markdown
            self.formulasOpen = formulasOpen
        }
    }

    public let renderer: ReportRenderer
    public let options: Options

    public init(renderer: ReportRenderer, options: Options) {
        self.renderer = renderer
        self.options = options
    }

    public func files(for studies: [Study]) throws(EstimatorInputError) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        var entries: [IndexEntry] = []
        let slugs = Self.slugs(for: studies.map(\.path))
        for (study, slug) in zip(studies, slugs) {
            let evaluation = try StudyEvaluation(study: study)
            let document = renderer.document(for: evaluation, slug: slug)
            let json = Self.resultsJSON(evaluation)
            if options.singleFile {
                let links = ReportRenderer.Links(figure: { $0.fileName }, table: { Self.dataURI(CSVWriter.write($0), type: "text/csv") })
                let page = renderer.page(
                    document, links: links, stylesheet: .inline, siteHref: nil,
                    downloads: [(Self.dataURI(json, type: "application/json"), "\(slug).json", "all results (JSON)")],
                    formulasOpen: options.formulasOpen)
                files["\(slug).html"] = Array(page.utf8)
            } else {
                let links = ReportRenderer.Links(figure: { "\(slug)/\($0.fileName)" }, table: { "\(slug)/\($0.fileName)" })
                files["\(slug).html"] = Array(renderer.page(
                    document, links: links, stylesheet: .link("style.css"), siteHref: "index.html",
                    downloads: [("\(slug)/\(slug).json", "\(slug).json", "all results (JSON)")]).utf8)
                for table in document.tables { files["\(slug)/\(table.fileName)"] = Array(CSVWriter.write(table).utf8) }
                files["\(slug)/\(slug).json"] = Array(json.utf8)
                entries.append(IndexEntry(
                    href: "\(slug).html", title: document.title, subtitle: document.subtitle, headline: document.headline,
                    figure: document.headlineFigure.map { IndexFigure(svg: HTMLWriter.svg($0), caption: $0.caption) }))
            }
            if options.markdown {
                let links = ReportRenderer.Links(figure: { "\(slug)/\($0.fileName)" }, table: { "\(slug)/\($0.fileName)" })
                files["\(slug).md"] = Array(renderer.markdown(document, links: links).utf8)
                for figure in document.figures { files["\(slug)/\(figure.fileName)"] = Array(HTMLWriter.svg(figure).utf8) }
                for table in document.tables { files["\(slug)/\(table.fileName)"] = Array(CSVWriter.write(table).utf8) }
            }
        }
        if !options.singleFile {
            files["style.css"] = Array(renderer.templates.stylesheet.utf8)
            let index = IndexContext(version: ReportRenderer.kvplanVersion, title: "kvplan studies", cssHref: "style.css", count: entries.count,
                                     countText: entries.count == 1 ? "1 study" : "\(entries.count) studies", studies: entries)
            files["index.html"] = Array(ReportRenderer.tidy(renderer.templates.render(index, "index")).utf8)
        }
        return files
    }

    /// File stems from study paths (`examples/yi.study.yaml` → `yi`), made unique.
    public static func slugs(for paths: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return paths.map { path in
            var stem = (path as NSString).lastPathComponent
            for suffix in [".study.yaml", ".study.yml", ".yaml", ".yml"] where stem.hasSuffix(suffix) {
                stem = String(stem.dropLast(suffix.count))
                break
            }
            var slug = String(stem.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
            if slug.isEmpty || slug == "index" || slug == "style" { slug = "study-" + slug }
            let count = seen[slug, default: 0] + 1
            seen[slug] = count
            return count == 1 ? slug : "\(slug)-\(count)"
        }
    }

    /// Every estimate of a study as one JSON document (keys as `kvplan estimate --json`).
    static func resultsJSON(_ evaluation: StudyEvaluation) -> String {
        let study = evaluation.study
        let rows = evaluation.series.flatMap { series in
            series.estimates.map { estimate in
                JSONValue.object([("series", .string(series.label))] + EstimateRecord.fields(series.scenario, estimate) + ComparableRecord.fields(estimate))
            }
        }
        let document = JSONValue.object([
            ("kvplan", .string(ReportRenderer.kvplanVersion)),
            ("study", .string(study.title)),
            ("path", .string(study.path)),
            ("study_sha256", .string(SHA256.hex(study.text))),
            ("baseline_context", .integer(study.baseline.context)),
            ("baseline_compression", .string(study.baseline.compression.name)),
            ("estimates", .array(rows)),
        ])
        return document.text + "\n"
    }

    static func dataURI(_ text: String, type: String) -> String {
        "data:\(type);charset=utf-8;base64,\(Data(text.utf8).base64EncodedString())"
    }
}
