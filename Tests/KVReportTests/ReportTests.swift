import Foundation
import Testing
import KVEstimator
import KVStudy
@testable import KVLoader
@testable import KVReport
import KVTemplates

/// Rendering studies: safety, determinism, self-containment, and the templates' names.
@Suite("Reports")
struct ReportTests {
    static let catalog = try! Catalog.builtIn().get()

    static func study(_ yaml: String, path: String = "test.study.yaml") -> Study {
        let (study, log) = StudyLoader(catalog: catalog).load(text: yaml, path: path)
        guard let study else { fatalError(log.diagnostics.map(\.rendered).joined(separator: "\n")) }
        return study
    }

    static let paperExample = study("""
        title: Yi-34B on one A100
        models: [yi-34b-200k]
        hardware: [a100-80gb-sxm]
        compression: [none, kivi-2bit]
        contexts: [4K, 50_000, 100_000]
        """)

    static func site(_ studies: [Study], singleFile: Bool = false, markdown: Bool = false) throws -> [String: [UInt8]] {
        let renderer = ReportRenderer(templates: try ReportTemplates())
        return try Site(renderer: renderer, options: Site.Options(singleFile: singleFile, markdown: markdown)).files(for: studies)
    }

    static func text(_ files: [String: [UInt8]], _ path: String) -> String {
        String(decoding: files[path] ?? [], as: UTF8.self)
    }

    @Test func aStudyPageHasAChartPerChallengeTablesWithCSVAndTheIndexLinksIt() throws {
        let files = try Self.site([Self.paperExample])
        let page = Self.text(files, "test.html")
        for section in ["prefill", "concurrency", "decode", "switching"] {
            let start = try #require(page.range(of: "<h2 id=\"\(section)\""))
            let rest = page[start.upperBound...]
            let end = rest.range(of: "<h2 ")?.lowerBound ?? rest.endIndex
            let body = rest[..<end]
            #expect(body.contains("<svg"), "no chart in \(section)")
            #expect(body.contains("<title"), "no chart title in \(section)")
            #expect(body.contains(".csv\" download"), "no CSV download in \(section)")
        }
        let csvFiles = files.keys.filter { $0.hasSuffix(".csv") }
        #expect(csvFiles.count >= 5)
        #expect(Self.text(files, "index.html").contains("href=\"test.html\""))
        // The numbers come from the estimator: the paper example's 17 sessions at 4K.
        #expect(page.contains("instead of 17 at 4K"))
    }

    @Test func aMixedWorkloadAddsTheSharingSection() throws {
        let mixed = Self.study("""
            title: Shared
            models: [llama-3.1-8b]
            hardware: [h100-sxm]
            contexts: [8K, 32K, 128K]
            workload: {users: 16, short_context: 2K, long_fraction: 0.1, arrival_rate: 1}
            """)
        let page = Self.text(try Self.site([mixed]), "test.html")
        let start = try #require(page.range(of: "<h2 id=\"sharing\""))
        let section = page[start.upperBound...]
        #expect(section.components(separatedBy: "<svg").count - 1 >= 3)
        #expect(section.contains("Sharing the GPU by context of the long requests"))
        #expect(page.contains("for its first token on average"))
        #expect(!Self.text(try Self.site([Self.paperExample]), "test.html").contains("id=\"sharing\""))
    }

    @Test func chartCellsHonourTheirXAndSeries() throws {
        let notebook = Self.study("""
            title: Notebook
            models: [llama-3.1-8b, mistral-7b]
            hardware: [h100-sxm]
            compression: [none, kivi-2bit]
            contexts: [4K, 16K, 32K]
            cells:
              - chart: concurrency
                x: compression
              - chart: decode
                series: compression
                scale: linear
            """)
        let page = Self.text(try Self.site([notebook]), "test.html")
        let figures = page.components(separatedBy: "<figure id=\"figure-").dropFirst().map { String($0.components(separatedBy: "</figure>")[0]) }
        #expect(figures.count == 2)
        // Bars across the compressions, one bar per context.
        #expect(figures[0].contains("kv-bar-chart"))
        #expect(figures[0].contains(">kivi-2bit<") && figures[0].contains(">32K tokens<"))
        // Lines per compression for the first model only, named by compression.
        #expect(figures[1].contains("kv-line-chart"))
        let svg = figures[1].components(separatedBy: "<figcaption>")[0], caption = figures[1].components(separatedBy: "<figcaption>")[1]
        #expect(figures[1].contains(">kivi-2bit<") && !svg.contains("mistral-7b"))
        // What the chart leaves out is said, never dropped silently.
        #expect(caption.contains("model llama-3.1-8b only; not shown: mistral-7b"))
    }

