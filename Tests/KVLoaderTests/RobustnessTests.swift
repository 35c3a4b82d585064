import KVTestSupport
import Testing
import KVStudy
@testable import KVLoader

/// No input crashes the loader: whatever the bytes, the answer is a study or an error.
@Suite("Hostile input: a diagnostic, never a crash")
struct RobustnessTests {
    static let valid = """
        title: t
        models: [yi-34b-200k, {preset: yi-34b-200k, layers: 24, name: short}]
        hardware: [{preset: h100-sxm, gpus: 8}]
        compression: [none, kivi-2bit+h2o-20]
        contexts: {from: 4K, to: 128K, steps: 6}
        workload: {users: 8, precision: {kv: fp8}}
        measurements:
          - {model: short, hardware: h100-sxm-x8, phase: prefill, batch: 1, context: 4K, seconds: 0.2}
        cells:
          - chart: decode
            series: model
        """

    /// Inputs that must each be rejected, with the position the error must point at.
    static let rejected: [(name: String, bytes: [UInt8], line: Int, column: Int)] = [
        ("empty", [], 1, 1),
        ("only a comment", Array("# nothing here\n".utf8), 1, 1),
        ("only spaces and newlines", Array("  \n\n   \n".utf8), 1, 1),
        ("invalid UTF-8 (Latin-1 é)", Array("title: caf".utf8) + [0xE9] + Array("\nmodels: []\n".utf8), 1, 11),
        ("invalid UTF-8 on a later line", Array("title: t\nmodels: [a]\n  x: ".utf8) + [0xC3, 0x28], 3, 6),
        ("a PNG header", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D], 1, 1),
        ("UTF-16 with a byte-order mark", [0xFF, 0xFE, 0x74, 0x00, 0x3A, 0x00], 1, 1),
        ("a NUL byte", Array("title: a\u{0}b\n".utf8), 1, 9),
        ("truncated inside a flow map", Array(valid.prefix(70).utf8), 3, 1),
        ("truncated inside a quoted string", Array("title: \"Yi-34B on".utf8), 1, 18),
        ("10,000 nested lists", Array(("models: " + String(repeating: "[", count: 10_000)).utf8), 1, 10),
        ("10,000 nested maps", Array(("models: " + String(repeating: "{a: ", count: 10_000)).utf8), 1, 4001),
        ("a huge exponent", Array("title: t\nmodels: [yi-34b-200k]\nhardware: [a100-80gb-sxm]\ncontexts: [4K]\nworkload: {users: 1e400}\n".utf8), 5, 19),
        ("a size that overflows", Array("title: t\nmodels: [yi-34b-200k]\nhardware: [{preset: a100-80gb-sxm, hbm: 1e308 TB}]\ncontexts: [4K]\n".utf8), 3, 41),
        ("steps of 1e300", Array("title: t\nmodels: [yi-34b-200k]\nhardware: [a100-80gb-sxm]\ncontexts: {from: 1, to: 2, steps: 1e300}\n".utf8), 4, 35),
        ("an undefined alias", Array("title: *nowhere\n".utf8), 1, 8),
        ("two documents", Array("title: a\n---\ntitle: b\n".utf8), 2, 1),
        ("a root scalar", Array("just some words\n".utf8), 1, 1),
    ]

    @Test(arguments: rejected.indices)
    func rejects(_ index: Int) {
        let input = Self.rejected[index]
        let (study, log) = Fixtures.loader.load(bytes: input.bytes, path: "fuzz.study.yaml")
        #expect(study == nil, "\(input.name)")
        let first = log.errors.first
        #expect(first != nil, "\(input.name): no error")
        #expect(first.map { ($0.location.line, $0.location.column) } ?? (0, 0) == (input.line, input.column),
                "\(input.name): \(log.summary)")
    }

    @Test("every prefix of a valid study loads or is rejected with an error")
    func truncations() {
        let bytes = Array(Self.valid.utf8)
        var rejected = 0
        for end in 0...bytes.count {
            let (study, log) = Fixtures.loader.load(bytes: Array(bytes[..<end]), path: "cut.study.yaml")
            #expect((study == nil) == log.hasErrors, "cut at \(end): \(log.summary)")
            if study == nil { rejected += 1 }
        }
        #expect(rejected > bytes.count / 2)
        #expect(Fixtures.loader.load(bytes: bytes, path: "whole.study.yaml").0 != nil)
    }

    @Test("random bytes and random edits of a valid study never crash the loader")
    func randomInput() {
        var generator = SplitMix64(seed: 2024)
        let valid = Array(Self.valid.utf8)
        let yamlish = Array("[]{}:,-#&*!|>'\"%@` \n\t?0123456789.eE_KM".utf8)
        for round in 0..<300 {
            var bytes: [UInt8]
            if round.isMultiple(of: 3) {
                bytes = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                bytes = valid
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let at = Int(generator.next() % UInt64(bytes.count))
                    bytes[at] = yamlish[Int(generator.next() % UInt64(yamlish.count))]
                }
            }
            let (study, log) = Fixtures.loader.load(bytes: bytes, path: "random.study.yaml")
            #expect((study == nil) == log.hasErrors)
        }
    }

    @Test("a very long line and many list items are fine")
    func largeButValid() throws {
        let contexts = (1...20_000).map(String.init).joined(separator: ", ")
        let (loaded, log) = Fixtures.load(text: "title: t\ndescription: \(String(repeating: "x", count: 100_000))\nmodels: [llama-2-7b]\nhardware: [l4]\ncontexts: [\(contexts)]\nallow_beyond_max: true\n")
        let study = try #require(loaded, "\(log.summary)")
        #expect(study.contexts.count == 20_000)
    }
}
