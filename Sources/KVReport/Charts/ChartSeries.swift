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
    /// The colour and marker slot: series sharing a slot are one subject drawn several ways (a
    /// model's predicted lines and its measured points). Nil: the series' position.
    public var slot: Int?
    /// A line's sampled markers (measured series always show theirs; extrapolated points are always marked).
    public var lineMarkers = true
    /// Drawn in the text colour: a reference such as the line y = x, not data.
    public var reference = false

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

/// A legend entry that explains a way of drawing rather than one series: a model's colour, or
/// what dashed lines, markers and a band mean. A chart with a key shows it instead of one entry
/// per series.
public struct ChartKey: Sendable {
    public enum Mark: Sendable, Equatable {
        /// A line sample (dashed or solid), with the slot's marker when `marker`.
        case line(dashed: Bool, marker: Bool)
        /// The slot's marker alone (measured points).
        case marker
        /// A shaded swatch (a band).
        case band
    }

    public var name: String
    /// The colour and marker slot it shows; nil: the text colour (a style shared by every subject).
    public var slot: Int?
    public var mark: Mark

    public init(name: String, slot: Int? = nil, mark: Mark) {
        self.name = name
        self.slot = slot
        self.mark = mark
    }
}
