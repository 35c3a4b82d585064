import Yams

/// The text of one input file, parsed into Yams' composed node tree (every node carries its
/// line and column), with the log its problems go to.
final class YAMLSource {
    let path: String
    let lines: [Substring]
    let log: DiagnosticLog

    init(path: String, text: String, log: DiagnosticLog) {
        self.path = path
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        self.log = log
    }

    /// The root node, or nil after logging a located syntax error.
    func compose(_ text: String) -> Node? {
        do {
            guard let root = try Yams.compose(yaml: text) else {
                error(at: location(line: 1, column: 1), "the file is empty")
                return nil
            }
            return root
        } catch let yaml as YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                error(at: location(line: mark.line, column: mark.column), "YAML syntax: \(problem)")
            case .reader(let problem, _, _, _):
                error(at: location(line: 1, column: 1), "not readable as UTF-8 YAML: \(problem)")
            default:
                error(at: location(line: 1, column: 1), "YAML: \(yaml)")
            }
            return nil
        } catch {
            self.error(at: location(line: 1, column: 1), "YAML: \(error)")
            return nil
        }
    }

    func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: path, line: max(1, line), column: max(1, column))
    }

    func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return location(line: 1, column: 1) }
        return location(line: mark.line, column: mark.column)
    }

    func error(at location: SourceLocation, _ message: String) {
        report(.error, at: location, message)
    }

    func warning(at location: SourceLocation, _ message: String) {
        report(.warning, at: location, message)
    }

    private func report(_ severity: Diagnostic.Severity, at location: SourceLocation, _ message: String) {
        let line = location.line - 1 < lines.count ? String(lines[location.line - 1]) : nil
        log.append(Diagnostic(severity, at: location, message, sourceLine: line))
    }

    func error(at node: Node, _ message: String) { error(at: location(of: node), message) }
    func warning(at node: Node, _ message: String) { warning(at: location(of: node), message) }
}

extension Node {
    /// The scalar's text, or nil for maps and lists.
    var scalarText: String? { if case .scalar(let scalar) = self { scalar.string } else { nil } }

