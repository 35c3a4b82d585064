import Foundation
import Testing
import KVEstimator
import KVStudy
@testable import KVReport

/// The Plan section (issue 14) read as a capacity planner would: what sets the answer, what the
/// long prompts cost apart, what each $/M figure means, and what fails where nothing serves.
@Suite("Plan section")
struct PlanSectionTests {
    /// A chat mix with a 5% tail of 128K prompts on two priced GPUs, with and without KIVI, its
    /// tail swept up to 1,000,000 tokens.
    static let chat = """
        title: Chat with a long tail
        models: [qwen2.5-14b-1m]
        hardware:
          - {preset: a100-80gb-sxm, price_per_hour: 1.8}
          - {preset: h100-sxm, price_per_hour: 2.5}
        compression: [none, kivi-2bit]
        contexts: [4K, 128K, 1_000_000]
        workload: {memory_utilization: 0.9}
        plan:
          arrival_rate: 6
          prompts:
            - {context: 2K, share: 0.75}
            - {context: 16K, share: 0.2}
            - {context: 128K, share: 0.05, ttft_p99: 30s}
          outputs: [{tokens: 300, share: 0.8}, {tokens: 1000, share: 0.2}]
          targets: {ttft_p99: 2s, tpot_p99: 60ms}
          gpus_per_replica: [1, 2, 8]
          precisions: [{weights: fp8, kv: fp8}]
          chunks: [2048, 8192]
        """

