import Testing
import KVEstimator
import KVStudy
@testable import KVReport

/// The sentence on sessions in HBM names the compression whenever the study varies it: the same
/// GPU holds many more sessions with KIVI than without.
@Suite("The concurrency finding names its compression")
struct ConcurrencyFindingTests {
    static func findings(_ compression: String) throws -> [String] {
        let study = ReportTests.study("""
            title: t
            models: [llama-3.1-8b]
            hardware: [a100-80gb-sxm]
            compression: \(compression)
            contexts: [4K, 128K]
            """)
        return DocumentBuilder.build(try StudyEvaluation(study: study), slug: "t", kvplanVersion: "test", methodologyMarkdown: "").findings
    }

    @Test func namedWhenTheStudyVariesCompression() throws {
        let sentence = try #require(try Self.findings("[none, kivi-2bit]").first { $0.contains(" holds ") && $0.contains("instead of") })
        #expect(sentence.contains("of Llama-3.1-8B without compression instead of"), "\(sentence)")
    }

    @Test func notNamedWhenItDoesNot() throws {
        let sentence = try #require(try Self.findings("[none]").first { $0.contains(" holds ") && $0.contains("instead of") })
        #expect(sentence.contains("of Llama-3.1-8B instead of"), "\(sentence)")
    }
}
