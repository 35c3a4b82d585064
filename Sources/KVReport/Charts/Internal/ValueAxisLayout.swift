import Foundation

/// A labelled position on an axis.
struct Tick: Equatable {
    var value: Double
    var label: String
}

/// A value axis resolved for one chart: the range it shows, its ticks, and where a value lands on
/// the canvas (`start` is where `lower` lands, `end` where `upper` does).
struct ValueAxisLayout {
    var lower: Double
    var upper: Double
    var isLog: Bool
    var ticks: [Tick]
    var start: Double
    var end: Double

    /// The canvas coordinate of `value`, or nil where it cannot be placed (NaN, ±∞, ≤ 0 on a log axis).
    func position(_ value: Double) -> Double? {
        guard let fraction = fraction(value) else { return nil }
        return start + fraction * (end - start)
    }

    /// Whether `value` lies within the shown range (with a hair of tolerance for rounding).
    func contains(_ value: Double) -> Bool {
        guard let fraction = fraction(value) else { return false }
        return fraction >= -1e-9 && fraction <= 1 + 1e-9
    }

    private func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        let fraction: Double
        if isLog {
            guard value > 0 else { return nil }
            fraction = (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            fraction = (value - lower) / (upper - lower)
        }
        guard fraction.isFinite else { return nil }
        return min(max(fraction, -1000), 1000)
    }
}
