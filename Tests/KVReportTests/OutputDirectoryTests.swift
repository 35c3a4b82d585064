import Foundation
import Testing
@testable import KVReport

/// Writing a render: atomic, remembers its files, never touches the user's.
@Suite("Output directory")
struct OutputDirectoryTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "kvplan-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: "\(root)/out/\(path)", encoding: .utf8) }

    @Test func writesANewDirectoryThenReplacesAndPrunesOnlyItsOwnFiles() throws {
        let out = "\(root)/out"
        try OutputDirectory.write(["index.html": Array("one".utf8), "a/x.csv": Array("1".utf8)], to: out, inputs: [])
        #expect(read("index.html") == "one")
        #expect(read(OutputDirectory.manifestName) == "a/x.csv\nindex.html\n")
        // The user adds a file of their own; the next render drops a.csv but keeps theirs.
        try "mine".write(toFile: "\(out)/notes.txt", atomically: true, encoding: .utf8)
        try OutputDirectory.write(["index.html": Array("two".utf8), "b.csv": Array("2".utf8)], to: out, inputs: [])
        #expect(read("index.html") == "two")
        #expect(read("a/x.csv") == nil)
        #expect(!FileManager.default.fileExists(atPath: "\(out)/a"))
        #expect(read("notes.txt") == "mine")
        #expect(read(OutputDirectory.manifestName) == "b.csv\nindex.html\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "staging directory left behind: \(leftovers)")
    }

    @Test func refusesToOverwriteAFileItDidNotWrite() throws {
        let out = "\(root)/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "precious".write(toFile: "\(out)/index.html", atomically: true, encoding: .utf8)
        #expect(throws: OutputDirectory.Refusal.self) {
            try OutputDirectory.write(["index.html": Array("new".utf8), "other.html": Array("x".utf8)], to: out, inputs: [])
        }
        #expect(read("index.html") == "precious")
        #expect(read("other.html") == nil)
    }

    @Test func refusesAnOutputDirectoryThatHoldsItsInputs() throws {
        let input = "\(root)/studies/a.study.yaml"
        try FileManager.default.createDirectory(atPath: "\(root)/studies", withIntermediateDirectories: true)
        try "title: x".write(toFile: input, atomically: true, encoding: .utf8)
        #expect(throws: OutputDirectory.Refusal.self) {
            try OutputDirectory.write(["index.html": []], to: "\(root)/studies", inputs: [input])
        }
        #expect(throws: OutputDirectory.Refusal.self) {
            try OutputDirectory.write(["index.html": []], to: root, inputs: [input])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/studies") == ["a.study.yaml"])
    }

    @Test func aTamperedManifestCannotReachOutside() throws {
        let out = "\(root)/out"
        try OutputDirectory.write(["index.html": Array("one".utf8)], to: out, inputs: [])
        try "victim".write(toFile: "\(root)/victim.txt", atomically: true, encoding: .utf8)
        try "../victim.txt\n/etc/passwd\nindex.html\n".write(toFile: "\(out)/\(OutputDirectory.manifestName)", atomically: true, encoding: .utf8)
        try OutputDirectory.write(["index.html": Array("two".utf8)], to: out, inputs: [])
        #expect(try String(contentsOfFile: "\(root)/victim.txt", encoding: .utf8) == "victim")
    }
}
