import Foundation
import Testing
import KVStudy
@testable import KVLoader
@testable import KVReport

/// Issue 16: where measurements came from a serving engine, the report states the mapping and
/// lists every run with the rows it gave or why it was left out — as the loader decided.
@Suite("Measurements from serving engines in the report")
struct EngineRunsSectionTests {
    static func fixture(_ folder: String) throws -> Study {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("KVLoaderTests/Fixtures/engines/\(folder)/\(folder).study.yaml").path
        let (study, log) = StudyLoader(catalog: ReportTests.catalog).load(path: path)
        return try #require(study, "\(log.diagnostics.map(\.rendered).joined(separator: "\n"))")
    }

    static func document(_ study: Study) throws -> Document {
        DocumentBuilder.build(try StudyEvaluation(study: study), slug: "test", kvplanVersion: "test", methodologyMarkdown: "")
    }

    @Test("the section follows the measured one, states the mapping and lists each run of the GuideLLM report")
    func guidellm() throws {
        let study = try Self.fixture("guidellm")
        let document = try Self.document(study)
        #expect(document.sections.prefix(2).map(\.id) == ["measured", "engine-runs"])
        let section = try #require(document.sections.first { $0.id == "engine-runs" })
        #expect(section.title == "Measurements from serving engines")
        #expect(DeploymentSectionTests.paragraphs(section) == [EngineMapping.statement])
        let table = try #require(DeploymentSectionTests.tables(section).first)
        // One file, model and GPU: named once, in the caption.
        #expect(table.caption == "Serving-benchmark runs and the measurements they gave: benchmarks.json (GuideLLM), llama-3.1-8b, h100-sxm")
        #expect(table.columns.map(\.title) == ["run", "measurements", "left out of the fit because"])
        #expect(table.rows.map { $0[0] } == [
            "benchmark 1, synchronous (concurrency 1)", "benchmark 2, throughput (all requests at once)",
            "benchmark 3, concurrent (concurrency 4)", "benchmark 4, concurrent (concurrency 16)", "benchmark 5, poisson (12 req/s)",
        ])
        #expect(table.rows.map { $0[1] } == ["2", "0", "1", "1", "0"])
        // The rows the table counts are the study's measurements.
        #expect(study.measurements.count == 4)
        #expect(table.rows[4][2] == "it asked for 12 req/s and achieved 7.9: requests queued, so latencies include waiting")
    }

    @Test("runs on several models or files get a column for each")
    func varying() throws {
        var study = try Self.fixture("aiperf")
        study.engineSources[1].runs[0].model = "llama-2-7b"
        let section = try #require(try Self.document(study).sections.first { $0.id == "engine-runs" })
        let table = try #require(DeploymentSectionTests.tables(section).first)
        #expect(table.columns.map(\.title) == ["file", "model", "run", "measurements", "left out of the fit because"])
        #expect(table.caption == "Serving-benchmark runs and the measurements they gave: h100-sxm")
        #expect(table.rows.map { $0[0] } == ["c1-isl1024.json (AIPerf / GenAI-Perf)", "c1-isl8192.json (AIPerf / GenAI-Perf)",
                                             "c16-isl2048.json (AIPerf / GenAI-Perf)", "c128-isl8192.json (AIPerf / GenAI-Perf)"])
        #expect(table.rows.map { $0[1] } == ["llama-3.1-8b", "llama-2-7b", "llama-3.1-8b", "llama-3.1-8b"])
    }

    @Test("a study whose measurements are all a CSV has no such section")
    func csvOnly() throws {
        let document = try Self.document(ReportTests.paperExample)
        #expect(!document.sections.contains { $0.id == "engine-runs" })
    }

    @Test("the README states the same mapping the report does")
    func readme() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("## Measurements from serving engines"))
        #expect(readme.contains("**The mapping.** " + EngineMapping.statement))
    }
}
