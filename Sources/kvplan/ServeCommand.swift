import ArgumentParser
import Foundation
import KVStudy
import KVLoader
import KVReport

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Live preview on 127.0.0.1: the site of the given studies, re-rendered when they change."
    )

    @OptionGroup var studies: StudyPaths

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: UInt16 = 8000

    @Option(help: "A directory of templates overriding the defaults (watched too).")
    var templates: String?

    func run() throws {
        try reportingInputErrors {
            let catalog = try builtInCatalog()
            let preview = LivePreview(arguments: studies.paths, templates: templates, catalog: catalog)
            let (socket, bound) = try PreviewServer.listen(port: port)
            printError("kvplan: serving \(studies.paths.joined(separator: " ")) at http://127.0.0.1:\(bound)/ — edit a study and reload the page; Ctrl-C stops")
            PreviewServer(port: bound, site: preview.files).serve(socket)
        }
    }
}

/// The site of a set of studies, rendered again whenever a study or template file changes (by
/// modification time and size). A study with errors shows its diagnostics as the page.
final class LivePreview {
    let arguments: [String]
    let templates: String?
    let catalog: Catalog
    private var fingerprint = ""
    private var cached: [String: [UInt8]] = [:]

    init(arguments: [String], templates: String?, catalog: Catalog) {
        self.arguments = arguments
        self.templates = templates
        self.catalog = catalog
    }

    func files() -> [String: [UInt8]] {
        let (paths, _) = StudyFiles.expand(arguments)
        let now = Self.fingerprint(paths + (templates.map { Self.files(in: $0) } ?? []))
        if now == fingerprint { return cached }
        fingerprint = now
        cached = render(LoadedStudies(arguments, catalog: catalog, pointLimit: StudyLoader.reportPointLimit))
        return cached
    }

    private func render(_ loaded: LoadedStudies) -> [String: [UInt8]] {
        if !loaded.errors.isEmpty { return Self.errorPage(loaded.errors.map(\.rendered)) }
        do {
            let renderer = ReportRenderer(templates: try ReportTemplates(directory: templates))
            return try Site(renderer: renderer, options: Site.Options()).files(for: loaded.studies)
        } catch {
            return Self.errorPage(["\(error)"])
        }
    }

    static func errorPage(_ messages: [String]) -> [String: [UInt8]] {
        let items = messages.map { "<pre>\(xmlEscaped($0))</pre>" }.joined(separator: "\n")
        let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kvplan: errors</title>\n</head>\n<body>\n<h1>The studies have errors</h1>\n\(items)\n<p>Fix them and reload.</p>\n</body>\n</html>\n"
        return ["index.html": Array(page.utf8)]
    }

    static func fingerprint(_ paths: [String]) -> String {
        paths.sorted().map { path in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(path):\(modified):\(attributes?[.size] as? Int ?? -1)"
        }.joined(separator: "|")
    }

    static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).map { "\(directory)/\($0)" }
    }
}
