import Foundation
import Testing
import KVStudy
@testable import KVLoader

@Suite("The study-format reference is generated from the schema and cannot drift")
struct StudyFormatReferenceTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../README.md").standardized.path

    @Test("README.md's study-format section is exactly `kvplan schema`'s output")
    func readmeMatches() throws {
        let text = try String(contentsOfFile: Self.readme, encoding: .utf8)
        let begin = "<!-- study-format:begin -->\n", end = "<!-- study-format:end -->"
        let start = try #require(text.range(of: begin), "README.md lacks \(begin)")
        let stop = try #require(text.range(of: end, range: start.upperBound..<text.endIndex), "README.md lacks \(end)")
        #expect(String(text[start.upperBound..<stop.lowerBound]) == Schema.markdownReference(),
                "regenerate it: swift run kvplan schema, pasted between the markers")
    }

    @Test("the reference lists every key of every map a study can hold")
    func listsEveryKey() {
        let reference = Schema.markdownReference()
        for schema in Schema.studyFormat {
            #expect(reference.contains("### \(schema.title)\n"))
            for key in schema.keys {
                #expect(reference.contains("| `\(key.name)` | "), "`\(key.name)` of \(schema.title)")
            }
        }
        #expect(reference.contains("| `mode` | peak \\| calibrated \\| both | peak |"))
    }

    @Test("the reference's example study is valid")
    func exampleLoads() {
        let (study, log) = Fixtures.load(text: Schema.exampleStudy, path: "example.study.yaml")
        #expect(study != nil)
        #expect(log.diagnostics.isEmpty, "\(log.summary)")
    }

    @Test("every key the loader reads is in the schema tables (unknown keys are rejected)")
    func schemaIsTheLoadersTable() {
        let (_, log) = Fixtures.load(text: "title: t\nmodels: [llama-2-7b]\nhardware: [l4]\ncontexts: [4K]\nworkload: {mix: 1}\n", path: "k.study.yaml")
        #expect(log.diagnostics.map(\.message) == ["unknown key `mix` in `workload`"])
    }
}