    var kindName: String {
        switch self {
        case .scalar(let scalar): scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" ? "nothing" : "a scalar"
        case .mapping: "a map"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

/// Reads one YAML map against its schema: unknown keys are errors with a did-you-mean, every
/// value is checked for its type and range, and each problem is logged at its own line:column.
/// Accessors return nil after logging, so one read finds every mistake in the map.
struct MapReader {
    let node: Node
    let schema: MapSchema
    let source: YAMLSource
    /// Keys in file order, with their key and value nodes.
    let entries: [(key: String, keyNode: Node, value: Node)]

    /// Nil (after an error) when `node` is not a map.
    init?(_ node: Node, schema: MapSchema, source: YAMLSource, what: String) {
        guard case .mapping(let mapping) = node else {
            source.error(at: node, "expected \(what) as a map of keys, found \(node.kindName)")
            return nil
        }
        self.node = node
        self.schema = schema
        self.source = source
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (key, value) in mapping {
            guard let name = key.scalarText else {
                source.error(at: key, "a key must be a plain word, found \(key.kindName)")
                continue
            }
            if !schema.names.contains(name) {
                source.error(at: key, "unknown key `\(name)` in \(what)\(didYouMean(name, among: schema.names))")
                continue
            }
            entries.append((name, key, value))
        }
        self.entries = entries
    }

    func value(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
    func has(_ key: String) -> Bool { value(key) != nil }

    /// Where a key's value sits, or the map itself when the key is absent.
    func location(of key: String) -> SourceLocation {
        value(key).map(source.location(of:)) ?? source.location(of: node)
    }

    /// Where a dotted path (`moe.active`) points, as far as it exists.
    func location(ofPath path: String) -> SourceLocation {
        var current = node
        for part in path.split(separator: ".") {
            guard case .mapping(let mapping) = current,
                  let next = mapping.first(where: { $0.key.scalarText == String(part) })?.value
            else { break }
            current = next
        }
        return source.location(of: current)
    }

    func missing(_ key: String, _ what: String) {
        source.error(at: node, "missing required key `\(key)` in \(what)")
    }

    // MARK: Scalars

    /// The scalar text of a key, logging an error when it is a map or list.
    func text(_ key: String) -> (String, Node)? {
        guard let node = value(key) else { return nil }
        guard let text = node.scalarText, !(text.isEmpty || text == "~" || text == "null") else {
            source.error(at: node, "`\(key)` expects \(typeName(key)), found \(node.kindName)")
            return nil
        }
        return (text, node)
    }

    func string(_ key: String) -> String? { text(key)?.0 }

    func bool(_ key: String) -> Bool? {
        guard let (text, node) = text(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            source.error(at: node, "`\(key)` expects true or false, found `\(text)`")
            return nil
        }
    }

    /// A positive integer (or ≥ 0 with `allowZero`).
    func integer(_ key: String, allowZero: Bool = false) -> Int? {
        parse(key) { text throws(Units.ParseError) in Double(try Units.integer(text)) }
            .flatMap { value -> Int? in
                guard value > 0 || (allowZero && value == 0) else {
                    source.error(at: self.value(key)!, "`\(key)` must be \(allowZero ? "zero or more" : "positive"), got \(format(value))")
                    return nil
                }
                return Int(value)
            }
    }

    /// A positive, finite number.
    func number(_ key: String) -> Double? {
        positive(key, parse(key) { text throws(Units.ParseError) in try Units.number(text) })
    }

    /// A fraction in (0, 1].
    func fraction(_ key: String) -> Double? {
        guard let value = parse(key, { text throws(Units.ParseError) in try Units.number(text) }) else { return nil }
        guard value > 0, value <= 1 else {
            source.error(at: self.value(key)!, "`\(key)` must be a fraction in (0, 1], got \(format(value))")
            return nil
        }
        return value
    }

    /// A positive token count (`4K`, `128K`, `1M`, `50_000`).
    func tokens(_ key: String) -> Int? {
        positive(key, parse(key) { text throws(Units.ParseError) in Double(try Units.tokens(text)) }).map { Int($0) }
    }

    func bytes(_ key: String) -> Double? { positive(key, quantity(key, Units.bytes)) }
    func bandwidth(_ key: String) -> Double? { positive(key, quantity(key, Units.bandwidth)) }
    func flops(_ key: String) -> Double? { positive(key, quantity(key, Units.flops)) }

    func quantity(_ key: String, _ table: [String: Double]) -> Double? {
        parse(key) { text throws(Units.ParseError) in try Units.quantity(text, in: table) }
    }

    /// One of a fixed set of words.
    func choice(_ key: String, _ options: [String]) -> String? {
        guard let (text, node) = text(key) else { return nil }
        guard options.contains(text) else {
            source.error(at: node, "`\(key)` must be one of \(options.joined(separator: ", ")), got `\(text)`\(didYouMean(text, among: options))")
            return nil
        }
        return text
    }

    private func positive(_ key: String, _ value: Double?) -> Double? {
        guard let value else { return nil }
        guard value > 0 else {
            source.error(at: self.value(key)!, "`\(key)` must be positive, got \(format(value))")
            return nil
        }
        return value
    }

    private func parse(_ key: String, _ parse: (String) throws(Units.ParseError) -> Double) -> Double? {
        guard let (text, node) = text(key) else { return nil }
        do {
            return try parse(text)
        } catch {
            source.error(at: node, describe(error, key: key, text: text))
            return nil
        }
    }

    func describe(_ error: Units.ParseError, key: String, text: String) -> String {
        switch error {
        case .notANumber: "`\(key)` expects \(typeName(key)), found `\(text)`"
        case .notFinite: "`\(key)` must be a finite number, found `\(text)`"
        case .notWhole: "`\(key)` must be a whole number, found `\(text)`"
        case .tooLarge: "`\(key)` is too large: `\(text)`"
        case .unknownUnit(let unit, let suggestion):
            "unknown unit `\(unit)` in `\(key)`" + (suggestion.map { " (did you mean `\($0)`?)" } ?? "")
        }
    }

    func typeName(_ key: String) -> String {
        let type = schema.keys.first { $0.name == key }?.type ?? "a value"
        switch type {
        case "integer": return "an integer"
        case "number": return "a number"
        case "fraction": return "a fraction in (0, 1]"
        case "tokens": return "a token count such as 4096, 4K or 1M"
        case "bytes": return "a size such as 80 GiB"
        case "bandwidth": return "a bandwidth such as 2039 GB/s"
        case "string": return "a string"
        case "bool": return "true or false"
        default: return type
        }
    }

    // MARK: Nested

    func map(_ key: String, _ schema: MapSchema) -> MapReader? {
        guard let node = value(key) else { return nil }
        return MapReader(node, schema: schema, source: source, what: "`\(key)`")
    }
}

/// A number as a user wrote it: integers without a fraction, others compactly.
func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}
