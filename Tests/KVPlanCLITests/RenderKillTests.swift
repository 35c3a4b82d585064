import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12: `kill -9` at any point of a render leaves the old site or the new one — never a mix —
/// and the next render removes whatever the killed one left beside `--out`. Issue 13: the render
/// is a parallel one (several studies laid out at once, each file written into the new site as
/// it is finished), so kills also land while studies are still being laid out; one of the studies
/// is large (1,500 contexts: laid out at a spread, its CSVs and JSON streamed into the new site as
/// they are computed), so kills also land in the middle of a streamed file.
@Suite("render killed at random points")
struct RenderKillTests {
    static func study(_ title: String, large: Bool = false) -> String {
        "title: \(title)\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncontexts: \(large ? "{from: 1K, to: 1M, steps: 1500, scale: linear}" : "[4K, 32K]")\n"
    }

    /// Every file under `path` with its bytes (links as their targets), paths relative.
    static func snapshot(_ path: String) -> [String: Data] {
        var result: [String: Data] = [:]
        for name in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            let full = path + "/" + name
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) {
                result[name] = Data(target.utf8)
            } else if let data = FileManager.default.contents(atPath: full) {
                result[name] = data
            }
        }
        return result
    }

    static func leftovers(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix(".site.kvplan-") }
    }

    @Test("60 kills, each at a random point (the output phase slowed so kills land in it): old or new every time")
    func killedRenders() throws {
        let binary = try #require(RunKVPlan.binary)
        let folder = try RunKVPlan.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let studies = folder.appendingPathComponent("studies")
        try FileManager.default.createDirectory(at: studies, withIntermediateDirectories: true)
        // Four studies, one of them large: the site is laid out in parallel and written as it goes.
        let names = ["a", "b", "c", "large"]
        func writeStudies(_ title: String) throws {
            for name in names {
                try Self.study("\(title) \(name)", large: name == "large")
                    .write(to: studies.appendingPathComponent("\(name).study.yaml"), atomically: true, encoding: .utf8)
            }
        }
        let site = folder.appendingPathComponent("site").path, pristine = folder.appendingPathComponent("pristine").path

        // The new site (rendered elsewhere, then moved to `site` for its exact bytes), the old site
        // with a file of the user's beside it, and a copy to restore before each trial.
        try writeStudies("New title")
        #expect(try RunKVPlan.run(["render", studies.path, "--out", site]).status == 0)
        try "mine".write(toFile: site + "/notes.txt", atomically: true, encoding: .utf8)
        let new = Self.snapshot(site)
        #expect(new.contains { $0.key.hasPrefix("large/") && $0.value.filter { $0 == 10 }.count == 1_501 }, "the large study's CSV holds every point")
        try FileManager.default.removeItem(atPath: site)
        try writeStudies("Old title")
        #expect(try RunKVPlan.run(["render", studies.path, "--out", site]).status == 0)
        try "mine".write(toFile: site + "/notes.txt", atomically: true, encoding: .utf8)
        let old = Self.snapshot(site)
        try FileManager.default.copyItem(atPath: site, toPath: pristine)
        try writeStudies("New title")
        #expect(old != new)

        func render(killAfter microseconds: UInt32?) throws {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["render", studies.path, "--out", site]
            process.environment = ProcessInfo.processInfo.environment.merging(["KVPLAN_OUTPUT_STEP_DELAY_US": "4000"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if let microseconds {
                usleep(microseconds)
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
        }

        // How long a whole render takes here, to spread the kills over it.
        let started = Date()
        try render(killAfter: nil)
        let whole = UInt32(Date().timeIntervalSince(started) * 1e6)
        #expect(Self.snapshot(site) == new)

        var outcomes: [String: Int] = [:]
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<60 {
            try FileManager.default.removeItem(atPath: site)
            try FileManager.default.copyItem(atPath: pristine, toPath: site)
            // Half the kills anywhere in the run, half in its last 60% (the output phase).
            let lower = trial % 2 == 0 ? 0 : whole * 2 / 5
            try render(killAfter: UInt32.random(in: lower...max(lower, whole), using: &generator))
            let now = Self.snapshot(site)
            let staged = !Self.leftovers(in: folder).isEmpty
            let state = now == old ? "old" : now == new ? "new" : "MIX"
            outcomes["\(state)\(staged ? " + staging left" : "")", default: 0] += 1
            #expect(state != "MIX", "trial \(trial): neither the old site nor the new one")
            if trial % 5 == 4 {
                try render(killAfter: nil)
                #expect(Self.leftovers(in: folder).isEmpty, "trial \(trial): staging left after the next render")
                #expect(Self.snapshot(site) == new)
            }
        }
        print("render kill trials: \(outcomes.sorted { $0.key < $1.key })")
        #expect(outcomes.filter { $0.key.contains("staging") }.values.reduce(0, +) > 0, "no kill landed in the output phase: \(outcomes)")
    }
}
