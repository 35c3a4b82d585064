import KVStudy
import KVEstimator
import Yams

/// The built-in catalog: every model, GPU and compression preset kvplan knows by name, read
/// from the YAML files in `Resources/` with the same reader as a study's inline entries.
/// Every entry carries its `source` (or `citation`).
public struct Catalog: Sendable {
    public var models: [Model]
    public var hardware: [Hardware]
    public var compressions: [Compression]

    public init(models: [Model] = [], hardware: [Hardware] = [], compressions: [Compression] = []) {
        self.models = models
        self.hardware = hardware
        self.compressions = compressions
    }

    public func model(named name: String) -> Model? { models.first { $0.name == name } }
    public func hardware(named name: String) -> Hardware? { hardware.first { $0.name == name } }
    public func compression(named name: String) -> Compression? { compressions.first { $0.name == name } }

    /// The files of the built-in catalog, embedded in the binary at build time (so an installed
    /// `kvplan` needs no resource bundle beside it).
    public static let files: [(name: String, text: String)] = [
        ("models.yaml", String(decoding: PackageResources.models_yaml, as: UTF8.self)),
        ("hardware.yaml", String(decoding: PackageResources.hardware_yaml, as: UTF8.self)),
        ("compression.yaml", String(decoding: PackageResources.compression_yaml, as: UTF8.self)),
    ]

    /// Reads the built-in catalog. A problem in it is a defect of kvplan itself; the diagnostics
    /// say where.
    public static func builtIn() -> Result<Catalog, CatalogError> {
        let log = DiagnosticLog()
        var catalog = Catalog()
        for file in files { catalog.read(file.text, path: "catalog/\(file.name)", log: log) }
        return log.hasErrors ? .failure(CatalogError(diagnostics: log.diagnostics)) : .success(catalog)
    }

    /// Adds the entries of one catalog file (a list of maps); which list they join follows the
    /// file name. Earlier files serve as presets of later ones.
    mutating func read(_ text: String, path: String, log: DiagnosticLog) {
        let source = YAMLSource(path: path, text: text, log: log)
        guard let root = source.compose(text, resolver: .basic) else { return }
        guard case .sequence(let entries) = root else {
            source.error(at: root, "a catalog file is a list of entries")
            return
        }
        for node in entries {
            let reader = EntryReader(source: source, catalog: self)
            if path.hasSuffix("models.yaml") {
                if let model = reader.model(node) { models.append(checkUnique(model, node, source, models)) }
            } else if path.hasSuffix("hardware.yaml") {
                if let entry = reader.hardware(node) { hardware.append(checkUnique(entry, node, source, hardware)) }
            } else if let entry = reader.compression(node) {
                compressions.append(checkUnique(entry, node, source, compressions))
            }
        }
    }

    private func checkUnique<Entry: CatalogEntry>(_ entry: Entry, _ node: Node, _ source: YAMLSource, _ existing: [Entry]) -> Entry {
        if existing.contains(where: { $0.name == entry.name }) {
            source.error(at: node, "duplicate catalog entry `\(entry.name)`")
        }
        return entry
    }
}

public struct CatalogError: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.rendered).joined(separator: "\n") }
}

/// A name the catalog does not know, with the closest one it does.
public struct LookupFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension Catalog {
    public func resolveModel(_ name: String) throws(LookupFailure) -> Model {
        try lookup(name, in: models, kind: "model")
    }

    public func resolveHardware(_ name: String) throws(LookupFailure) -> Hardware {
        try lookup(name, in: hardware, kind: "hardware")
    }

    /// A preset name, or presets joined by `+` (`kivi-2bit+h2o-20`), combined across axes.
    public func resolveCompression(_ name: String) throws(LookupFailure) -> Compression {
        var result = Compression.none
        for part in name.split(separator: "+") {
            let next = try lookup(String(part).trimmingSpaces, in: compressions, kind: "compression")
            do { result = try result.combined(with: next) } catch {
                throw LookupFailure(message: "cannot combine `\(name)`: \(error.message)")
            }
        }
        return result
    }

    private func lookup<Entry: CatalogEntry>(_ name: String, in entries: [Entry], kind: String) throws(LookupFailure) -> Entry {
        if let entry = entries.first(where: { $0.name == name }) { return entry }
        throw LookupFailure(message: "unknown \(kind) `\(name)`\(didYouMean(name, among: entries.map(\.name))); `kvplan catalog \(kind == "compression" ? "compression" : kind == "model" ? "models" : "hardware")` lists them")
    }
}
