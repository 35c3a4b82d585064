import Foundation
import Testing
@testable import KVReport

/// The rendered fixtures compared byte for byte with `Golden/charts/*.svg`. After an intended
/// change, run `KVPLAN_UPDATE_GOLDEN=1 swift test --filter Golden` to rewrite them, and look at the result.
@Suite struct ChartGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/charts")

    @Test(arguments: ChartFixtures.all.map(\.name))
    func matchesGoldenFile(name: String) throws {
        let svg = try #require(ChartFixtures.all.first { $0.name == name }).svg
        Golden.compare(svg, with: Self.directory.appendingPathComponent(name + ".svg"))
    }
}
