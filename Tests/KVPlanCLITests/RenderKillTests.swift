import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12: `kill -9` at any point of a render leaves the old site or the new one — never a mix —
/// and the next render removes whatever the killed one left beside `--out`.
@Suite("render killed at random points")
struct RenderKillTests {
    static func study(_ title: String) -> String {
        "title: \(title)\nmodels: [llama-3.1-8b]\nhardware: [h100-sxm]\ncontexts: [4K, 32K]\n"
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
        let study = studies.appendingPathComponent("s.study.yaml")
        let site = folder.appendingPathComponent("site").path, pristine = folder.appendingPathComponent("pristine").path

        // The new site (rendered elsewhere, then moved to `site` for its exact bytes), the old site
        // with a file of the user's beside it, and a copy to restore before each trial.
        try Self.study("New title").write(to: study, atomically: true, encoding: .utf8)
        #expect(try RunKVPlan.run(["render", study.path, "--out", site]).status == 0)
        try "mine".write(toFile: site + "/notes.txt", atomically: true, encoding: .utf8)
        let new = Self.snapshot(site)
        try FileManager.default.removeItem(atPath: site)
        try Self.study("Old title").write(to: study, atomically: true, encoding: .utf8)
        #expect(try RunKVPlan.run(["render", study.path, "--out", site]).status == 0)
        try "mine".write(toFile: site + "/notes.txt", atomically: true, encoding: .utf8)
        let old = Self.snapshot(site)
        try FileManager.default.copyItem(atPath: site, toPath: pristine)
        try Self.study("New title").write(to: study, atomically: true, encoding: .utf8)
        #expect(old != new)

        func render(killAfter microseconds: UInt32?) throws {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["render", study.path, "--out", site]
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
