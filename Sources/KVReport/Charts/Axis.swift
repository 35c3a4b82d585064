/// How values map onto an axis.
public enum AxisScale: Sendable, Equatable {
    case linear
    /// Logarithmic; values ≤ 0 cannot be placed and are skipped.
    case log
}

/// One value axis of a chart: its title (with the unit, e.g. "context (tokens)"), its scale,
/// how tick labels read, and optionally a fixed range.
///
/// Without `min`/`max` the range comes from the data: linear axes widen to round 1-2-5 steps (and
/// a linear y axis includes zero, so bar and line heights compare honestly); log axes span the data.
public struct Axis: Sendable {
    public var title: String
    public var scale: AxisScale
    /// The text of one tick label.
    public var format: @Sendable (Double) -> String
    public var min: Double?
    public var max: Double?
    /// For log axes: ticks at powers of 2 or of 10. `nil` picks 2 when an end of the range is a
    /// power of two (context lengths such as 4K…1M), else 10.
    public var logBase: Int?

    public init(
        title: String,
        scale: AxisScale = .linear,
        format: @escaping @Sendable (Double) -> String = Axis.compact,
        min: Double? = nil,
        max: Double? = nil,
        logBase: Int? = nil
    ) {
        self.title = title
        self.scale = scale
        self.format = format
        self.min = min
        self.max = max
        self.logBase = logBase
    }

    /// Three significant digits with a decimal prefix: `0.25`, `950`, `1.5K`, `2M`, `312T`, `1P`.
    @Sendable public static func compact(_ value: Double) -> String {
        LabelNumber.compact(value)
    }

    /// Token counts as users write them: `4K`, `128K`, `1M` for multiples of 1024 (1024² for M);
    /// other values as `compact`.
    @Sendable public static func tokenCount(_ value: Double) -> String {
        LabelNumber.tokens(value)
    }

    /// A fraction as a percentage: `0.25` → `25%`.
    @Sendable public static func percent(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        return LabelNumber.decimal(value * 100, significant: 3) + "%"
    }
}
