import Foundation
import Testing
import KVEstimator
import KVStudy
@testable import KVLoader
@testable import KVReport
import KVTemplates

/// Issue 10: reports a design review can trust. One fixture study per class of defect — findings'
/// wording and subjects, chart series and marks, dropped contexts, layout order — each with
/// several models and GPUs, never only the paper's example.
@Suite("Reports a review can trust")
struct ReviewReadyTests {
    static func document(_ yaml: String) throws -> Document {
        let study = ReportTests.study(yaml)
        return ReportRenderer(templates: try ReportTemplates()).document(for: try StudyEvaluation(study: study), slug: "test")
    }

    /// Two models (one with a 128K maximum, one with 1M) on three setups, one compression setting.
    static let mixed = """
        title: Two models on three GPU setups
        models: [llama-3.1-8b, qwen2.5-7b-1m]
        hardware:
          - a100-80gb-sxm
          - {preset: h100-sxm, gpus: 4}
          - {preset: a100-80gb-sxm, gpus: 4}
        contexts: [4K, 32K, 128K, 512K]
        workload: {users: 16}
        allow_beyond_max: true
        """

    // MARK: Findings: wording and subjects

    @Test("findings name the model and GPU they describe, and a study with one compression setting has no 'cheapest setting'")
    func findingsNameTheirSubject() throws {
        let document = try Self.document(Self.mixed)
        let findings = document.findings
        #expect(!findings.isEmpty)
        #expect(!findings.contains { $0.contains("cheapest setting") || $0.contains("No compression") })
        // Every sentence about one scenario's prefill, decode or switching names its model and GPU.
        for sentence in findings where sentence.contains("Prefill takes") || sentence.contains("prefill takes")
            || sentence.contains("generates") || sentence.contains("Swapping a") || sentence.contains("swapping a") {
            #expect(sentence.contains("Llama-3.1-8B") || sentence.contains("Qwen2.5-7B-Instruct-1M"), "no model in: \(sentence)")
            #expect(sentence.contains("NVIDIA"), "no GPU in: \(sentence)")
        }
        // Llama-3.1-8B's maximum is 128K: a finding at 512K leaves it out and says so (or says it extrapolates).
        for sentence in findings where sentence.contains("512K") && !sentence.hasPrefix("Some contexts exceed") {
            let figures = sentence.replacingOccurrences(of: "without Llama-3.1-8B, whose maximum is below 512K", with: "")
            #expect(!figures.contains("Llama-3.1-8B") || figures.contains("extrapolation"),
                    "a finding rests on Llama-3.1-8B at 512K (beyond its maximum) without saying so: \(sentence)")
        }
        #expect(findings.contains { $0.hasPrefix("At 512K tokens (without Llama-3.1-8B, whose maximum is below 512K) HBM holds from") })
        // Decode compares one stated batch; throughput states each batch.
        #expect(findings.contains { $0.contains("one session alone decodes") })
        #expect(findings.contains { $0.contains("the largest batch that fits decodes") && $0.contains("(batch ") })
        // Which setup is cheapest, across GPUs, per million tokens.
        #expect(findings.contains { $0.contains("a million tokens cost") && $0.contains("GPU-seconds") })
    }

    @Test("subtitles say what a study covers in words", arguments: [
        ("models: [llama-3.1-8b, yi-34b-200k, mistral-7b, llama-2-7b]\nhardware: [{preset: h100-sxm, gpus: 8}]", "4 models on 8× NVIDIA H100 SXM5 80GB; no compression"),
        ("models: [llama-3.1-8b]\nhardware: [a100-80gb-sxm, h100-sxm, h200-sxm, b200, mi300x]", "Llama-3.1-8B on 5 hardware setups;"),
        ("models: [llama-3.1-8b]\nhardware: [h100-sxm]\nmode: both", "peak and calibrated side by side"),
    ])
    func subtitles(entries: String, expected: String) throws {
        let document = try Self.document("title: t\n\(entries)\ncontexts: [4K, 32K]\n")
        #expect(document.subtitle.contains(expected), "\(document.subtitle)")
        #expect(!document.subtitle.contains("both mode") && !document.subtitle.contains(" on 5;"))
    }

    @Test("calibration findings say which figures are calibrated and which peak")
    func calibratedFindingsSaySo() throws {
        let document = try Self.document("""
            title: t
            models: [llama-3.1-8b, llama-2-7b]
            hardware: [h100-sxm]
            contexts: [1K, 4K]
            mode: both
            """)
        let scenarioFindings = document.findings.filter { $0.contains("Prefill") || $0.contains("prefill takes") || $0.contains("decodes") }
        #expect(!scenarioFindings.isEmpty)
        for sentence in scenarioFindings { #expect(sentence.contains("calibrated"), "\(sentence)") }
    }

    @Test("under mode: both, only times and costs name the mode; sessions in HBM do not depend on it")
    func modeNamedOnlyWhereItMatters() throws {
        let document = try Self.document("""
            title: t
            models: [llama-3.1-8b, llama-2-7b]
            hardware: [h100-sxm]
            contexts: [1K, 4K]
            mode: both
            """)
        let concurrency = try #require(document.findings.first { $0.contains("HBM holds from") })
        #expect(!concurrency.contains("calibrated") && !concurrency.contains("peak"), "\(concurrency)")
        #expect(concurrency.contains("(Llama-3.1-8B)") || concurrency.contains("(Llama-2-7B)"), "\(concurrency)")
        let decode = try #require(document.findings.first { $0.contains("one session alone decodes") })
        #expect(decode.contains("calibrated"), "\(decode)")
    }

    @Test("the hardware table says plainly when an entry states no network figure, and what is used instead")
    func linksWithoutNetworkFigure() throws {
        let document = try Self.document("""
            title: t
            models: [llama-3.1-8b]
            hardware: [{preset: a100-80gb-sxm, gpus: 4}]
            contexts: [4K]
            """)
        let rows = document.sections.flatMap(\.blocks).compactMap { block -> [String]? in
            if case .table(let table) = block { table.rows.flatMap { $0 } } else { nil }
        }.flatMap { $0 }
        let links = try #require(rows.first { $0.contains("per node;") })
        #expect(!links.contains("none stated") && !links.contains("(host link) per GPU"), "\(links)")
        #expect(links.contains("no network figure (cross-node traffic would use the host link)"), "\(links)")
    }

    @Test("a reason shared by several scenarios is said once, and counts agree with their nouns")
    func noRepeatedReasons() throws {
        let document = try Self.document(Self.mixed)
        let page = document.sections.flatMap(\.blocks).compactMap { block -> String? in if case .paragraph(let text) = block { text } else { nil } }
        let needs = try #require(page.first { $0.hasPrefix("To make") })
        #expect(needs.components(separatedBy: "no KV reduction suffices").count <= 3, "\(needs)")
        let everything = (document.findings + page).joined(separator: "\n")
        #expect(!everything.contains(" 1 sessions") && !everything.contains("(1 files)"))
    }

    @Test("the HBM caption names the model, not a GPU or a compression, where a model belongs")
    func memoryCaptionNamesTheModel() throws {
        let document = try Self.document(Self.mixed)
        let memory = try #require(document.figures.first { $0.topic == .memory })
        #expect(memory.caption.contains("one session of Qwen2.5-7B-Instruct-1M in it") && !memory.caption.contains("sxm-x4"), "\(memory.caption)")
    }

    // MARK: Charts: series and marks

    @Test("cost compares across hardware against one baseline, in GPU-seconds or money, per session and per million tokens")
    func costComparesAcrossHardware() throws {
        let study = ReportTests.study(Self.mixed)
        let evaluation = try StudyEvaluation(study: study)
        // The relative cost at the baseline context differs between GPUs (one baseline, not each its own).
        let atBaseline = evaluation.series.compactMap { $0.estimates[0].comparable?.studyRelativeCost }
        #expect(Set(atBaseline.map { ($0 * 1000).rounded() }).count > 1)
        #expect(evaluation.series[0].estimates[0].comparable?.studyRelativeCost == 1)
        let document = try Self.document(Self.mixed)
        let cost = try #require(document.figures.first { $0.topic == .cost })
        #expect(cost.caption.contains("one baseline") && cost.caption.contains("GPU-seconds"))
        #expect(document.figures.contains { $0.topic == .quantity(.costPerMillionTokens) })
        // With prices, in money.
        let priced = try Self.document("""
            title: t
            models: [llama-3.1-8b]
            hardware: [{preset: h100-sxm, price_per_hour: 2.5}, {preset: a100-80gb-sxm, price_per_hour: 1.2}]
            contexts: [4K, 32K]
            """)
        let perMillion = try #require(priced.figures.first { $0.topic == .quantity(.costPerMillionTokens) })
        #expect(perMillion.caption.contains("money"))
        #expect(priced.findings.contains { $0.contains("a million tokens cost $") })
    }

    @Test("decode time is charted at a stated batch and rises with context; throughput is a chart of its own")
    func decodeAtAStatedBatch() throws {
        let document = try Self.document(Self.mixed)
        let decode = try #require(document.figures.first { $0.topic == .decode })
        #expect(decode.caption.contains("batch 1"))
        guard case .line(let chart) = decode.chart else { Issue.record("decode is not a line chart"); return }
        for line in chart.series {
            let values = line.points.map(\.y)
            #expect(values == values.sorted(), "\(line.name) decode falls as the context grows: \(values)")
        }
        #expect(document.figures.contains { $0.topic == .quantity(.decodeThroughput) })
    }

    @Test("identical series are drawn once and named together in the legend")
    func coincidentSeriesNamed() throws {
        let document = try Self.document(Self.mixed)
        // Concurrency on 4×H100 and 4×A100 is the same (same HBM): one line named for both.
        let concurrency = try #require(document.figures.first { $0.topic == .concurrency })
        guard case .line(let chart) = concurrency.chart else { Issue.record("not a line chart"); return }
        #expect(chart.series.contains { $0.name.contains("h100-sxm-x4") && $0.name.contains(" = ") && $0.name.contains("a100-80gb-sxm-x4") })
        #expect(concurrency.caption.contains("Identical lines are drawn once"))
        let svg = HTMLWriter.svg(concurrency)
        #expect(svg.contains("h100-sxm-x4 = a100-80gb-sxm-x4") || svg.contains("qwen2.5-7b-1m · h100-sxm-x4 = qwen2.5-7b-1m · a100-80gb-sxm-x4"))
    }

    @Test("points beyond a model's maximum are marked the same way in every chart that draws them")
    func beyondMaxMarkedEverywhere() throws {
        let document = try Self.document(Self.mixed)
        var marked = 0
        for figure in document.figures where figure.topic != .roofline {
            let svg = HTMLWriter.svg(figure)
            let beyond: Bool = switch figure.chart {
            case .line(let chart): chart.series.contains { $0.points.contains(where: \.extrapolated) }
            case .bars(let chart): chart.series.contains { $0.extrapolated.contains(true) }
            case .roofline: false
            }
            if beyond {
                marked += 1
                #expect(svg.contains("kv-extrapolated"), "figure \(figure.number) draws beyond-max points unmarked")
                #expect(svg.contains("beyond the model") && svg.contains("maximum context (extrapolated)"), "figure \(figure.number) has no legend entry for them")
            }
        }
        #expect(marked >= 5)
    }

    // MARK: Contexts never dropped silently

    @Test("the HBM chart shows every context; charts across GPUs say which context they show, and `at:` picks it")
    func noContextDropped() throws {
        let document = try Self.document("""
            title: t
            models: [qwen2.5-7b-1m]
            hardware: [h100-sxm]
            contexts: {from: 4K, to: 1M, steps: 11}
            """)
        let memory = try #require(document.figures.first { $0.topic == .memory })
        guard case .bars(let chart) = memory.chart else { Issue.record("not bars"); return }
        #expect(chart.categories.count == 11)
        #expect(chart.categories.last?.hasPrefix("1M") == true)

        let across = try Self.document(Self.mixed + """

            cells:
              - chart: prefill
                x: hardware
              - chart: prefill
                x: hardware
                at: 32K
              - chart: concurrency
                series: compression
              - table: prefill
                x: hardware
                at: 32K
              - table: concurrency
                x: model
            """)
        let figures = across.figures
        // Tables across a dimension: one row per entry, at a stated context.
        let tables = across.tables
        #expect(tables.count == 2)
        #expect(tables[0].caption.hasSuffix("at 32K tokens"), "\(tables[0].caption)")
        #expect(tables[0].columns[0].title == "hardware" && tables[0].rows.count == 3)
        #expect(tables[1].caption.contains("at 128K tokens") && tables[1].rows.count == 2, "\(tables[1].caption)")
        #expect(figures.count == 3)
        // By default the longest context within every model's maximum (128K), said in the caption.
        #expect(figures[0].caption.contains("at 4K, 32K, 128K tokens") || figures[0].caption.contains("at 128K tokens"), "\(figures[0].caption)")
        #expect(!figures[0].caption.contains("512K"))
        #expect(figures[1].caption.contains("at 32K tokens"))
        // A series dimension that fixes the others says what it leaves out.
        #expect(figures[2].caption.contains("not shown:"), "\(figures[2].caption)")
    }

    // MARK: Layout order

    @Test("measurements come first on a calibration study, sharing first on a mixed workload")
    func layoutFollowsTheStudy() throws {
        let calibration = try Self.document("""
            title: t
            models: [llama-3.1-8b, llama-2-7b]
            hardware: [h100-sxm]
            contexts: [1K, 4K]
            mode: both
            measurements:
              - {model: llama-3.1-8b, hardware: h100-sxm, phase: prefill, batch: 1, context: 4K, seconds: 0.5}
            """)
        #expect(calibration.sections.first?.id == "measured")
        let sharing = try Self.document("""
            title: t
            models: [llama-3.1-8b]
            hardware: [h100-sxm, h200-sxm]
            contexts: [8K, 128K]
            workload: {short_context: 2K, long_fraction: 0.1, arrival_rate: 1, chunk: 2048}
            """)
        #expect(sharing.sections.first?.id == "sharing")
        #expect(sharing.headline.contains("p99"), "\(sharing.headline)")
    }

    @Test("`methodology` and `formulas` cells bring the methodology and the formula boxes into a notebook")
    func methodologyAndFormulasCells() throws {
        let document = try Self.document(Self.mixed + """

            cells:
              - chart: prefill
              - formulas: prefill
              - methodology: true
            """)
        let blocks = document.sections.flatMap(\.blocks)
        #expect(blocks.contains { if case .traces(_, let groups) = $0 { groups.contains { $0.lines.contains { $0.quantity == "Prefill" } } } else { false } })
        #expect(document.sections.contains { $0.title == "Methodology and assumptions" })
    }

    @Test("the index is a listing: one row per study with its headline and a thumbnail")
    func indexIsAListing() throws {
        let studies = [ReportTests.study(Self.mixed, path: "a.study.yaml"), ReportTests.paperExample]
        let index = ReportTests.text(try ReportTests.site(studies), "index.html")
        #expect(index.components(separatedBy: "<li class=\"study-row\">").count == 3)
        #expect(index.components(separatedBy: "class=\"thumbnail\"").count == 3)
        #expect(!index.contains("study-card"))
    }

    @Test("pages made for print expand the formulas; the stylesheet prints every column")
    func printExpandsFormulas() throws {
        let renderer = ReportRenderer(templates: try ReportTemplates())
        let site = try Site(renderer: renderer, options: Site.Options(singleFile: true, formulasOpen: true)).files(for: [ReportTests.paperExample])
        let page = ReportTests.text(site, "test.html")
        #expect(page.contains("<details class=\"formulas\" open>"))
        #expect(!ReportTests.text(try ReportTests.site([ReportTests.paperExample]), "test.html").contains("<details class=\"formulas\" open>"))
        let css = try ReportTemplates().stylesheet
        let print = try #require(css.components(separatedBy: "@media print").last)
        #expect(print.contains(".table-scroll { overflow: visible; }") && print.contains("page: wide") && print.contains("::details-content"))
        #expect(!print.contains("details.formulas { display: none; }"))
    }
}
