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
        #expect(OutputDirectory.ownedFiles(in: out) == ["a/x.csv", "index.html"])
        // The user adds a file of their own; the next render drops a.csv but keeps theirs.
        try "mine".write(toFile: "\(out)/notes.txt", atomically: true, encoding: .utf8)
        try OutputDirectory.write(["index.html": Array("two".utf8), "b.csv": Array("2".utf8)], to: out, inputs: [])
        #expect(read("index.html") == "two")
        #expect(read("a/x.csv") == nil)
        #expect(!FileManager.default.fileExists(atPath: "\(out)/a"))
        #expect(read("notes.txt") == "mine")
        #expect(OutputDirectory.ownedFiles(in: out) == ["b.csv", "index.html"])
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

/// Issue 12: nothing outside `--out` is touched, whatever `--out` holds; an update is the old
/// site or the new one, never a mix.
@Suite("Output directory: hostile contents and failures")
struct OutputDirectoryHardeningTests {
    let root: String
    let out: String

    init() throws {
        root = NSTemporaryDirectory() + "kvplan-hostile-\(UUID().uuidString)"
        out = root + "/out"
        try FileManager.default.createDirectory(atPath: root + "/outside/deep", withIntermediateDirectories: true)
        try "victim".write(toFile: root + "/outside/victim.txt", atomically: true, encoding: .utf8)
        try "deep victim".write(toFile: root + "/outside/deep/index.html", atomically: true, encoding: .utf8)
    }

    static let old: [String: [UInt8]] = ["index.html": Array("old index".utf8), "a.html": Array("old a".utf8), "a/t1.csv": Array("old 1".utf8)]
    static let new: [String: [UInt8]] = ["index.html": Array("new index".utf8), "b.html": Array("new b".utf8), "b/t1.csv": Array("new 1".utf8)]

    /// Every file and link under `path` (not followed) with its content or target.
    static func snapshot(_ path: String, skipping: String? = nil) -> [String: String] {
        var result: [String: String] = [:]
        let manager = FileManager.default
        for name in (try? manager.subpathsOfDirectory(atPath: path)) ?? [] {
            let full = path + "/" + name
            if let skipping, full == skipping || full.hasPrefix(skipping + "/") { continue }
            if let target = try? manager.destinationOfSymbolicLink(atPath: full) {
                result[name] = "link → " + target
            } else if let data = manager.contents(atPath: full) {
                result[name] = String(decoding: data, as: UTF8.self)
            }
        }
        return result
    }

    /// kvplan's view of `out`: its files, as the old or the new render wrote them.
    func site() -> [String: String] {
        Self.snapshot(out).filter { $0.value.hasPrefix("old") || $0.value.hasPrefix("new") }
    }

