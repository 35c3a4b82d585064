/// A labelled reference line across the plot: a context length where something changes
/// ("model max context", "1 session no longer fits") or a level ("HBM capacity").
///
/// Its value is in the units of the axis it marks, and the chart widens that axis to show it.
public struct ChartAnnotation: Sendable, Equatable {
    public enum Placement: Sendable, Equatable {
        /// A vertical line at this x value.
        case vertical(x: Double)
        /// A horizontal line at this y value.
        case horizontal(y: Double)
    }

    public var placement: Placement
    public var label: String

    /// A vertical marker at `x`.
    public init(x: Double, label: String) {
        self.placement = .vertical(x: x)
        self.label = label
    }

    /// A horizontal marker at `y`.
    public init(y: Double, label: String) {
        self.placement = .horizontal(y: y)
        self.label = label
    }
}
