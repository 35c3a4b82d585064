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
        #expect(svg == golden, "\(name).svg differs from its golden file; rerun with KVPLAN_UPDATE_GOLDEN=1 if intended")
    }
}
