import Foundation
import Testing
import KVEstimator
import KVStudy
@testable import KVReport

/// Issue 11's figures in the report: sessions through their last token beside the paper's
/// concurrency, the parallel layout in the setup, communication, prefill memory and speculative
/// decoding — each section where the study makes it meaningful, with the estimator's figures.
@Suite("Deployment sections")
struct DeploymentSectionTests {
    static func document(_ yaml: String) throws -> Document {
        let evaluation = try StudyEvaluation(study: ReportTests.study(yaml))
        return DocumentBuilder.build(evaluation, slug: "test", kvplanVersion: "test", methodologyMarkdown: "")
    }

    static func section(_ document: Document, _ id: String) -> Section? {
        document.sections.first { $0.id == id }
    }

    static func tables(_ section: Section) -> [Table] {
        section.blocks.compactMap { if case .table(let table) = $0 { table } else { nil } }
    }

    static func paragraphs(_ section: Section) -> [String] {
        section.blocks.compactMap { if case .paragraph(let text) = $0 { text } else { nil } }
    }

    static func traceTitles(_ section: Section) -> Set<String> {
        Set(section.blocks.flatMap { block -> [String] in
            guard case .traces(_, let groups) = block else { return [] }
            return groups.flatMap { $0.lines.map(\.quantity) }
        })
    }

    /// A column's raw values by its header.
    static func column(_ table: Table, _ title: String) -> [String]? {
        guard let index = table.columns.firstIndex(where: { $0.title == title }) else { return nil }
        return table.values.all.map { $0[index] }
    }

    /// Two layouts of Llama-3.1-70B on H200 nodes and a 4K self-draft, as in the gallery's example.
    static let layouts = """
        title: Layouts
        models: [llama-3.1-70b]
        hardware:
          - {preset: h200-sxm, gpus: 8, name: tp8}
          - {preset: h200-sxm, gpus: 16, pp: 2, name: tp8-pp2}
        contexts: [4K, 128K]
        workload:
          output_tokens: 1000
          users: 512
          precision: {weights: fp8, kv: bf16}
          activation_memory: true
          speculative: {draft: self-4K, draft_tokens: 4, acceptance: 0.8}
        """

    /// One GPU, short prompts, plain decode: none of the deployment sections means anything.
    static let single = """
        title: One GPU
        models: [llama-3.1-8b]
        hardware: [h100-sxm]
        contexts: [2K, 8K]
        """

