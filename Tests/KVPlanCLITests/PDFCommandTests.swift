import Foundation
import Testing

/// `kvplan render --pdf`: every example printed by headless Chromium, and on paper every column
/// header of every table and every formula (read back with poppler's `pdftotext`). `make test`
/// installs Chromium and poppler first and sets KVPLAN_REQUIRE_PDF, so there it cannot be skipped.
@Suite("kvplan render --pdf")
struct PDFCommandTests {
    static let required = ProcessInfo.processInfo.environment["KVPLAN_REQUIRE_PDF"] == "1"
    static func executable(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static let available = ["chromium", "chromium-browser", "google-chrome"].contains { executable($0) != nil } && executable("pdftotext") != nil

    /// Text between `open` and `close` tags, entities decoded, tags inside dropped.
    static func texts(_ html: String, open: String, close: String) -> [String] {
        html.components(separatedBy: open).dropFirst().compactMap { chunk in
            guard let end = chunk.range(of: close) else { return nil }
            var text = String(chunk[..<end.lowerBound])
            if let start = text.firstIndex(of: ">"), open.hasSuffix(" ") || !open.hasSuffix(">") { text = String(text[text.index(after: start)...]) }
            while let tag = text.range(of: "<[^>]*>", options: .regularExpression) { text.removeSubrange(tag) }
            for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
                text = text.replacingOccurrences(of: entity, with: character)
            }
            return text
        }
    }

    static func squeezed(_ text: String) -> String { String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init)) }

    @Test("every example's PDF holds every column header and every formula", .enabled(if: available || required))
    func everyColumnAndFormulaOnPaper() throws {
        #expect(Self.available, "make test installs chromium and poppler-utils; they are missing")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kvplan-pdf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try RunKVPlan.run(["render", RunKVPlan.packageRoot.appendingPathComponent("examples").path, "--out", directory.path, "--pdf"])
        #expect(run.status == 0, "\(run.stderr)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".html") && $0 != "index.html" }.sorted()
        #expect(pages.count >= 9)
        for page in pages {
            let slug = String(page.dropLast(".html".count))
            let html = try String(contentsOf: directory.appendingPathComponent(page), encoding: .utf8)
            let pdf = directory.appendingPathComponent("\(slug).pdf")
            #expect(FileManager.default.fileExists(atPath: pdf.path), "no \(slug).pdf")
            let text = directory.appendingPathComponent("\(slug).txt")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.executable("pdftotext")!)
            process.arguments = ["-raw", "-enc", "UTF-8", pdf.path, text.path]
            try process.run()
            process.waitUntilExit()
            let printed = Self.squeezed(try String(contentsOf: text, encoding: .utf8))
            let headers = Set(Self.texts(html, open: "<th", close: "</th>"))
            let formulas = Set(Self.texts(html, open: "<dd><code>", close: "</code>"))
            #expect(!headers.isEmpty && !formulas.isEmpty, "\(slug): no tables or formulas found")
            let missing = (headers.union(formulas)).filter { !printed.contains(Self.squeezed($0)) }.sorted()
            #expect(missing.isEmpty, "\(slug).pdf lacks \(missing.count) of \(headers.count) headers and \(formulas.count) formulas: \(missing.prefix(8))")
        }
    }

    @Test("--pdf without Chromium names the package to install")
    func missingChromium() throws {
        let study = RunKVPlan.packageRoot.appendingPathComponent("examples/yi-34b-a100.study.yaml").path
        let run = try RunKVPlan.run(["render", study, "--out", "/tmp/kvplan-never-written", "--pdf"], environment: ["KVPLAN_CHROMIUM": "/nonexistent/chromium"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("`chromium` package"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/kvplan-never-written"))
    }
}
