import Foundation
import KVStudy
@testable import KVLoader

/// The study corpus under `Fixtures/`, found relative to this file so that tests run from any
/// working directory, and a loader over the built-in catalog.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static let loader: StudyLoader = {
        guard case .success(let catalog) = Catalog.builtIn() else { fatalError("the built-in catalog is invalid") }
        return StudyLoader(catalog: catalog)
    }()

    static func path(_ relative: String) -> String { directory + "/" + relative }

    /// The `*.study.yaml` file names in a fixture folder, sorted.
    static func studies(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path(folder))) ?? []
        return names.filter { $0.hasSuffix(".study.yaml") }.sorted()
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Loads a fixture by its path under `Fixtures/`.
    static func load(_ relative: String) -> (Study?, DiagnosticLog) { loader.load(path: path(relative)) }

    /// Loads study text given inline in a test.
    static func load(text: String, path: String = "inline.study.yaml") -> (Study?, DiagnosticLog) {
        loader.load(text: text, path: path)
    }
}

extension DiagnosticLog {
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    /// `line:column message` of every diagnostic, for readable failure messages.
    var summary: String { diagnostics.map(\.description).joined(separator: "\n") }
}