    @Test func publishedFiguresStandBesideKvplansOwn() throws {
        let study = Self.study("""
            title: Paper
            models: [yi-34b-200k]
            hardware: [a100-80gb-sxm]
            contexts: [4K, 50_000]
            references:
              - {quantity: concurrency, context: 4K, value: 20, source: "Fu 2024"}
              - {quantity: prefill_seconds, context: 50_000, value: 14.1, source: "Fu 2024", note: linear only}
            """)
        let files = try Self.site([study])
        let page = Self.text(files, "test.html")
        let start = try #require(page.range(of: "<h2 id=\"published\""))
        let section = page[start.upperBound...].components(separatedBy: "<h2 ")[0]
        #expect(section.contains("<td class=\"num\">20</td>\n<td class=\"num\">17</td>\n<td class=\"num\">-15.0</td>"))
        #expect(section.contains("<td class=\"num\">14.1 s</td>\n<td class=\"num\">17.6 s</td>"))
        let csv = Self.text(files, "test/test-table-1.csv")
        #expect(csv.hasPrefix("quantity,scenario,context (tokens),published,kvplan,difference (%),published in,note\nconcurrency,yi-34b-200k,4096,20,17,-15,"))
    }

    @Test func renderingTwiceIsByteIdentical() throws {
        let first = try Self.site([Self.paperExample], markdown: true)
        let second = try Self.site([Self.paperExample], markdown: true)
        #expect(first == second)
    }

    @Test func aSingleFileReferencesNoOtherFile() throws {
        let files = try Self.site([Self.paperExample], singleFile: true)
        #expect(files.keys.sorted() == ["test.html"])
        let page = Self.text(files, "test.html")
        #expect(page.contains("<style>"))
        #expect(!page.contains("<link"))
        #expect(!page.contains("src=\""))
        // Every href is an in-page anchor, a data: URI, or a cited web source — never a file beside it.
        var rest = Substring(page)
        while let range = rest.range(of: "href=\"") {
            rest = rest[range.upperBound...]
            #expect(rest.hasPrefix("#") || rest.hasPrefix("data:") || rest.hasPrefix("https://"), "reference to a file: \(rest.prefix(40))")
        }
    }

    @Test func scriptInTitleAndRawHTMLInProseAreNeutralised() throws {
        let hostile = Self.study("""
            title: "<script>alert(1)</script>"
            description: |
              Hello <img src=x onerror=alert(2)> and <script>alert(3)</script>
              [click](javascript:alert(4))
            models: [{preset: llama-3.1-8b, name: "<b>m</b>"}]
            hardware: [h100-sxm]
            contexts: [4K, 8K]
            cells:
              - markdown: "# Notes\\n\\nfine *text*\\n\\n<iframe src='https://evil.example'></iframe>"
              - chart: concurrency
              - table: concurrency
            """)
        let files = try Self.site([hostile], markdown: true)
        for (path, bytes) in files where path.hasSuffix(".html") || path.hasSuffix(".md") || path.hasSuffix(".svg") {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("<script"), "\(path) holds a script tag")
            #expect(!text.contains("<img"), "\(path) holds the injected img")
            #expect(!text.contains("<iframe"), "\(path) holds the injected iframe")
            #expect(!text.contains("javascript:"), "\(path) holds a javascript: URL")
            #expect(!text.contains("<b>m</b>"), "\(path) holds the unescaped model name")
        }
        let page = Self.text(files, "test.html")
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("<em>text</em>"))
    }

    @Test func allowHTMLLetsTheAuthorsHTMLThrough() throws {
        let trusted = Self.study("""
            title: Trusted
            description: "A <abbr title=\\"key-value\\">KV</abbr> cache."
            allow_html: true
            models: [llama-3.1-8b]
            hardware: [h100-sxm]
            contexts: [4K]
            """)
        #expect(Self.text(try Self.site([trusted]), "test.html").contains("<abbr title=\"key-value\">KV</abbr>"))
    }

    @Test func everyNameTheDefaultTemplatesUseExistsInTheirContext() throws {
        // swift-mustache renders a missing name as nothing; catch that here instead.
        let contexts: [String: [Any.Type]] = [
            "report": [ReportContext.self, SectionContext.self, BlockContext.self, TextContext.self, ContentContext.self,
                       FigureContext.self, TableContext.self, TracesContext.self, TraceGroupContext.self, FormulaTrace.self],
            "page": [PageContext.self, TocEntry.self, DownloadsContext.self, DownloadItem.self, CatalogHash.self],
            "index": [IndexContext.self, IndexEntry.self, IndexFigure.self],
            "methodology": [MethodologyContext.self],
        ]
        for (name, types) in contexts {
            let template = try #require(DefaultTemplates.mustache[name])
            let known = Set(types.flatMap(Self.fieldNames)).union(["."])
            for tag in Self.tagNames(template) {
                #expect(known.contains(tag), "template \(name) uses `\(tag)`, which its context lacks")
            }
        }
    }

    @Test func theTemplateCheckCatchesAMissingName() {
        #expect(Self.tagNames("{{#a}}{{b}}{{{c}}}{{/a}}{{^d}}x{{/d}}{{! comment }}") == ["a", "b", "c", "d"])
        #expect(!Set(Self.fieldNames(TextContext.self)).contains("nope"))
    }

    /// Names of `{{x}}`, `{{{x}}}`, `{{#x}}`, `{{^x}}` tags (not comments or closing tags).
    static func tagNames(_ template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if tag.hasPrefix("{") { tag.removeFirst() }
            if let first = tag.first, "/!>".contains(first) { continue }
            if let first = tag.first, "#^&".contains(first) { tag.removeFirst() }
            let name = tag.trimmingCharacters(in: .whitespaces)
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    static func fieldNames(_ type: Any.Type) -> [String] {
        // Mirror needs an instance; the contexts' stored properties are read from a blank one.
        return Mirror(reflecting: Blank.of(type)).children.compactMap(\.label)
    }
}

