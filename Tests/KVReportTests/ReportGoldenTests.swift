import Foundation
import Testing
import KVStudy
@testable import KVLoader
@testable import KVReport

/// Whole reports compared byte for byte with `Golden/reports/`: the HTML page and the Markdown
/// report of the paper's example and of a multi-model calibration study. After an intended
/// change, regenerate every golden file (charts included) with
/// `KVPLAN_UPDATE_GOLDEN=1 swift test --filter Golden`, and read the diff.
@Suite struct ReportGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/reports")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let studies = ["yi-34b-a100", "h100-calibration"]

    /// The example study, loaded from `examples/` but named by its relative path, so the
    /// provenance footer does not depend on where the repository lies.
    static func files(_ name: String) throws -> [String: [UInt8]] {
        let path = repository.appendingPathComponent("examples/\(name).study.yaml").path
        let (loaded, log) = StudyLoader(catalog: try Catalog.builtIn().get()).load(path: path)
        guard var study = loaded else { throw GoldenError(description: log.diagnostics.map(\.rendered).joined(separator: "\n")) }
        study.path = "examples/\(name).study.yaml"
        let renderer = ReportRenderer(templates: try ReportTemplates())
        return try Site(renderer: renderer, options: Site.Options(markdown: true)).files(for: [study])
    }

    struct GoldenError: Error, CustomStringConvertible { var description: String }

    /// The Markdown report a reader can diff: pipe tables, image links to the SVG files beside it,
    /// and raw HTML only for the formula disclosures, which Markdown has no equivalent for.
    @Test(arguments: studies)
    func markdownHasTablesImageLinksAndNoOtherHTML(name: String) throws {
        let files = try Self.files(name)
        let markdown = String(decoding: try #require(files["\(name).md"]), as: UTF8.self)
        let lines = markdown.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("|---") || $0.hasPrefix("|---:") })
        let images = lines.filter { $0.hasPrefix("![Figure ") }
        #expect(!images.isEmpty)
        for image in images {
            let target = image[image.index(after: try #require(image.lastIndex(of: "("))) ..< image.index(before: image.endIndex)]
            #expect(target.hasSuffix(".svg") && files[String(target)] != nil, "\(target) is not a written SVG file")
        }
        let html = lines.filter { $0.hasPrefix("<") }
        #expect(Set(html.map { $0.prefix { $0 != ">" } }) == ["<details", "<summary", "</details"])
    }

    /// The footer's calibrated branch renders where the study has calibrated figures, and only there.
    @Test func theFooterSaysCalibratedOnlyOnCalibratedStudies() throws {
        let calibrated = String(decoding: try #require(try Self.files("h100-calibration")["h100-calibration.html"]), as: UTF8.self)
        let peak = String(decoding: try #require(try Self.files("yi-34b-a100")["yi-34b-a100.html"]), as: UTF8.self)
        #expect(calibrated.contains("and calibrated ones where stated"))
        #expect(!peak.contains("and calibrated ones where stated"))
    }

    @Test(arguments: studies.flatMap { [($0, "html"), ($0, "md")] })
    func matchesGoldenFile(name: String, format: String) throws {
        let rendered = String(decoding: try #require(try Self.files(name)["\(name).\(format)"]), as: UTF8.self)
        Golden.compare(rendered, with: Self.directory.appendingPathComponent("\(name).\(format)"))
    }
}

/// Compares rendered text with a golden file, or rewrites the file under `KVPLAN_UPDATE_GOLDEN=1`.
enum Golden {
    static var updating: Bool { ProcessInfo.processInfo.environment["KVPLAN_UPDATE_GOLDEN"] == "1" }

    static func compare(_ rendered: String, with file: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        if updating {
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? rendered.write(to: file, atomically: true, encoding: .utf8)
        }
        guard let golden = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("\(file.lastPathComponent): no golden file (run KVPLAN_UPDATE_GOLDEN=1 swift test --filter Golden)", sourceLocation: sourceLocation)
            return
        }
        guard rendered != golden else { return }
        let (new, old) = (rendered.split(separator: "\n", omittingEmptySubsequences: false), golden.split(separator: "\n", omittingEmptySubsequences: false))
        let line = (0..<min(new.count, old.count)).first { new[$0] != old[$0] } ?? min(new.count, old.count)
        Issue.record("""
            \(file.lastPathComponent) differs from its golden file at line \(line + 1) (rerun with KVPLAN_UPDATE_GOLDEN=1 if intended):
            now:    \(line < new.count ? new[line] : "<end>")
            golden: \(line < old.count ? old[line] : "<end>")
            """, sourceLocation: sourceLocation)
    }
}
