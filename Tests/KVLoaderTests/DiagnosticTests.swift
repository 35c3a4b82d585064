import Testing
import KVStudy
@testable import KVLoader

@Suite("Diagnostics: every mistake, located, explained")
struct DiagnosticTests {
    @Test("three independent mistakes are all reported, in file order, at their positions")
    func threeMistakes() {
        let (study, log) = Fixtures.load("three-mistakes.study.yaml")
        #expect(study == nil)
        let path = Fixtures.path("three-mistakes.study.yaml")
        #expect(log.diagnostics.map(\.description) == [
            "\(path):4:35: error: `gpus` expects an integer, found `two`",
            "\(path):8:3: error: unknown key `usres` in `workload` (did you mean `users`?)",
            "\(path):10:12: error: `chart` must be one of concurrency, prefill, decode, switching, memory, roofline, cost, sharing, measured, communication, prefill_memory, speculative, decode_throughput, cost_per_million_tokens, got `decod` (did you mean `decode`, `decode_throughput`?)",
        ])
    }

    @Test("the caret snippet quotes the line and points at the column")
    func caretSnippet() {
        let (_, log) = Fixtures.load(text: "title: t\nmodels: [yi-34b-200k]\nhardware: [a100-80gb-sxm]\ncontexts: [4K]\nworkload:\n  users: many\n", path: "s.study.yaml")
        #expect(log.diagnostics.map(\.rendered) == [
            "s.study.yaml:6:10: error: `users` expects an integer, found `many`\n  users: many\n         ^",
        ])
    }

    @Test("CRLF line ends: the same lines, columns and snippet as LF")
    func windowsLineEnds() {
        let text = "title: t\r\nmodels: [yi-34b-200k]\r\nhardware: [a100-80gb-sxm]\r\ncontexts: [4K]\r\nunits: binry\r\n"
        let (_, log) = Fixtures.load(text: text, path: "w.study.yaml")
        #expect(log.diagnostics.map(\.rendered) == [
            "w.study.yaml:5:8: error: `units` must be one of decimal, binary, got `binry` (did you mean `binary`?)\nunits: binry\n       ^",
        ])
    }

    @Test("a very long line is cut to a window so that the caret points into it")
    func longLineSnippet() {
        let text = "title: t\nmodels: [yi-34b-200k]\nhardware: [a100-80gb-sxm]\nworkload: {}\ncontexts: [\(String(repeating: "4K, ", count: 80))8X, 16K]\n"
        let (_, log) = Fixtures.load(text: text, path: "l.study.yaml")
        let lines = log.diagnostics.first?.rendered.split(separator: "\n") ?? []
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("…") && lines[1].count <= 201)
        let caret = lines[2].count - 1
        #expect(Array(lines[1])[caret] == Array(text.split(separator: "\n")[4])[log.diagnostics[0].location.column - 1])
    }

    @Test("a duplicate key is reported where it repeats, and the rest of the file is still checked")
    func duplicateKeys() {
        let (study, log) = Fixtures.load(text: """
            title: t
            models: [yi-34b-200k]
            hardware: [a100-80gb-sxm]
            contexts: [4K]
            workload: {users: 2, users: 3}
            title: again
            mode: peek
            """, path: "d.study.yaml")
        #expect(study == nil)
        #expect(log.diagnostics.map(\.description) == [
            "d.study.yaml:5:22: error: duplicate key `users` (first at line 5): each key may appear once in a map",
            "d.study.yaml:6:1: error: duplicate key `title` (first at line 1): each key may appear once in a map",
            "d.study.yaml:7:7: error: `mode` must be one of peak, calibrated, both, got `peek` (did you mean `peak`?)",
        ])
    }

    @Test("a context beyond a model's maximum is a warning once per model, at the first such context")
    func beyondMaximumContext() throws {
        let (loaded, log) = Fixtures.load("warning/beyond-max.study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        #expect(study.contexts == [4096, 200_000, 262_144, 1_048_576])
        let path = Fixtures.path("warning/beyond-max.study.yaml")
        #expect(log.diagnostics.map(\.description) == [
            "\(path):4:25: warning: 2 of 4 contexts (from 262_144 tokens) are beyond the maximum context of `yi-34b-200k`, 200_000 tokens: they are estimated anyway and marked in reports (`allow_beyond_max: true` silences this warning)",
            "\(path):4:31: warning: 1 of 4 contexts (from 1_048_576 tokens) are beyond the maximum context of `qwen2.5-7b-1m`, 1_010_000 tokens: they are estimated anyway and marked in reports (`allow_beyond_max: true` silences this warning)",
        ])
    }

    @Test("allow_beyond_max: true silences the warning")
    func beyondMaximumAllowed() throws {
        let text = try Fixtures.text("warning/beyond-max.study.yaml") + "allow_beyond_max: true\n"
        let (study, log) = Fixtures.load(text: text)
        #expect(study?.allowBeyondMax == true)
        #expect(log.diagnostics.isEmpty, "\(log.summary)")
    }

    @Test("a file that is not there, or a folder, is an error")
    func unreadable() {
        for (path, reason) in [(Fixtures.path("no-such.study.yaml"), "no such file"), (Fixtures.path("valid"), "a directory, not a file")] {
            let (study, log) = Fixtures.loader.load(path: path)
            #expect(study == nil)
            #expect(log.diagnostics.map(\.description) == ["\(path):1:1: error: cannot read the study: \(reason)"])
        }
    }

    @Test("missing required keys are each reported")
    func missingKeys() {
        let (_, log) = Fixtures.load(text: "description: nothing else\n", path: "m.study.yaml")
        #expect(log.diagnostics.map(\.message) == ["title", "models", "hardware", "contexts"].map { "missing required key `\($0)` in the study" })
    }

    @Test("duplicate names after resolution: a preset beside the same preset renamed is fine")
    func entryNames() {
        let (study, log) = Fixtures.load(text: """
            title: t
            models: [yi-34b-200k]
            hardware: [h100-sxm, {preset: h100-sxm, gpus: 8}, {preset: h100-sxm, gpus: 8}]
            contexts: [4K]
            """, path: "n.study.yaml")
        #expect(study == nil)
        #expect(log.diagnostics.map(\.description) == [
            "n.study.yaml:3:51: error: duplicate hardware `h100-sxm-x8` (also at line 3): give one of them a distinct `name`",
        ])
    }

    @Test("a misspelt key in a nested map suggests the right one")
    func nestedDidYouMean() {
        let (_, log) = Fixtures.load(text: """
            title: t
            models: [yi-34b-200k]
            hardware: [a100-80gb-sxm]
            contexts: {from: 4K, to: 1M, step: 4}
            """, path: "r.study.yaml")
        #expect(log.diagnostics.map(\.description).contains("r.study.yaml:4:30: error: unknown key `step` in `contexts` (did you mean `steps`?)"))
    }
}
