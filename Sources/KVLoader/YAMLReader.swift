import KVStudy
import Yams

/// The text of one input file, parsed into Yams' composed node tree (every node carries its
/// line and column), with the log its problems go to.
final class YAMLSource {
    let path: String
    let text: String
    /// The file's lines (as libyaml counts them), for quoting a line in a diagnostic: split only
    /// when one is reported (a file without mistakes, such as the built-in catalog at every start,
    /// never needs them).
    private(set) lazy var lines: [Substring] = LineBreaks.lines(text)
    let log: DiagnosticLog
    /// How syntax errors name the file's language: JSON result files are composed as YAML too.
    var language = "YAML"

    /// Key positions (line, column) of duplicate keys already reported; readers skip them.
    private(set) var duplicateKeys: Set<[Int]> = []

    init(path: String, text: String, log: DiagnosticLog) {
        self.path = path
        self.text = text
        self.log = log
    }

    /// The root node, or nil after logging a located syntax error. A duplicate key (which Yams
    /// rejects for the whole file) is reported where it repeats, then renamed in a copy of the
    /// text and skipped by `MapReader`, so the rest of the file is still checked.
    ///
    /// The readers take every scalar as text and never read Yams' resolved tags; `resolver` only
    /// changes which keys count as the same in the duplicate check (`.default` tells `"1"` from
    /// `1`). The built-in catalog, whose text is fixed, composes with `.basic`, which resolves no
    /// tags: a third of kvplan's start-up went to resolving them.
    func compose(_ text: String, resolver: Resolver = .default) -> Node? {
        if let excess = AliasBudget.check(text) {
            error(at: location(line: excess.line, column: excess.column), excess.message)
            return nil
        }
        var text = text
        while true {
            do {
                // UTF-8, named: Yams' `.default` is UTF-8 for a Swift string too, but copies the
                // whole environment at every call to look for YAMS_DEFAULT_ENCODING (an override
                // that also prints to standard output, which kvplan's output must not have).
                guard let root = try Yams.compose(yaml: text, resolver, .default, .utf8) else {
                    error(at: location(line: 1, column: 1), "the file is empty")
                    return nil
                }
                return root
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                let key = duplicates.first ?? ""
                let first = context.mark
                guard duplicateKeys.count < 100, let repeated = DuplicateKey.repetition(of: key, after: first, in: text) else {
                    error(at: location(line: first.line, column: first.column), "duplicate key `\(key)`: each key may appear once in a map")
                    return nil
                }
                error(at: location(line: repeated.line, column: repeated.column),
                      "duplicate key `\(key)` (first at line \(first.line)): each key may appear once in a map")
                duplicateKeys.insert([repeated.line, repeated.column])
                text = DuplicateKey.renaming(at: repeated, in: text, count: duplicateKeys.count)
            } catch let yaml as YamlError {
                reportSyntax(yaml, text)
                return nil
            } catch {
                self.error(at: location(line: 1, column: 1), "YAML: \(error)")
                return nil
            }
        }
    }

