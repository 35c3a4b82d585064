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
            let estimators = try estimators(observations, on: hardware)  // once, not once per resample
            for _ in 0..<count {
                let picks = observations.indices.map { _ in generator.index(below: observations.count) }
                result.append(factors.efficiency(try solve(picks.map { observations[$0] }, on: hardware, factors: factors, start: theta,
                                                           estimators: picks.map { estimators[$0] })))
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
}

extension Calibration.Fit {
    /// The 95% bootstrap interval of a fitted factor (nil when it was not fitted or not resampled).
    public func interval(_ factor: Calibration.Factor) -> ClosedRange<Double>? {
        guard fitted.contains(factor), !replicates.isEmpty else { return nil }
        return Calibration.Bootstrap.interval(replicates.map { factor.value(in: $0) })
    }

}
