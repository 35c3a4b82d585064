import ArgumentParser
import KVEstimator
import KVStudy
import KVLoader
import KVReport

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render studies into a static site: index.html, one page per study, stylesheet and data."
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case html, md
    }

    @OptionGroup var studies: StudyPaths

    @Option(help: "Output directory (created if missing; kvplan only replaces files it wrote).")
    var out: String = "reports"

    @Flag(help: "One self-contained HTML file per study (inline CSS and SVG, downloads as data: URIs).")
    var singleFile = false

    @Option(help: "html, or md to also write GitHub-readable Markdown reports.")
    var format: OutputFormat = .html

    @Option(help: "A directory of templates (report/page/index/methodology .mustache, style.css) overriding the defaults.")
    var templates: String?

    @Flag(help: "Also write a PDF per study (<study>.pdf), printed by headless Chromium (package `chromium`).")
    var pdf = false

    func validate() throws {
        if pdf, PDFWriter.find() == nil { throw ValidationError(PDFWriter.Failure.chromiumMissing.description) }
    }

    func run() throws {
        try reportingInputErrors {
            let catalog = try builtInCatalog()
            // Each study's path as seen from the site (the same for relative and absolute arguments).
            let studies = try loadStudies(self.studies.paths, catalog: catalog, limits: .report).map { study in
                var study = study
                study.path = OutputDirectory.relativePath(of: study.path, from: out)
                return study
            }
            let renderer: ReportRenderer
            renderer = ReportRenderer(templates: try ReportTemplates(directory: templates))
            let site = Site(renderer: renderer, options: Site.Options(singleFile: singleFile, markdown: format == .md))
            // Each file is written into the new site as soon as its study is laid out, a large
            // study's downloads as they are computed (issue 13).
            let count = try OutputDirectory.write(to: out, inputs: StudyFiles.expand(self.studies.paths).paths + (templates.map { [$0] } ?? []), produceFiles: { emit in
                try site.write(studies, files: emit)
                if pdf, let writer = PDFWriter.find() {
                    // Self-contained pages with the formulas expanded, printed one by one.
                    try Site(renderer: renderer, options: Site.Options(singleFile: true, formulasOpen: true)).write(studies) { path, page in
                        guard path.hasSuffix(".html") else { return }
                        try emit(String(path.dropLast(".html".count)) + ".pdf", .bytes(try writer.pdf(ofPage: page)))
                    }
                }
            })
            printError("kvplan: rendered \(studies.count) stud\(studies.count == 1 ? "y" : "ies") into \(out)/ (\(count) file\(count == 1 ? "" : "s"))")
        }
    }
}
