import KVStudy

/// One problem found in an input file, located and explained in a sentence a user can act on.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    /// The sentence, safe to print on a terminal: control characters escaped, long quoted values elided.
    public var message: String
    /// The offending source line (or, for a long line, the window of it around the column), for
    /// the caret snippet.
    public var sourceLine: String?
    /// Unicode scalars cut from the front of a long `sourceLine`.
    public var sourceLineStart: Int

    public init(_ severity: Severity, at location: SourceLocation, _ message: String, sourceLine: String? = nil, sourceLineStart: Int = 0) {
        self.severity = severity
        self.location = location
        self.message = EchoedText.message(message)
        self.sourceLine = sourceLine
        self.sourceLineStart = sourceLineStart
    }

    /// `path:line:column: error: message`, compiler-style.
    public var description: String { "\(EchoedText.escaped(location.file)):\(location.line):\(location.column): \(severity.rawValue): \(message)" }

    /// The description plus the source line and a caret under the column. A long line is cut
    /// to a window around the column (marked `…`), so the caret always points into it; control
    /// characters show as `?` so that the caret stays under its column.
    public var rendered: String {
        guard let sourceLine, !sourceLine.isEmpty else { return description }
        let scalars = Array(sourceLine.unicodeScalars)
        let column = min(max(0, location.column - 1 - sourceLineStart), scalars.count)
        let start = column > 150 ? column - 100 : 0
        let window = scalars[start..<min(scalars.count, start + 200)]
        let cut = start + sourceLineStart > 0 ? "…" : ""
        let shown = cut + String(String.UnicodeScalarView(window.map { EchoedText.isControl($0) && $0 != "\t" ? "?" : $0 }))
        let indent = (cut.isEmpty ? "" : " ") + String(window.prefix(column - start).map { $0 == "\t" ? "\t" : " " })
        return "\(description)\n\(shown)\n\(indent)^"
    }
}

/// Collects every diagnostic of a load, so that one run reports all the mistakes in a file —
/// up to `perFileLimit` of them: a file of 20,000 mistakes (one generated badly) gets the first
/// ones and a note, not 20,000 lines.
public final class DiagnosticLog {
    /// Most diagnostics shown for one file.
    public static let perFileLimit = 100

    public private(set) var diagnostics: [Diagnostic] = []
    private var seen: Set<Diagnostic> = []
    private var perFile: [String: Int] = [:]
    /// Counted even when not shown, so that a reader knows a section had an error.
    public private(set) var errorCount = 0
    public private(set) var warningCount = 0

    public init() {}

    public var hasErrors: Bool { errorCount > 0 }

    func append(_ diagnostic: Diagnostic) {
        // The same mistake reached twice (e.g. through a preset) is reported once.
        guard seen.insert(diagnostic).inserted else { return }
        if diagnostic.severity == .error { errorCount += 1 } else { warningCount += 1 }
        let count = perFile[diagnostic.location.file, default: 0] + 1
        perFile[diagnostic.location.file] = count
        if count <= Self.perFileLimit {
            diagnostics.append(diagnostic)
        } else if count == Self.perFileLimit + 1 {
            var note = diagnostic
            note.message = "over \(Self.perFileLimit) problems in this file, the rest not shown: fix these first"
            diagnostics.append(note)
        }
    }

    public func merge(_ other: DiagnosticLog) {
        for diagnostic in other.diagnostics { append(diagnostic) }
        errorCount += max(0, other.errorCount - other.diagnostics.count { $0.severity == .error })
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
    var best: (name: String, distance: Double)?
    for candidate in candidates {
        let distance = nameDistance(lowered, candidate.lowercased())
        if distance < (best?.distance ?? .infinity) { best = (candidate, distance) }
    }
    guard let best else { return nil }
    let limit = Double(max(2, lowered.count / 3))
    return best.distance <= limit ? best.name : nil
}

/// How far apart two names are, reading them as `-`-separated parts when both have as many:
/// a part that starts the other (`3` in `3.1`) is half a step, so `llama-3-70b` is nearer
/// `llama-3.1-70b` than `llama-2-70b`. Otherwise the edit distance.
func nameDistance(_ a: String, _ b: String) -> Double {
    let whole = Double(editDistance(a, b))
    let left = a.split(separator: "-"), right = b.split(separator: "-")
    guard left.count == right.count, left.count > 1 else { return whole }
    let parts = zip(left, right).reduce(0.0) { sum, pair in
        if pair.0 == pair.1 { return sum }
        if pair.0.hasPrefix(pair.1) || pair.1.hasPrefix(pair.0) { return sum + 0.5 }
        return sum + Double(editDistance(String(pair.0), String(pair.1)))
    }
    return min(whole, parts)
}

/// " (did you mean `x`?)" or "".
/// A word that starts several names (`a100`) lists them instead: they are what the user meant.
func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String {
    // A long word is no typo of a short name; comparing it would cost length × candidates.
    guard word.count <= 64 else { return "" }
    let names = Array(candidates)
    // A word that starts a name, also with the `-` and `.` left out (`kivi2` → `kivi-2bit`).
    func compact(_ text: String) -> String { text.lowercased().filter { $0.isLetter || $0.isNumber } }
    let short = compact(word)
    let extensions = names.filter {
        ($0.lowercased().hasPrefix(word.lowercased()) && $0.count > word.count)
            || (short.count >= 3 && compact($0).hasPrefix(short) && compact($0) != short)
    }
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
