import Testing
import KVStudy
@testable import KVLoader

/// What an invalid fixture says about itself on its first line:
/// `# expect: LINE:COLUMN fragment`, or `# expect: FILE:LINE:COLUMN fragment` when the mistake
/// is in another file (a measurements CSV, named relative to the study's folder).
struct Expectation: CustomStringConvertible {
    var file: String?
    var line: Int
    var column: Int
    var fragment: String

    init?(firstLineOf text: String) {
        let prefix = "# expect: "
        guard let first = text.split(separator: "\n", maxSplits: 1).first, first.hasPrefix(prefix),
              let space = first.dropFirst(prefix.count).firstIndex(of: " ")
        else { return nil }
        let location = first[first.index(first.startIndex, offsetBy: prefix.count)..<space].split(separator: ":").map(String.init)
        guard location.count >= 2, let line = Int(location[location.count - 2]), let column = Int(location[location.count - 1]) else { return nil }
        self.file = location.count > 2 ? location.dropLast(2).joined(separator: ":") : nil
        self.line = line
        self.column = column
        self.fragment = String(first[first.index(after: space)...])
    }

    func matches(_ diagnostic: Diagnostic, studyPath: String) -> Bool {
        let fileMatches = file.map { diagnostic.location.file.hasSuffix("/" + $0) } ?? (diagnostic.location.file == studyPath)
        return diagnostic.severity == .error && fileMatches && diagnostic.location.line == line
            && diagnostic.location.column == column && diagnostic.message.contains(fragment)
    }

    var description: String { "\(file.map { $0 + ":" } ?? "")\(line):\(column) \(fragment)" }
}

@Suite("Invalid studies report their mistake at the expected line:column")
struct InvalidStudyTests {
    static let corpus = Fixtures.studies(in: "invalid")

    @Test("the corpus holds at least 30 invalid studies")
    func corpusSize() {
        #expect(Self.corpus.count >= 30)
    }

    @Test(arguments: corpus)
    func reportsTheMistake(_ name: String) throws {
        let relative = "invalid/\(name)"
        let expectation = try #require(Expectation(firstLineOf: try Fixtures.text(relative)), "no `# expect:` line in \(name)")
        let (study, log) = Fixtures.load(relative)
        #expect(study == nil)
        let match = log.errors.first { expectation.matches($0, studyPath: Fixtures.path(relative)) }
        #expect(match != nil, "expected \(expectation); got:\n\(log.summary)")
        // Every located diagnostic quotes its line with a caret under the column.
        if let match, let sourceLine = match.sourceLine, !sourceLine.isEmpty {
            let rendered = match.rendered.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(rendered.count == 3)
            #expect(rendered.last?.count == match.location.column)
            #expect(rendered.last?.last == "^")
        }
    }
}
