import Foundation
import Testing

/// `kvplan render`, `validate` and `calibrate`, end to end.
@Suite("kvplan render")
struct RenderCommandTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kvplan-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("renders a study into a site, byte-identically twice, and refuses to write over its inputs")
    func rendersASite() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let study = RunKVPlan.packageRoot.appendingPathComponent("examples/yi-34b-a100.study.yaml").path
        let first = directory.appendingPathComponent("one"), second = directory.appendingPathComponent("two")
        #expect(try RunKVPlan.run(["render", study, "--out", first.path]).status == 0)
        #expect(try RunKVPlan.run(["render", study, "--out", second.path]).status == 0)
        let files = try FileManager.default.subpathsOfDirectory(atPath: first.path).sorted()
        #expect(files.contains("index.html") && files.contains("yi-34b-a100.html") && files.contains("style.css"))
        for file in files where !file.hasSuffix("/") {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: first.appendingPathComponent(file).path, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            #expect(FileManager.default.contents(atPath: first.appendingPathComponent(file).path)
                    == FileManager.default.contents(atPath: second.appendingPathComponent(file).path), "\(file) differs")
        }
        let refused = try RunKVPlan.run(["render", study, "--out", RunKVPlan.packageRoot.appendingPathComponent("examples").path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("holds the input"))
    }

    @Test("--single-file writes one page; --format md adds Markdown with SVG figures")
    func singleFileAndMarkdown() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let study = RunKVPlan.packageRoot.appendingPathComponent("examples/yi-34b-a100.study.yaml").path
        let single = directory.appendingPathComponent("single")
        #expect(try RunKVPlan.run(["render", study, "--single-file", "--out", single.path]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: single.path).sorted() == [".kvplan-manifest", "yi-34b-a100.html"])
        let markdown = directory.appendingPathComponent("md")
        #expect(try RunKVPlan.run(["render", study, "--format", "md", "--out", markdown.path]).status == 0)
        let page = try String(contentsOf: markdown.appendingPathComponent("yi-34b-a100.md"), encoding: .utf8)
        #expect(page.contains("![Figure 1."))
        #expect(FileManager.default.fileExists(atPath: markdown.appendingPathComponent("yi-34b-a100/yi-34b-a100-figure-1.svg").path))
    }

    @Test("--templates overrides the templates it holds and keeps the defaults for the rest")
    func customTemplates() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let templates = directory.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "<!DOCTYPE html><html lang=\"en\"><head><title>{{title}}</title></head><body><p>house style</p>{{{content}}}</body></html>\n"
            .write(to: templates.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
        try "body { color: teal; }\n".write(to: templates.appendingPathComponent("style.css"), atomically: true, encoding: .utf8)
        let study = RunKVPlan.packageRoot.appendingPathComponent("examples/yi-34b-a100.study.yaml").path
        let out = directory.appendingPathComponent("out")
        let run = try RunKVPlan.run(["render", study, "--templates", templates.path, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let page = try String(contentsOf: out.appendingPathComponent("yi-34b-a100.html"), encoding: .utf8)
        #expect(page.contains("<p>house style</p>"))
        #expect(page.contains("<h2 id=\"prefill\""))  // the default report template still lays out the body
        #expect(try String(contentsOf: out.appendingPathComponent("style.css"), encoding: .utf8) == "body { color: teal; }\n")
        let missing = try RunKVPlan.run(["render", study, "--templates", directory.appendingPathComponent("nope").path, "--out", out.path])
        #expect(missing.status == 1)
    }

    @Test("an invalid study renders nothing and exits 1")
    func invalidStudy() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let study = directory.appendingPathComponent("bad.study.yaml")
        try "title: x\nmodels: [yi-34b]\nhardware: [a100-80gb-sxm]\ncontexts: [4K]\n".write(to: study, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let run = try RunKVPlan.run(["render", study.path, "--out", out.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.study.yaml:2:10: error: unknown model preset `yi-34b`"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

@Suite("kvplan validate and calibrate")
struct CalibrationCommandTests {
    static let study = RunKVPlan.packageRoot.appendingPathComponent("examples/h100-calibration.study.yaml").path

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("validate --json: points with errors, MAPE by phase and overall, as fractions")
    func validateJSON() throws {
        let run = try RunKVPlan.run(["validate", Self.study, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try Self.object(run.stdout)
        let points = try #require(json["points"] as? [[String: Any]])
        #expect(points.count == 25)
        for key in ["model", "hardware", "phase", "batch", "context", "measured_seconds", "predicted_seconds", "error"] {
            #expect(points[0][key] != nil, "\(key)")
        }
        let mape = try #require(json["mape"] as? [String: Double])
        #expect(Set(mape.keys) == ["prefill", "decode_step", "all"])
        #expect(try #require(mape["all"]) <= 0.08)
    }

    @Test("calibrate --json fits factors that bring the H100 data from ≈40% to ≤ 8% MAPE")
    func calibrateJSON() throws {
        let run = try RunKVPlan.run(["calibrate", Self.study, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try Self.object(run.stdout)
        let factors = try #require((json["hardware"] as? [String: [String: Double]])?["h100-sxm"])
        #expect(Set(factors.keys) == ["matmul", "attention", "memory"])
        for value in factors.values { #expect(value > 0 && value <= 1) }
        #expect(try #require(json["mape_before"] as? Double) > 0.35)
        #expect(try #require(json["mape_after"] as? Double) <= 0.08)
    }

    @Test("calibrate prints a YAML snippet that names what it could not fit")
    func calibrateYAML() throws {
        let run = try RunKVPlan.run(["calibrate", Self.study, "--hardware", "h100-sxm"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("efficiency: {matmul: "))
        #expect(run.stdout.contains("# link left at 1: no context_switch rows"))
        #expect(try RunKVPlan.run(["calibrate", Self.study, "--hardware", "a100"]).status == 1)
    }
}
