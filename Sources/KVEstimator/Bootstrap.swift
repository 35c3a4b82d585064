#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Calibration {
    /// Uncertainty of a fit by the nonparametric bootstrap (Efron & Tibshirani, *An Introduction
    /// to the Bootstrap*, 1993, ch. 6 and 13): the rows are resampled with replacement, the same
    /// factors refitted to each resample, and a factor's 95% interval is the 2.5th–97.5th
    /// percentile of its refitted values. The generator is seeded, so intervals are the same on
    /// every run and machine.
    public enum Bootstrap {
        public static let replicates = 200
        public static let seed: UInt64 = 16
        /// The central share of replicates an interval or band spans.
        public static let coverage = 0.95

        /// `count` refits of `factors` to resamples of `observations`, each started from the full
        /// fit's `theta` (the resamples are close to the data, so a few steps converge).
        static func refits(_ observations: [Observation], on hardware: Hardware, factors: FreeFactors, from theta: [Double], count: Int) throws(EstimatorInputError) -> [Efficiency] {
            var generator = SplitMix64(seed: seed)
            var result: [Efficiency] = []
            result.reserveCapacity(count)
            for _ in 0..<count {
                let resample = observations.indices.map { _ in observations[generator.index(below: observations.count)] }
                result.append(factors.efficiency(try solve(resample, on: hardware, factors: factors, start: theta)))
            }
            return result
        }

        /// The `p` quantile of `values` (0 ≤ p ≤ 1), interpolated linearly between order statistics.
        public static func quantile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return .nan }
            let position = p * Double(sorted.count - 1)
            let low = Int(position.rounded(.down)), high = min(sorted.count - 1, low + 1)
            return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
        }

        /// The central `coverage` interval of `values`.
        public static func interval(_ values: [Double]) -> ClosedRange<Double> {
            let tail = (1 - coverage) / 2
            return quantile(values, tail)...quantile(values, 1 - tail)
        }
    }

    /// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
    /// OOPSLA 2014): a tiny seeded generator, so bootstrap draws never depend on the platform.
    struct SplitMix64 {
        var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// A uniform index in 0..<n (n > 0); the modulo bias is below 2⁻⁵⁰ for the row counts here.
        mutating func index(below n: Int) -> Int { Int(next() % UInt64(n)) }
    }
}

extension Calibration.Fit {
    /// The 95% bootstrap interval of a fitted factor (nil when it was not fitted or not resampled).
    public func interval(_ factor: Calibration.Factor) -> ClosedRange<Double>? {
        guard fitted.contains(factor), !replicates.isEmpty else { return nil }
        return Calibration.Bootstrap.interval(replicates.map { factor.value(in: $0) })
    }

}
