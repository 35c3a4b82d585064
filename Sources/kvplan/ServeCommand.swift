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
            // A path that is not there is a mistake to say at once, not an empty preview.
            let missing = studies.paths.filter { !FileManager.default.fileExists(atPath: $0) }
            guard missing.isEmpty else {
                throw InputFailure(message: "no such file or directory: \(missing.joined(separator: ", "))")
            }
            let preview = LivePreview(arguments: studies.paths, templates: templates, catalog: catalog)
            let (socket, bound) = try PreviewServer.listen(port: port)
            printError("kvplan: serving \(studies.paths.joined(separator: " ")) at http://127.0.0.1:\(bound)/ — edit a study and reload the page; Ctrl-C stops")
            PreviewServer(port: bound, site: preview.files).serve(socket)
        }
    }
}

/// The site of a set of studies, rendered again whenever a study or template file changes (by
/// modification time and size). A study with errors shows its diagnostics on its own page while
/// the others keep rendering (`PreviewSite`).
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
        let (paths, problems) = StudyFiles.expand(arguments)
        let now = Self.fingerprint(paths + (templates.map { Self.files(in: $0) } ?? []))
        if now == fingerprint { return cached }
        fingerprint = now
        cached = render(paths, problems: problems, version: now)
        return cached
    }

    /// Each study loaded on its own: one that fails is listed with its diagnostics, the others render.
    private func render(_ paths: [String], problems: [Diagnostic], version: String) -> [String: [UInt8]] {
        var studies: [Study] = []
        var broken = problems.filter { $0.severity == .error }.map { PreviewSite.Broken(path: $0.location.file, messages: [$0.rendered]) }
        for path in paths {
            let (study, log) = StudyLoader(catalog: catalog, limits: .preview).load(path: path)
            let errors = log.diagnostics.filter { $0.severity == .error }
            if let study, errors.isEmpty { studies.append(study) } else { broken.append(PreviewSite.Broken(path: path, messages: errors.map(\.rendered))) }
        }
        return PreviewSite.files(studies: studies, broken: broken, templates: templates, version: version)
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