/// Blank values of the template contexts, for reading their property names through Mirror.
enum Blank {
    static func of(_ type: Any.Type) -> Any {
        switch type {
        case is ReportContext.Type:
            ReportContext(title: "", subtitle: "", descriptionHTML: "", hasFindings: false, findings: [], sections: [], formulasOpen: false)
        case is SectionContext.Type: SectionContext(id: "", title: "", blocks: [])
        case is BlockContext.Type: BlockContext()
        case is TextContext.Type: TextContext(text: "")
        case is ContentContext.Type: ContentContext(content: "")
        case is FigureContext.Type: FigureContext(id: "", number: 0, caption: "", svg: "")
        case is TableContext.Type: TableContext(id: "", number: 0, caption: "", csvHref: "", fileName: "", html: "", wide: false)
        case is TracesContext.Type: TracesContext(summary: "", groups: [])
        case is TraceGroupContext.Type: TraceGroupContext(heading: "", lines: [])
        case is FormulaTrace.Type: FormulaTrace("", "", "", "")
        case is PageContext.Type:
            PageContext(version: "", title: "", inlineCSS: false, css: "", cssHref: "", siteHref: nil, toc: [], downloads: nil,
                        content: "", studyPath: "", studySHA256: "", catalog: [], calibrated: false)
        case is TocEntry.Type: TocEntry(id: "", title: "")
        case is DownloadsContext.Type: DownloadsContext(items: [])
        case is DownloadItem.Type: DownloadItem(href: "", name: "", label: "")
        case is CatalogHash.Type: CatalogHash(name: "", sha256: "")
        case is IndexContext.Type: IndexContext(version: "", title: "", cssHref: "", count: 0, countText: "", studies: [])
        case is IndexEntry.Type: IndexEntry(href: "", title: "", subtitle: "", headline: "", figure: nil)
        case is IndexFigure.Type: IndexFigure(svg: "", caption: "")
        case is MethodologyContext.Type: MethodologyContext(mode: "", outputTokens: 0)
        default: ()
        }
    }
}

/// The published gallery: every example renders with a chart and a CSV table per challenge.
@Suite("The examples")
struct ExampleGalleryTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples").standardized.path

    @Test func everyExamplePageHasAChartAndATablePerChallenge() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.examples).filter { $0.hasSuffix(".study.yaml") }.sorted()
        #expect(names.count >= 6)
        var studies: [Study] = []
        for name in names {
            let (study, log) = StudyLoader(catalog: ReportTests.catalog).load(path: "\(Self.examples)/\(name)")
            #expect(!log.hasErrors, "\(name): \(log.diagnostics.map(\.description))")
            if let study { studies.append(study) }
        }
        let files = try ReportTests.site(studies)
        let index = ReportTests.text(files, "index.html")
        for study in studies {
            let slug = String(URL(fileURLWithPath: study.path).lastPathComponent.dropLast(".study.yaml".count))
            #expect(index.contains("href=\"\(slug).html\""), "index lacks \(slug)")
            let page = ReportTests.text(files, "\(slug).html")
            for section in ["prefill", "concurrency", "decode", "switching"] {
                let start = try #require(page.range(of: "<h2 id=\"\(section)\""), "\(slug) lacks \(section)")
                let rest = page[start.upperBound...]
                let body = rest[..<(rest.range(of: "<h2 ")?.lowerBound ?? rest.endIndex)]
                #expect(body.contains("<svg") && body.contains("<title"), "\(slug) \(section): no chart")
                #expect(body.contains(".csv\" download"), "\(slug) \(section): no CSV table")
            }
        }
    }
}
