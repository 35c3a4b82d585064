import Foundation
import Testing
@testable import KVReport

/// The rendered fixtures compared byte for byte with `Golden/charts/*.svg`. After an intended
/// change, run with `KVPLAN_UPDATE_GOLDEN=1` to rewrite them, and look at the result.
@Suite struct ChartGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/charts")

    @Test(arguments: ChartFixtures.all.map(\.name))
    func matchesGoldenFile(name: String) throws {
        let svg = try #require(ChartFixtures.all.first { $0.name == name }).svg
        let file = Self.directory.appendingPathComponent(name + ".svg")
        if ProcessInfo.processInfo.environment["KVPLAN_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try svg.write(to: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        guard svg != golden else { return }
        let (new, old) = (svg.split(separator: "\n", omittingEmptySubsequences: false), golden.split(separator: "\n", omittingEmptySubsequences: false))
        let line = (0..<min(new.count, old.count)).first { new[$0] != old[$0] } ?? min(new.count, old.count)
        Issue.record("""
            \(name).svg differs from its golden file at line \(line + 1) (rerun with KVPLAN_UPDATE_GOLDEN=1 if intended):
            now:    \(line < new.count ? new[line] : "<end>")
            golden: \(line < old.count ? old[line] : "<end>")
            """)
    }
}
