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

extension Catalog {
    /// The built-in catalog with only the named entries read, and nothing else of its files
    /// parsed: what `kvplan estimate` needs at start (issue 13), a few dozen of the files' ~800
    /// lines instead of all of them. Each entry is composed from its own lines of the same YAML
    /// file, padded so that every line and column is where it is in the file (for diagnostics),
    /// and read by the same `EntryReader`: the entries are those `builtIn()` reads.
    ///
    /// Where that cannot be promised this reads the whole catalog with `builtIn()` instead: a name
    /// no entry has (its error and suggestions need every name), an entry that does not read
    /// cleanly on its own (a preset of an entry not read), or one whose name is not the one asked for.
    public static func builtIn(models: [String], hardware: [String], compressions: [String]) -> Result<Catalog, CatalogError> {
        let log = DiagnosticLog()
        var catalog = Catalog()
        for (file, names) in zip(files, [models, hardware, compressions]) {
            let entries = EntryLines(file.text)
            for name in names {
                guard let entry = entries.text(ofEntryNamed: name) else { return builtIn() }
                catalog.read(entry, path: "catalog/\(file.name)", log: log)
            }
        }
        let complete = models.allSatisfy { catalog.model(named: $0) != nil }
            && hardware.allSatisfy { catalog.hardware(named: $0) != nil }
            && compressions.allSatisfy { catalog.compression(named: $0) != nil }
        guard complete, log.diagnostics.isEmpty else { return builtIn() }
        return .success(catalog)
    }
}

/// Where each top-level entry of a catalog file (a list of maps, each starting `- name: …` at
/// the start of a line) lies, found by scanning the bytes for line starts — no YAML parsed.
struct EntryLines {
    struct Entry {
        var name: Substring
        /// UTF-8 offsets of the entry's text, up to the next entry or the end of the file.
        var bytes: Range<Int>
        /// The line the entry starts on (1-based).
        var line: Int
    }

    let text: String
    private(set) var entries: [Entry] = []

    init(_ text: String) {
        self.text = text
        let utf8 = Array(text.utf8)
        guard !utf8.contains(UInt8(ascii: "\r")) else { return }  // lines as libyaml counts them: \n only
        let prefix = Array("- name:".utf8)
        var line = 1, index = 0
        while index < utf8.count {
            if utf8[index...].starts(with: prefix) {
                var nameStart = index + prefix.count
                while nameStart < utf8.count, utf8[nameStart] == UInt8(ascii: " ") { nameStart += 1 }
                var nameEnd = nameStart
                while nameEnd < utf8.count, utf8[nameEnd] != UInt8(ascii: "\n") { nameEnd += 1 }
                if let last = entries.indices.last { entries[last].bytes = entries[last].bytes.lowerBound..<index }
                let name = text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: nameStart)..<text.utf8.index(text.utf8.startIndex, offsetBy: nameEnd)]
                entries.append(Entry(name: Substring(name), bytes: index..<utf8.count, line: line))
            } else if utf8[index] == UInt8(ascii: "-"), !entries.isEmpty {
                // Another kind of entry start: end the previous one here, and index no name.
                if let last = entries.indices.last, entries[last].bytes.upperBound == utf8.count {
                    entries[last].bytes = entries[last].bytes.lowerBound..<index
                }
            }
            // To the next line.
            while index < utf8.count, utf8[index] != UInt8(ascii: "\n") { index += 1 }
            index += 1
            line += 1
        }
    }

    /// The text of the entry named `name`, preceded by as many line breaks as there are lines
    /// before it in the file (so that libyaml's marks are the file's), or nil.
    func text(ofEntryNamed name: String) -> String? {
        guard let entry = entries.first(where: { $0.name == name }) else { return nil }
        let utf8 = text.utf8
        let slice = utf8[utf8.index(utf8.startIndex, offsetBy: entry.bytes.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: entry.bytes.upperBound)]
        return String(repeating: "\n", count: entry.line - 1) + String(Substring(slice))
    }
}
