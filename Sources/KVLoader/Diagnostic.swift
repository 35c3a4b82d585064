import KVStudy

/// One problem found in an input file, located and explained in a sentence a user can act on.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// The offending source line, for the caret snippet.
    public var sourceLine: String?

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, sourceLine: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `path:line:column: error: message`, compiler-style.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// The description plus the source line and a caret under the column. A long line is cut
    /// to a window around the column (marked `…`), so the caret always points into it.
    public var rendered: String {
        guard let sourceLine, !sourceLine.isEmpty else { return description }
        let scalars = Array(sourceLine.unicodeScalars)
        let column = min(max(0, location.column - 1), scalars.count)
        let start = column > 150 ? column - 100 : 0
        let window = scalars[start..<min(scalars.count, start + 200)]
        let cut = start > 0 ? "…" : ""
        let shown = cut + String(String.UnicodeScalarView(window))
        let indent = (start > 0 ? " " : "") + String(window.prefix(column - start).map { $0 == "\t" ? "\t" : " " })
        return "\(description)\n\(shown)\n\(indent)^"
    }
}

/// Collects every diagnostic of a load, so that one run reports all the mistakes in a file.
public final class DiagnosticLog {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    func append(_ diagnostic: Diagnostic) {
        // The same mistake reached twice (e.g. through a preset) is reported once.
        if !diagnostics.contains(diagnostic) { diagnostics.append(diagnostic) }
    }

    public func merge(_ other: DiagnosticLog) {
        for diagnostic in other.diagnostics { append(diagnostic) }
    }

    /// Orders the diagnostics as a reader meets them: by file (in the order the files were
    /// first mentioned), then line, then column; ties keep the order they were found in.
    func sortByLocation() {
        var fileOrder: [String: Int] = [:]
        for diagnostic in diagnostics where fileOrder[diagnostic.location.file] == nil {
            fileOrder[diagnostic.location.file] = fileOrder.count
        }
        diagnostics = diagnostics.enumerated().sorted { a, b in
            let left = a.element.location, right = b.element.location
            return (fileOrder[left.file]!, left.line, left.column, a.offset) < (fileOrder[right.file]!, right.line, right.column, b.offset)
        }.map(\.element)
    }
}

/// "did you mean …?" for a misspelt key, preset, unit or chart kind: the closest candidate by
/// edit distance, if it is close enough to be a plausible typo.
func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
    let lowered = word.lowercased()
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(lowered, candidate.lowercased())
        if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let best else { return nil }
    let limit = max(2, lowered.count / 3)
    return best.distance <= limit ? best.name : nil
}

/// " (did you mean `x`?)" or "".
/// A word that starts several names (`a100`) lists them instead: they are what the user meant.
func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String {
    let names = Array(candidates)
    let extensions = names.filter { $0.lowercased().hasPrefix(word.lowercased()) && $0.count > word.count }
    if word.count >= 2, !extensions.isEmpty {
        return " (did you mean " + extensions.prefix(4).map { "`\($0)`" }.joined(separator: ", ") + (extensions.count > 4 ? ", …" : "") + "?)"
    }
    return suggestion(for: word, among: names).map { " (did you mean `\($0)`?)" } ?? ""
}

/// Levenshtein distance.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