    @Test func aMultiGPUSpeculativeStudyHasEachSectionAndASingleGPUStudyNone() throws {
        let ids = try Self.document(Self.layouts).sections.map(\.id)
        for id in ["communication", "prefill-memory", "speculative"] { #expect(ids.contains(id), "\(id)") }
        // In page order: after the four challenges, before compression and cost.
        #expect(ids.firstIndex(of: "switching")! < ids.firstIndex(of: "communication")!)
        #expect(ids.firstIndex(of: "speculative")! < ids.firstIndex(of: "cost")!)
        let plain = try Self.document(Self.single).sections.map(\.id)
        for id in ["communication", "prefill-memory", "speculative"] { #expect(!plain.contains(id), "\(id)") }
    }

    /// Issue 11's row: Llama-3.1-70B prefill on 8× H100 — the ring all-reduces add ≈57% at 4K and
    /// ≈26% at 128K to the compute; the table's figures are the estimator's.
    @Test func theCommunicationTableSplitsPrefillAsTheIssueStatesIt() throws {
        let document = try Self.document("""
            title: TP8
            models: [llama-3.1-70b]
            hardware: [{preset: h100-sxm, gpus: 8}]
            contexts: [4K, 128K]
            """)
        let section = try #require(Self.section(document, "communication"))
        let table = try #require(Self.tables(section).first)
        let prefill = try #require(Self.column(table, "prefill (s)")).compactMap(Double.init)
        let communication = try #require(Self.column(table, "of which communication (s)")).compactMap(Double.init)
        #expect(prefill.count == 2 && communication.count == 2)
        let added = zip(prefill, communication).map { $1 / ($0 - $1) }
        #expect(abs(added[0] - 0.57) < 0.02, "\(added)")
        #expect(abs(added[1] - 0.26) < 0.02, "\(added)")
        // No pipeline or expert parallelism here: no columns for them, and no bars.
        #expect(Self.column(table, "pipeline sends (s)") == nil)
        #expect(Self.traceTitles(section).contains("Communication (tensor parallel)"))
        let figure = try #require(section.blocks.compactMap { if case .figure(let f) = $0 { f } else { nil } }.first)
        guard case .bars(let bars) = figure.chart else { Issue.record("not a bar chart"); return }
        #expect(bars.series.map(\.name) == ["compute or weights read", "tensor-parallel all-reduces"])
        #expect(abs(bars.series[1].values[0] - communication[0]) / communication[0] < 1e-9)
    }

    /// Expert parallelism: the all-to-alls get their own column and segment beside the all-reduces.
    @Test func expertParallelAllToAllsHaveTheirOwnColumnAndBar() throws {
        let document = try Self.document("""
            title: DeepSeek-V3 with experts spread
            models: [deepseek-v3]
            hardware: [{preset: h200-sxm, gpus: 16, ep: 16}]
            contexts: [4K, 32K]
            workload: {precision: {weights: fp8, kv: bf16}}
            """)
        let section = try #require(Self.section(document, "communication"))
        let table = try #require(Self.tables(section).first)
        let expert = try #require(Self.column(table, "expert-parallel all-to-all (s)")).compactMap(Double.init)
        #expect(expert.count == 2 && expert.allSatisfy { $0 > 0 })
        let figure = try #require(section.blocks.compactMap { if case .figure(let f) = $0 { f } else { nil } }.first)
        guard case .bars(let bars) = figure.chart else { Issue.record("not a bar chart"); return }
        #expect(bars.series.map(\.name) == ["compute or weights read", "tensor-parallel all-reduces", "expert-parallel all-to-all"])
        #expect(Self.traceTitles(section).contains("Communication (expert parallel)"))
    }

    /// Bars are named by what varies: one chart per model when hardware varies too (both names
    /// would not fit under a bar), otherwise one chart; single-GPU scenarios have no bar.
    @Test func communicationChartsNameTheirBarsByWhatVaries() throws {
        func categories(_ yaml: String) throws -> [[String]] {
            let section = try #require(Self.section(try Self.document(yaml), "communication"))
            return section.blocks.compactMap { block -> [String]? in
                guard case .figure(let figure) = block, case .bars(let chart) = figure.chart else { return nil }
                return chart.categories
            }
        }
        #expect(try categories("""
            title: Two by two
            models: [llama-3.1-70b, qwen2-72b]
            hardware:
              - {preset: h200-sxm, gpus: 8, name: tp8}
              - {preset: h200-sxm, gpus: 16, pp: 2, name: tp8-pp2}
              - h200-sxm
            contexts: [4K, 32K]
            workload: {precision: {weights: fp8, kv: bf16}}
            """) == [["tp8", "tp8-pp2"], ["tp8", "tp8-pp2"]])
        #expect(try categories("""
            title: Models on one server
            models: [llama-3.1-70b, qwen2-72b]
            hardware: [{preset: h100-sxm, gpus: 8}]
            contexts: [4K, 32K]
            """) == [["llama-3.1-70b", "qwen2-72b"]])
    }

    @Test func pipelineStagesShowTheirSendsTheirTraceAndTheLayoutInSetup() throws {
        let document = try Self.document(Self.layouts)
        let communication = try #require(Self.section(document, "communication"))
        let table = try #require(Self.tables(communication).first)
        let sends = try #require(Self.column(table, "pipeline sends (s)")).compactMap(Double.init)
        #expect(sends[0] == 0 && sends[2] > 0)  // rows: tp8 at 4K, 128K; tp8-pp2 at 4K, 128K
        let setup = try #require(Self.section(document, "setup"))
        let hardware = try #require(Self.tables(setup).first { $0.caption.hasPrefix("Hardware") })
        #expect(Self.column(hardware, "parallel layout") == ["TP 8, tensor-parallel attention", "TP 8 × PP 2, tensor-parallel attention"])
        #expect(Self.paragraphs(setup).contains { $0.contains("drafts 4 tokens per step with self-4096") })
        let single = try #require(Self.section(try Self.document(Self.single), "setup"))
        let singleHardware = try #require(Self.tables(single).first { $0.caption.hasPrefix("Hardware") })
        #expect(Self.column(singleHardware, "parallel layout") == nil)
    }

    /// Issue 11's acceptance: Llama-3.1-8B on an H100 at 2K with 4096 output tokens holds 86
    /// sessions through their last token; the concurrency table shows it beside the paper's figure.
    @Test func theConcurrencyTableShowsSessionsThroughTheirLastToken() throws {
        let document = try Self.document("""
            title: Growth
            models: [llama-3.1-8b]
            hardware: [h100-sxm]
            contexts: [2K, 8K]
            workload: {output_tokens: 4096, users: 10000}
            """)
        let section = try #require(Self.section(document, "concurrency"))
        let table = try #require(Self.tables(section).first)
        #expect(table.columns.map(\.title) == ["context (tokens)", "llama-3.1-8b — admitted at n (sessions)", "llama-3.1-8b — through n + m (sessions)"])
        #expect(Self.column(table, "llama-3.1-8b — through n + m (sessions)")?.first == "86")
        #expect(Self.paragraphs(section).contains { $0.contains("86 through 2K + 4,096, a decode batch of 86") })
        #expect(Self.traceTitles(section).contains("Concurrency through the last token"))
    }

    @Test func replicatedKVIsNamedWithItsReason() throws {
        let document = try Self.document("""
            title: DeepSeek
            models: [deepseek-v3]
            hardware: [{preset: h200-sxm, gpus: 8}]
            contexts: [4K, 128K]
            workload: {precision: {weights: fp8, kv: bf16}}
            """)
        let section = try #require(Self.section(document, "concurrency"))
        #expect(Self.paragraphs(section).contains { $0.contains("deepseek-v3 8× over 8 ranks (an MLA latent has no heads to split") })
        #expect(Self.traceTitles(section).contains("KV replication over ranks"))
        let table = try #require(Self.tables(section).first)
        #expect(Self.column(table, "deepseek-v3 — admitted at n (sessions)") == ["234", "7"])
    }

    /// The paper's own example: one session of Yi-34B at 50K fits on the A100, but not beside the
    /// activations of its prefill in one piece; from 100K not even the session fits.
    @Test func prefillMemoryShowsWhereLongPromptsForceChunking() throws {
        let document = try Self.document("""
            title: Yi-34B on one A100
            models: [yi-34b-200k]
            hardware: [a100-80gb-sxm]
            contexts: [4K, 50_000, 100_000]
            """)
        let section = try #require(Self.section(document, "prefill-memory"))
        let table = try #require(Self.tables(section).first)
        #expect(Self.column(table, "prefill in one piece") == ["fits", "does not fit: chunk it", "no session fits"])
        #expect(Self.paragraphs(section).contains { $0.contains("from 50,000 tokens for yi-34b-200k") })
        #expect(Self.traceTitles(section) == ["Prefill activation memory"])
    }

    /// At 128K a 4K self-draft pays off at the decode batch, and not at batch 1, where re-reading
    /// the weights for each drafted token outweighs the KV it skips; at 4K it pays off nowhere.
    @Test func speculativeDecodingShowsTheBatchesAtWhichItPaysOff() throws {
        let evaluation = try StudyEvaluation(study: ReportTests.study(Self.layouts))
        let document = DocumentBuilder.build(evaluation, slug: "test", kvplanVersion: "test", methodologyMarkdown: "")
        let section = try #require(Self.section(document, "speculative"))
        let table = try #require(Self.tables(section).first)
        let ranges = try #require(Self.column(table, "pays off at batches (of those that fit)"))
        let long = try #require(evaluation.first.estimates.last?.speculative)
        #expect(ranges == ["", "\(long.paysOffFromBatch)-\(long.paysOffUpToBatch)", "", ranges[3]])
        #expect(long.paysOffFromBatch > 1 && long.paysOffUpToBatch == evaluation.first.estimates.last?.decodeBatch)
        #expect(Self.paragraphs(section).contains { $0.hasPrefix("At 4K tokens it pays off for none of the scenarios") })
        #expect(Self.traceTitles(section) == ["Speculative decoding"])
        // Speed-up against the batch: up to the sessions that fit through their last token.
        let sweep = try #require(evaluation.speculativeSweeps.last)
        #expect(sweep.points.first?.batch == 1 && sweep.points.last?.batch == evaluation.first.estimates.last?.concurrencySustained)
        #expect((sweep.points.first?.speedup ?? 1) < 1 && (sweep.points.last?.speedup ?? 0) > 1)
    }

    /// Notebook cells name the deployment sections' charts and tables; a study without the
    /// setting gets a sentence saying what the cell needs.
    @Test func notebookCellsShowTheDeploymentFigures() throws {
        let cells = """
            cells:
              - chart: communication
              - table: speculative
              - table: prefill_memory
            """
        let document = try Self.document(Self.layouts + "\n" + cells)
        let blocks = document.sections.flatMap(\.blocks)
        let figures = blocks.compactMap { if case .figure(let f) = $0 { f } else { nil } }
        let tables = blocks.compactMap { if case .table(let t) = $0 { t } else { nil } }
        #expect(figures.map(\.topic) == [.communication])
        #expect(tables.map(\.caption) == ["Speculative decoding by scenario and context (decode of the output at the decode batch)", "Prefill memory by scenario and prompt length"])
        let plain = try Self.document(Self.single + "\n" + cells).sections.flatMap(\.blocks)
        let sentences = plain.compactMap { if case .paragraph(let text) = $0 { text } else { nil } }
        #expect(sentences == [
            "This study has nothing to show here: communication needs a replica of more than one GPU.",
            "This study has nothing to show here: speculative needs a speculative workload.",
            "This study has nothing to show here: prefill_memory needs activation_memory, prefill_chunk or a prompt that forces chunking.",
        ])
    }
}
