import Foundation
import Testing
@testable import KVReport

/// The same chart gives the same bytes: twice in a row, built afresh, or rendered concurrently.
@Suite struct ChartDeterminismTests {
    @Test func renderingTwiceGivesIdenticalBytes() {
        let first = ChartFixtures.all.map(\.svg)
        let second = ChartFixtures.all.map(\.svg)
        #expect(first == second)
    }

    @Test func concurrentRendersAgree() async {
        let expected = ChartFixtures.sessions.svg(id: "sessions")
        let results = await withTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { ChartFixtures.sessions.svg(id: "sessions") } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func coordinatesHaveAtMostOneDecimal() {
        for (name, svg) in ChartFixtures.all {
            let numbers = ChartSVGDocument(svg).numbers
            #expect(numbers.allSatisfy { !$0.contains("e") && ($0.split(separator: ".").dropFirst().first?.count ?? 0) <= 1 }, "\(name)")
        }
        #expect(svgNumber(0.04) == "0" && svgNumber(-0.04) == "0" && svgNumber(-2.25) == "-2.3" && svgNumber(1e30) == "100000")
    }

    @Test func idsAreScopedToTheChart() {
        let a = ChartFixtures.gpus.svg(id: "first"), b = ChartFixtures.gpus.svg(id: "second")
        #expect(a.contains("id=\"first-plot\"") && a.contains("url(#first-hatch-1)"))
        #expect(!b.contains("first-"))
    }
}
