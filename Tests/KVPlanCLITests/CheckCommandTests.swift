import Foundation
import Testing

/// `kvplan check` end to end: the built binary on the study corpus of the loader's tests.
@Suite("kvplan check")
struct CheckCommandTests {
    static let fixtures = "Tests/KVLoaderTests/Fixtures"

    @Test("valid studies (a folder, searched recursively): exit 0, a summary, nothing on stderr")
    func validFolder() throws {
        let run = try RunKVPlan.run(["check", "\(Self.fixtures)/valid"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "7 studies, 254 scenarios, 0 errors\n")
        #expect(run.stderr == "")
    }

    @Test("three independent mistakes: all three, located, with carets; exit 1")
    func threeMistakes() throws {
        let path = "\(Self.fixtures)/three-mistakes.study.yaml"
        let run = try RunKVPlan.run(["check", path])
        #expect(run.status == 1)
        #expect(run.stdout == "1 study, 0 scenarios, 3 errors\n")
        let located = run.stderr.split(separator: "\n").filter { $0.hasPrefix(path) }.map { $0.split(separator: " ").first ?? "" }
        #expect(located == ["\(path):4:35:", "\(path):8:3:", "\(path):10:12:"])
        #expect(run.stderr.contains("  usres: 20\n  ^\n"))
    }

    @Test("warnings are counted but do not fail the check")
    func warnings() throws {
        let run = try RunKVPlan.run(["check", "\(Self.fixtures)/warning/beyond-max.study.yaml"])
        #expect(run.status == 0)
        #expect(run.stdout == "1 study, 8 scenarios, 0 errors, 2 warnings\n")
        #expect(run.stderr.contains(": warning: 2 of 4 contexts (from 262_144 tokens) are beyond the maximum context of `yi-34b-200k`"))
    }

    @Test("the invalid corpus: one error or more per file, exit 1")
    func invalidFolder() throws {
        let run = try RunKVPlan.run(["check", "\(Self.fixtures)/invalid"])
        #expect(run.status == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: RunKVPlan.packageRoot.appendingPathComponent("\(Self.fixtures)/invalid").path)
            .filter { $0.hasSuffix(".study.yaml") }
        #expect(run.stdout.hasPrefix("\(files.count) studies, 0 scenarios, "))
        for file in files {
            #expect(run.stderr.contains("/invalid/\(file):") || run.stderr.contains("/invalid/csv/"), "\(file)")
        }
    }

    @Test("a path that does not exist, an empty folder, an empty file and a binary file: exit 1")
    func unreadableInputs() throws {
        let folder = try RunKVPlan.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Data().write(to: folder.appendingPathComponent("empty.study.yaml"))
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF]).write(to: folder.appendingPathComponent("binary.study.yaml"))
        try Data(("models: " + String(repeating: "[", count: 10_000)).utf8).write(to: folder.appendingPathComponent("nested.study.yaml"))
        for (name, message) in [("missing.study.yaml", "missing.study.yaml:1:1: error: cannot read the study: no such file"),
                                ("empty", "empty:1:1: error: no `*.study.yaml` files in this directory"),
                                ("empty.study.yaml", "empty.study.yaml:1:1: error: the file is empty"),
                                ("binary.study.yaml", "binary.study.yaml:1:1: error: not UTF-8 text"),
                                ("nested.study.yaml", "nested.study.yaml:1:10: error: YAML syntax: nested too deeply")] {
            let run = try RunKVPlan.run(["check", name], in: folder)
            #expect(run.status == 1, "\(name)")
            #expect(run.stderr.hasPrefix(message), "\(name): \(run.stderr)")
        }
    }

    @Test("a folder argument is searched in sorted order, deterministically")
    func sortedOrder() throws {
        let folder = try RunKVPlan.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["b.study.yaml", "a/z.study.yaml", "a.study.yaml", "notes.yaml"] {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("title: [\n".utf8).write(to: url)
        }
        let run = try RunKVPlan.run(["check", "."], in: folder)
        let files = run.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.map { String($0.prefix { $0 != ":" }) }
        #expect(files == ["./a/z.study.yaml", "./a.study.yaml", "./b.study.yaml"])
        #expect(run.stdout == "3 studies, 0 scenarios, 3 errors\n")
    }

    @Test("the examples folder checks clean")
    func examplesFolder() throws {
        #expect(Self.examples.count >= 5)
        let run = try RunKVPlan.run(["check", "examples"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("\(Self.examples.count) stud"))
    }

    static var examples: [String] {
        let folder = RunKVPlan.packageRoot.appendingPathComponent("examples").path
        let enumerator = FileManager.default.enumerator(atPath: folder)
        return (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".study.yaml") }
    }
}

/// `kvplan schema` prints the reference the README carries.
@Suite("kvplan schema")
struct SchemaCommandTests {
    @Test("prints exactly the README's study-format section")
    func matchesReadme() throws {
        let run = try RunKVPlan.run(["schema"])
        #expect(run.status == 0)
        let readme = try String(contentsOf: RunKVPlan.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("<!-- study-format:begin -->\n" + run.stdout + "<!-- study-format:end -->"))
    }
}

/// `kvplan estimate --study` prints a study's sweep.
@Suite("kvplan estimate --study")
struct EstimateStudyTests {
    @Test("JSON lines: one per scenario and context, in the study's order")
    func jsonLines() throws {
        let run = try RunKVPlan.run(["estimate", "--study", "\(CheckCommandTests.fixtures)/valid/minimal.study.yaml", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 15)
        let keys = lines.compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let compression = object["compression"] as? String, let context = object["context"] as? Int else { return nil }
            return "\(compression)@\(context)"
        }
        #expect(Array(keys.prefix(6)) == ["none@4096", "none@16384", "none@50000", "none@102400", "none@200000", "kivi-2bit@4096"])
    }

    @Test("a table per scenario; an invalid study exits 1 with its diagnostics; options clash with --study")
    func tablesAndErrors() throws {
        let table = try RunKVPlan.run(["estimate", "--study", "\(CheckCommandTests.fixtures)/valid/linear-range.study.yaml"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("1,750"))
        let invalid = try RunKVPlan.run(["estimate", "--study", "\(CheckCommandTests.fixtures)/three-mistakes.study.yaml"])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("three-mistakes.study.yaml:8:3: error: unknown key `usres`"))
        let clash = try RunKVPlan.run(["estimate", "--study", "x.study.yaml", "--model", "yi-34b-200k"])
        #expect(clash.status == 64)
    }
}