    private func reportSyntax(_ yaml: YamlError, _ text: String) {
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let reason = problem.hasPrefix("Maximum nesting level") ? "nested too deeply (over 1000 levels)" : problem
            let since = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            error(at: location(line: mark.line, column: mark.column), "\(language) syntax: \(reason)\(since)")
        case .reader(let problem, let offset, _, _):
            error(at: offset.map { location(ofByte: $0, in: text) } ?? location(line: 1, column: 1),
                  "not readable as YAML text: \(problem)")
        default:
            error(at: location(line: 1, column: 1), "YAML: \(yaml)")
        }
    }

    /// The line and column (in characters, like libyaml's marks) of a UTF-8 byte offset.
    func location(ofByte offset: Int, in text: String) -> SourceLocation {
        var line = 1, column = 1, bytes = 0
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            if bytes > offset { break }
            if LineBreaks.isBreak(scalar), !(previous == "\r" && scalar == "\n") {
                line += 1; column = 1
            } else if !LineBreaks.isBreak(scalar) {
                column += 1
            }
            previous = scalar
        }
        return location(line: line, column: column)
    }

    func isDuplicate(_ key: Node) -> Bool {
        guard let mark = key.mark else { return false }
        return duplicateKeys.contains([mark.line, mark.column])
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

    /// Logs a diagnostic with its source line — only a window of a long line, so that 20,000
    /// mistakes on one 200 KB line cost 20,000 windows, not 20,000 copies of the line.
    private func report(_ severity: Diagnostic.Severity, at location: SourceLocation, _ message: String) {
        guard location.line - 1 < lines.count else {
            log.append(Diagnostic(severity, at: location, message))
            return
        }
        if cachedLine?.number != location.line {
            cachedLine = (location.line, Array(lines[location.line - 1].unicodeScalars))
        }
        let line = cachedLine!.scalars
        let start = min(max(0, location.column - 1 - 100), line.count)
        let window = line[start..<min(line.count, start + 200)]
        log.append(Diagnostic(severity, at: location, message, sourceLine: String(String.UnicodeScalarView(window)), sourceLineStart: start))
    }

    /// The scalars of the line last reported on: many mistakes on one long line index it once.
    private var cachedLine: (number: Int, scalars: [Unicode.Scalar])?

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
            if source.isDuplicate(key) { continue }
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

    func value(_ key: String) -> Node? {
        // By index: `first(where:)` copied every (key, node, node) it looked at.
        for index in entries.indices where entries[index].key == key { return entries[index].value }
        return nil
    }
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

    /// The scalar text of a key, logging an error when it is a map or list, too long for its
    /// kind (`TextLimit`) or holding control characters (which a terminal would obey).
    func text(_ key: String) -> (String, Node)? {
        guard let node = value(key) else { return nil }
        guard let text = node.scalarText, !(text.isEmpty || text == "~" || text == "null") else {
            source.error(at: node, "`\(key)` expects \(typeName(key)), found \(node.kindName)")
            return nil
        }
        let limit = TextLimit.of(key)
        let length = text.unicodeScalars.count
        guard length <= limit else {
            source.error(at: node, "`\(key)` is \(Units.written(length)) characters long, over the limit of \(Units.written(limit))")
            return nil
        }
        let prose = limit == TextLimit.prose
        if let control = text.unicodeScalars.first(where: { EchoedText.isControl($0) && !(prose && "\n\t\r\u{85}\u{2028}\u{2029}".unicodeScalars.contains($0)) }) {
            source.error(at: node, "`\(key)` holds the control character U+\(String(control.value, radix: 16, uppercase: true)): remove it"
                + (prose ? "" : " (a one-line value)"))
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

    /// A positive integer (or ≥ 0 with `allowZero`), within its key's range.
    func integer(_ key: String, allowZero: Bool = false) -> Int? {
        let range = ValueRange.integer(key, allowZero: allowZero)
        return within(key, range, parse(key) { text throws(Units.ParseError) in try Units.integerValue(text) }, allowZero: allowZero)
            .map { Int($0) }
    }

    /// A positive, finite number, within its key's range.
    func number(_ key: String) -> Double? {
        within(key, ValueRange.number(key), parse(key) { text throws(Units.ParseError) in try Units.number(text) })
    }

    /// A fraction in (0, 1].
    func fraction(_ key: String) -> Double? {
        guard let value = parse(key, { text throws(Units.ParseError) in try Units.number(text) }) else { return nil }
        guard value > 0, value <= 1 else {
            source.error(at: self.value(key)!, "`\(key)` must be a fraction in (0, 1], got \(format(value))")
            return nil
        }
        return within(key, .fraction, value)
    }

    /// A positive token count (`4K`, `128K`, `1M`, `50_000`), at most 2^40.
    func tokens(_ key: String) -> Int? {
        within(key, .tokens, parse(key) { text throws(Units.ParseError) in try Units.tokenValue(text) }).map { Int($0) }
    }

    func bytes(_ key: String) -> Double? { within(key, .bytes, quantity(key, Units.bytes)) }

    /// A size that may be zero (`reserve`).
    func bytes(_ key: String, allowZero: Bool) -> Double? {
        guard allowZero else { return bytes(key) }
        return within(key, .bytesOrZero, quantity(key, Units.bytes), allowZero: true)
    }
    func bandwidth(_ key: String) -> Double? { within(key, .bandwidth, quantity(key, Units.bandwidth)) }
    func flops(_ key: String) -> Double? { within(key, .flops, quantity(key, Units.flops)) }

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

    /// `value` when it lies in `range`; otherwise an error that states the range. A value below
    /// zero (or zero, unless allowed) keeps the plainer "must be positive".
    private func within(_ key: String, _ range: ValueRange, _ value: Double?, allowZero: Bool = false) -> Double? {
        guard let value else { return nil }
        guard value > 0 || (allowZero && value == 0) else {
            source.error(at: self.value(key)!, "`\(key)` must be \(allowZero ? "zero or more" : "positive"), got \(format(value))")
            return nil
        }
        guard range.contains(value) else {
            let node = self.value(key)!
            source.error(at: node, "`\(key)` must be \(range.wording), got `\(node.scalarText ?? format(value))`")
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
        KVLoader.describe(error, what: "`\(key)`", expected: typeName(key), text: text)
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

/// Why `text` is not the value `what` expects (`expected`: "an integer", "a token count …").
func describe(_ error: Units.ParseError, what: String, expected: String, text: String) -> String {
    switch error {
    case .notANumber: "\(what) expects \(expected), found `\(text)`"
    case .notFinite: "\(what) must be a finite number, found `\(text)`"
    case .notWhole: "\(what) must be a whole number, found `\(text)`"
    case .tooLarge: "\(what) is too large: `\(text)`"
    case .unknownUnit(let unit, let suggestion):
        "unknown unit `\(unit)` in \(what)" + (suggestion.map { " (did you mean `\($0)`?)" } ?? "")
    }
}

/// A number as a user wrote it: integers without a fraction, others compactly.
func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}

/// Where a key that Yams rejected as a duplicate repeats. Yams reports only the first
/// occurrence; users need to see the second one, and the file's other mistakes too.
enum DuplicateKey {
    /// 1-based line and column (in characters) of the repeated key, and its length as written.
    struct Position: Equatable {
        var line: Int
        var column: Int
        var length: Int
    }

    /// The repetition of `key` in the same map as its first occurrence at `first`: later on the
    /// same line (flow maps), or on a later line at the same indentation before the map ends.
    static func repetition(of key: String, after first: Mark, in text: String) -> Position? {
        let lines = scalarLines(text)
        let row = first.line - 1, column = first.column - 1
        guard lines.indices.contains(row), column >= 0 else { return nil }
        let spellings = [key, "\"\(key)\"", "'\(key)'"].map { Array($0.unicodeScalars) }
        func keyLength(_ line: [Unicode.Scalar], at index: Int) -> Int? {
            guard index == 0 || " \t,{?-".unicodeScalars.contains(line[index - 1]) else { return nil }
            for spelling in spellings where line.count >= index + spelling.count && Array(line[index..<(index + spelling.count)]) == spelling {
                var next = index + spelling.count
                while next < line.count, line[next] == " " || line[next] == "\t" { next += 1 }
                if next < line.count, line[next] == ":" { return spelling.count }
            }
            return nil
        }
        let firstLine = lines[row]
        for index in stride(from: column + 1, to: firstLine.count, by: 1) {
            if let length = keyLength(firstLine, at: index) { return Position(line: first.line, column: index + 1, length: length) }
        }
        for (offset, line) in lines[(row + 1)...].enumerated() {
            guard let indent = line.firstIndex(where: { $0 != " " && $0 != "\t" }), line[indent] != "#" else { continue }
            if indent < column { return nil }
            if indent == column, let length = keyLength(line, at: indent) {
                return Position(line: first.line + 1 + offset, column: indent + 1, length: length)
            }
        }
        return nil
    }

    /// `text` with the key at `position` renamed to a unique placeholder, keeping every other
    /// line and column where it was.
    static func renaming(at position: Position, in text: String, count: Int) -> String {
        var lines = scalarLines(text)
        let start = position.column - 1
        lines[position.line - 1].replaceSubrange(start..<(start + position.length), with: "kvplan-duplicate-key-\(count)".unicodeScalars)
        return lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
    }

    private static func scalarLines(_ text: String) -> [[Unicode.Scalar]] {
        LineBreaks.lines(text).map { Array($0.unicodeScalars) }
    }
}