    static func evaluated(_ yaml: String = chat) throws -> (PlanEvaluation, Document, Section) {
        let evaluation = try StudyEvaluation(study: ReportTests.study(yaml))
        let document = DocumentBuilder.build(evaluation, slug: "test", kvplanVersion: "test", methodologyMarkdown: "")
        return (try #require(evaluation.plan), document, try #require(DeploymentSectionTests.section(document, "plan")))
    }

    /// The short prompts' TTFT p99 binds behind the 128K prefills: the section says so with the
    /// evaluation's own figures, prices the long prompts apart and names the engine settings.
    @Test func headOfLineBlockingIsNamedWithItsFigures() throws {
        let (planned, _, section) = try Self.evaluated()
        let cheapest = try #require(planned.plan.cheapest)
        #expect(cheapest.binding == .ttftP99 && (cheapest.bindingPromptTokens ?? .max) < 131_072)
        let long = try #require(cheapest.load.classes.first { $0.promptTokens == 131_072 })
        let bound = try #require(cheapest.load.classes.first { $0.promptTokens == cheapest.bindingPromptTokens })
        let paragraph = try #require(DeploymentSectionTests.paragraphs(section).first { $0.hasPrefix("What sets this answer is head-of-line blocking") })
        #expect(paragraph.contains("one 128K prefill takes \(Format.seconds(long.prefillSeconds)) on \(cheapest.candidate.label)"))
        #expect(paragraph.contains("TTFT p99 of \(Format.seconds(bound.ttftP99Seconds))"))
        #expect(paragraph.contains("\(Format.seconds(bound.ttftP99Seconds - bound.prefillSeconds)) is waiting"))
        let paragraphs = DeploymentSectionTests.paragraphs(section)
        let engines = try #require(paragraphs.firstIndex(of: PlanRecord.engineSettings))
        #expect(paragraphs[engines - 1] == paragraph)
        #expect(PlanRecord.engineSettings.contains("long_prefill_token_threshold") && PlanRecord.engineSettings.contains("add_chunked_req"))
        let split = try #require(planned.split)
        #expect(paragraph.contains("\(PlanRecord.dollars(try #require(split.cost))) per hour"))
        #expect(PlanRecord.sentence(planned).hasSuffix("which wait behind the 128K-token prompts' prefill."))
    }

    /// When the long prompts apart are cheaper, the findings say so second, naming the model
    /// and both pools; the quotable sentence stays first.
    @Test func theSplitIsAFindingWhenCheaper() throws {
        let (planned, document, _) = try Self.evaluated()
        let split = try #require(planned.split)
        let single = try #require(planned.plan.cheapest)
        #expect(try #require(split.cost) < planned.plan.cost(single))
        #expect(document.findings.first == PlanRecord.sentence(planned))
        let finding = try #require(document.findings.dropFirst().first)
        #expect(finding.hasPrefix("With the 128K-token prompts routed to replicas of their own, Qwen2.5-14B-Instruct-1M meets the same targets"))
        let others = try #require(split.others.cheapest), longest = try #require(split.longest.cheapest)
        #expect(finding.contains(others.candidate.label) && finding.contains(longest.candidate.label))
        #expect(finding.contains("instead of \(PlanRecord.dollars(single.dollarsPerHour!))"))
    }

    /// The two $/M figures each charge the whole bill: the headers and the caption say so, and
    /// the mean decode batch is named for what it is.
    @Test func perMillionFiguresAreNotPartsToAdd() throws {
        let (planned, _, section) = try Self.evaluated()
        let ranked = try #require(DeploymentSectionTests.tables(section).first)
        let titles = ranked.columns.map(\.title)
        #expect(titles.contains("$/M output (whole bill)") && !titles.contains { $0.contains("input") })
        #expect(titles.contains("mean decode batch"))
        // The caption gives both figures of the cheapest: $100/h over 6 × 440 output and 6 × E[n] input tokens per second.
        let cheapest = try #require(planned.plan.cheapest)
        let hourly = try #require(cheapest.dollarsPerHour)
        let input = hourly / (3600 * 6 * planned.plan.traffic.meanPromptTokens) * 1e6
        #expect(ranked.caption.contains("for the cheapest, \(PlanRecord.dollars(hourly)) per hour is \(PlanRecord.dollars(hourly / (3600 * 6 * 440) * 1e6)) per million output tokens or \(PlanRecord.dollars(input)) per million input tokens — two views of one cost, not parts to add"))
        // The terminal's table keeps the input column, marked the same way.
        #expect(PlanRecord.columns(planned.plan, limit: 3).map(\.title).contains("$/M input (whole bill)"))
        #expect(PlanRecord.sentence(planned).contains("per million output tokens, the whole bill charged to them)"))
    }

    /// At 1,000,000 tokens nothing serves: the text says so for each compression, with the
    /// closest deployment and what fails for it.
    @Test func theSweepSaysWhatFailsAtAMillionTokens() throws {
        let (planned, _, section) = try Self.evaluated()
        let failing = planned.sweep.points.filter { $0.contextTokens == 1_000_000 }
        #expect(failing.count == 2 && failing.allSatisfy { $0.cheapest == nil })
        let text = try #require(DeploymentSectionTests.paragraphs(section).first { $0.hasPrefix("With its longest prompts at 1,000,000 tokens") })
        #expect(text.contains("no deployment of Qwen2.5-14B-Instruct-1M meets the targets"))
        for point in failing {
            let closest = try #require(point.closest)
            let compression = point.compression.name == "none" ? "without compression" : "with \(point.compression.name)"
            #expect(text.contains("\(compression) the closest, \(closest.candidate.label), fails on \(PlanRecord.bindingName(closest))"))
        }
        #expect(PlanRecord.sweepFailures(planned) == text)
    }

    /// One prompt class: no head of line to block, nothing to split.
    @Test func oneClassHasNoSplitAndNoBlocking() throws {
        let yaml = Self.chat.replacingOccurrences(of: """
                - {context: 2K, share: 0.75}
                - {context: 16K, share: 0.2}
                - {context: 128K, share: 0.05, ttft_p99: 30s}
            """, with: """
                - {context: 2K, share: 1}
            """)
        let (planned, document, section) = try Self.evaluated(yaml)
        #expect(planned.split == nil && PlanRecord.headOfLineParagraph(planned) == nil)
        #expect(!DeploymentSectionTests.paragraphs(section).contains { $0.contains("head-of-line") })
        #expect(document.findings.filter { $0.contains("replicas of their own") }.isEmpty)
    }
}
