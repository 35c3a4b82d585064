/// A numbered chart: its specification, drawn by the writer.
public struct Figure: Sendable {
    public var number: Int
    /// Anchor on the page (`figure-3`).
    public var id: String
    /// Unique across a site (`yi-34b-a100-figure-3`), so a figure can also appear on the index page.
    public var chartID: String
    public var caption: String
    public var chart: Chart
    /// File name when drawn beside a Markdown report.
    public var fileName: String
    /// What the figure shows.
    public var topic: Topic
}

/// What a figure draws: one of kvplan's chart components, as data.
public enum Chart: Sendable {
    case line(LineChart)
    case bars(BarChart)
    case roofline(RooflineChart)
}
