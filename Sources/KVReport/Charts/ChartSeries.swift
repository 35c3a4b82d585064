/// One (x, y) value of a line chart, in the units the chart's axes name.
public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    /// Beyond the model's advertised maximum context: always marked, and drawn hollow.
    public var extrapolated: Bool

    public init(x: Double, y: Double, extrapolated: Bool = false) {
        self.x = x
        self.y = y
        self.extrapolated = extrapolated
    }
}

/// One named line (or set of measured points) of a `LineChart`.
///
/// Points that cannot be placed — NaN, infinities, or values ≤ 0 on a log axis — are skipped and
/// break the line there, so a gap in the data shows as a gap in the line.
public struct ChartSeries: Sendable {
    public var name: String
    public var points: [ChartPoint]
    /// Drawn with a dash pattern: for bounds, baselines and other reference lines.
    public var dashed: Bool
    /// Measurements: markers at every point and no connecting line.
    public var markersOnly: Bool
    /// A shaded band around the line (a prediction band): low and high y at each x, ascending x.
    public var band: [(x: Double, low: Double, high: Double)] = []

    public init(name: String, points: [ChartPoint], dashed: Bool = false, markersOnly: Bool = false) {
        self.name = name
        self.points = points
        self.dashed = dashed
        self.markersOnly = markersOnly
    }

    public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false, markersOnly: Bool = false) {
        self.init(name: name, points: points.map { ChartPoint(x: $0.x, y: $0.y) }, dashed: dashed, markersOnly: markersOnly)
    }
}
