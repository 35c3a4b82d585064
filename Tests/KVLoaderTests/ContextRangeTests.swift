import Foundation
import Testing
import KVEstimator
@testable import KVLoader

/// A range's points come out ascending and without duplicates, as the set of its rounded
/// points sorted would give them — the way `ContextRange.tokens` used to compute them.
@Suite struct ContextRangeTests {
    static func reference(_ range: ContextRange) -> [Int] {
        guard range.steps > 1, range.to > range.from else { return [range.from] }
        let first = Double(range.from), last = Double(range.to), intervals = Double(range.steps - 1)
        let points = (0..<range.steps).map { step -> Int in
            let fraction = Double(step) / intervals
            let value = range.scale == .log ? first * pow(last / first, fraction) : first + (last - first) * fraction
            return step == range.steps - 1 ? range.to : Int(value.rounded())
        }
        return Array(Set(points)).sorted()
    }

    @Test("points equal the sorted set of rounded points, on random ranges of both scales")
    func pointsEqualTheSortedSet() {
        var random = SplitMix64(seed: 2026)
        for _ in 0..<400 {
            let from = 1 + Int(random.next() % 100_000)
            let to = from + Int(random.next() % 2_000_000)
            // Many more steps than tokens in some ranges, so rounding repeats points.
            let steps = 1 + Int(random.next() % 5_000)
            for scale in ContextRange.Scale.allCases {
                let range = ContextRange(from: from, to: to, steps: steps, scale: scale)
                #expect(range.tokens == Self.reference(range), "\(range)")
            }
        }
        let dense = ContextRange(from: 1, to: 10, steps: 1_000, scale: .log)
        #expect(dense.tokens == Array(1...10))
    }
}
