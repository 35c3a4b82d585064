import Foundation
import Testing

/// Issue 10's `kvplan serve`: a broken study shows its diagnostics on its own page, in the site's
/// style, while the others keep rendering; missing pages get a page too; every request is logged
/// on stderr; pages reload themselves when a study changes (a script only `serve` adds); and a
/// missing directory is an error at once.
@Suite("kvplan serve: errors, log and reload")
struct ServePreviewTests {
    @Test("one broken study does not take the others down; 404s, the log and the reload script")
    func brokenStudyBesideGoodOnes() throws {
        let binary = try #require(RunKVPlan.binary)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kvplan-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "title: Good study\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncontexts: [4K, 8K]\n"
            .write(to: directory.appendingPathComponent("good.study.yaml"), atomically: true, encoding: .utf8)
        let brokenStudy = directory.appendingPathComponent("broken.study.yaml")
        try "title: Broken\nmodels: [nope]\nhardware: [h100-sxm]\ncontexts: [4K]\n".write(to: brokenStudy, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", directory.path, "--port", "0"]
        let log = directory.appendingPathComponent("serve.log")
        try Data().write(to: log)
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardError = logHandle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
            try? logHandle.close()
        }
        var announced = ""
        let deadline = Date().addingTimeInterval(20)
        while !announced.contains("\n"), Date() < deadline {
            usleep(50_000)
            announced = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        let port = try #require(announced.split(separator: "\n").first?.split(separator: ":").last.flatMap { UInt16($0.prefix { $0.isNumber }) })

        let index = try ServeCommandTests.get(port: port, path: "/")
        #expect(index.status == "HTTP/1.1 200 OK")
        #expect(index.body.contains("Good study"), "the good study is gone from the index")
        #expect(index.body.contains("1 study does not render") && index.body.contains("href=\"broken.html\""))
        #expect(index.body.contains("style.css"))
        let good = try ServeCommandTests.get(port: port, path: "/good.html")
        #expect(good.status == "HTTP/1.1 200 OK" && good.body.contains("<svg"))
        let broken = try ServeCommandTests.get(port: port, path: "/broken.html")
        #expect(broken.status == "HTTP/1.1 200 OK")
        #expect(broken.body.contains("unknown model preset `nope`") && broken.body.contains("href=\"/style.css\""))
        let missing = try ServeCommandTests.get(port: port, path: "/no-such-page.html")
        #expect(missing.status.contains("404"))
        #expect(missing.body.contains("<!DOCTYPE html>") && missing.body.contains("style.css"))
        // The reload script: in served pages, polling a version that changes with the studies.
        #expect(good.body.contains("__kvplan/version") && broken.body.contains("__kvplan/version"))
        let before = try ServeCommandTests.get(port: port, path: "/__kvplan/version").body
        try "title: Fixed\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncontexts: [4K, 16K]\n".write(to: brokenStudy, atomically: true, encoding: .utf8)
        let after = try ServeCommandTests.get(port: port, path: "/__kvplan/version").body
        #expect(before != after)
        #expect(try ServeCommandTests.get(port: port, path: "/broken.html").body.contains("Fixed"))
        // Every request on stderr.
        let logged = try String(contentsOf: log, encoding: .utf8)
        #expect(logged.contains("GET /good.html 200") && logged.contains("GET /no-such-page.html 404"), "\(logged)")
    }

    @Test("a rendered site has no reload script: only serve adds it")
    func renderedSiteHasNoScript() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kvplan-noscript-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let study = RunKVPlan.packageRoot.appendingPathComponent("examples/yi-34b-a100.study.yaml").path
        #expect(try RunKVPlan.run(["render", study, "--out", directory.path]).status == 0)
        for page in ["index.html", "yi-34b-a100.html"] {
            let text = try String(contentsOf: directory.appendingPathComponent(page), encoding: .utf8)
            #expect(!text.contains("<script"), "\(page) carries a script")
        }
    }

    @Test("serve on a directory that is not there fails at once, naming it")
    func missingDirectory() throws {
        let run = try RunKVPlan.run(["serve", "/nonexistent-kvplan-studies", "--port", "0"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no such file or directory: /nonexistent-kvplan-studies"))
    }
}