    func isOldOrNew() -> Bool {
        let current = site()
        return current == Self.old.mapValues { String(decoding: $0, as: UTF8.self) }
            || current == Self.new.mapValues { String(decoding: $0, as: UTF8.self) }
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix(".out.kvplan-") }
    }

    @Test("a symlinked folder and a hostile manifest: every file outside --out is unchanged")
    func symlinkAndHostileManifest() throws {
        try OutputDirectory.write(Self.old, to: out, inputs: [])
        try FileManager.default.createSymbolicLink(atPath: out + "/link", withDestinationPath: "../outside")
        try FileManager.default.createSymbolicLink(atPath: out + "/b", withDestinationPath: root + "/outside/deep")
        let victimHash = SHA256.hex("victim")
        let hostile = [
            "../outside/victim.txt", "/\(root)/outside/victim.txt", "link/victim.txt", "\(victimHash) link/victim.txt",
            "link/../../outside/victim.txt", "./link/victim.txt", "link//victim.txt", "b/index.html", "index.html",
        ].joined(separator: "\n")
        try (hostile + "\n").write(toFile: out + "/" + OutputDirectory.manifestName, atomically: true, encoding: .utf8)
        let outside = Self.snapshot(root, skipping: out)

        // The new render writes b/t1.csv, and b is a link out of --out: refused, nothing changed.
        #expect(throws: OutputDirectory.Refusal.self) { try OutputDirectory.write(Self.new, to: out, inputs: []) }
        #expect(Self.snapshot(root, skipping: out) == outside)
        // Without b in the way the render goes through; the links stay links, nothing outside moves.
        try FileManager.default.removeItem(atPath: out + "/b")
        try OutputDirectory.write(Self.new, to: out, inputs: [])
        #expect(Self.snapshot(root, skipping: out) == outside)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/link") == "../outside")
        #expect(Self.snapshot(out)["index.html"] == "new index")
        // The hostile manifest's index.html line had no hash: an old-style entry for a plain file
        // inside --out, so kvplan replaced it; the rest named nothing kvplan may touch.
        #expect(OutputDirectory.ownedFiles(in: out) == Set(Self.new.keys))
    }

    @Test("a file kvplan wrote and the user then edited is theirs: kept, and not overwritten")
    func editedFileIsTheUsers() throws {
        try OutputDirectory.write(Self.old, to: out, inputs: [])
        try "my edit".write(toFile: out + "/a.html", atomically: false, encoding: .utf8)
        try OutputDirectory.write(["index.html": Array("x".utf8)], to: out, inputs: [])
        #expect(Self.snapshot(out)["a.html"] == "my edit")
        #expect(Self.snapshot(out)["a/t1.csv"] == nil)
        #expect(throws: OutputDirectory.Refusal.self) { try OutputDirectory.write(["a.html": []], to: out, inputs: []) }
    }

    @Test("the switch fails: the old site is whole and nothing is left beside it")
    func renameFails() throws {
        try OutputDirectory.write(Self.old, to: out, inputs: [])
        try "mine".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        let before = Self.snapshot(out)
        var hooks = OutputDirectory.Hooks()
        hooks.exchange = { _, _ in EIO }
        #expect(throws: OutputDirectory.Refusal.self) { try OutputDirectory.write(Self.new, to: out, inputs: [], hooks: hooks) }
        #expect(Self.snapshot(out) == before)
        #expect(try leftovers().isEmpty)
    }

    @Test("without an atomic exchange (ENOSYS), two renames still give the new site, the user's files kept")
    func twoRenameFallback() throws {
        try OutputDirectory.write(Self.old, to: out, inputs: [])
        try "mine".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        var hooks = OutputDirectory.Hooks()
        hooks.exchange = { _, _ in ENOSYS }
        try OutputDirectory.write(Self.new, to: out, inputs: [], hooks: hooks)
        #expect(isOldOrNew() && Self.snapshot(out)["index.html"] == "new index")
        #expect(Self.snapshot(out)["notes.txt"] == "mine")
        #expect(try leftovers().isEmpty)
    }

    @Test("a file the user saves during a render is moved into the new site, not lost")
    func lateArrival() throws {
        try OutputDirectory.write(Self.old, to: out, inputs: [])
        var hooks = OutputDirectory.Hooks()
        let out = self.out
        hooks.step = { step in
            if step == "exchange" { try? "saved meanwhile".write(toFile: out + "/late.txt", atomically: false, encoding: .utf8) }
        }
        try OutputDirectory.write(Self.new, to: out, inputs: [], hooks: hooks)
        #expect(Self.snapshot(out)["late.txt"] == "saved meanwhile")
    }

    @Test("what killed renders left beside --out goes at the next render; an old site set aside comes back")
    func leftoversRemoved() throws {
        try OutputDirectory.write(Self.old, to: out, inputs: [])
        // A dead process's staging (pid 2^22 + 1 is above Linux's pid_max default), and a link
        // named like one: the link is removed, never followed.
        let dead = root + "/.out.kvplan-4194305"
        try FileManager.default.createDirectory(atPath: dead + "/x", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/.out.kvplan-4194306", withDestinationPath: root + "/outside")
        try OutputDirectory.write(Self.new, to: out, inputs: [])
        #expect(try leftovers().isEmpty)
        #expect(Self.snapshot(root + "/outside")["victim.txt"] == "victim")

        // A two-rename switch that died between its renames: --out is missing, the old site aside.
        try FileManager.default.moveItem(atPath: out, toPath: root + "/.out.kvplan-4194305-old")
        OutputDirectory.Staging(out: out).removeLeftovers()
        #expect(Self.snapshot(out)["index.html"] == "new index")
    }

    @Test("--out / is refused, and so is a directory holding an input", arguments: ["/", "//", "/.", "/tmp/.."])
    func rootRefused(_ directory: String) {
        #expect(throws: OutputDirectory.Refusal.self) { try OutputDirectory.write(["index.html": []], to: directory, inputs: []) }
    }

    @Test("a study's path is recorded relative to the site", arguments: [
        ("/work/repo/examples/a.study.yaml", "/work/repo/reports", "../examples/a.study.yaml"),
        ("/work/repo/a.study.yaml", "/work/repo/site/deep", "../../a.study.yaml"),
        ("/elsewhere/a.study.yaml", "/work/site", "../../elsewhere/a.study.yaml"),
    ])
    func relativeStudyPath(_ input: String, _ directory: String, _ expected: String) {
        #expect(OutputDirectory.relativePath(of: input, from: directory) == expected)
    }
}
