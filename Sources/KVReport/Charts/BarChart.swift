/// One named set of bar heights, one value per category (NaN or a missing value: no bar).
public struct BarSeries: Sendable, Equatable {
    public var name: String
    public var values: [Double]
    /// Per category: the value is beyond the model's advertised maximum context (drawn hollow).
    public var extrapolated: [Bool]

    public init(name: String, values: [Double], extrapolated: [Bool] = []) {
        self.name = name
        self.values = values
        self.extrapolated = extrapolated
    }
}

/// Bars per category (a GPU, an attention design, a context length): one bar per series side by
/// side (grouped), or one bar split into the series' segments, bottom to top (stacked — e.g. HBM as
/// weights, KV cache and free memory; negative and non-finite segments are left out).
public struct BarChart: Sendable {
    public enum Arrangement: Sendable { case grouped, stacked }

    public var title: String
    public var categories: [String]
    public var series: [BarSeries]
    public var arrangement: Arrangement
    public var y: Axis
    /// What the categories are, shown under them (e.g. "GPU"); empty for none.
    public var categoryTitle: String
    /// Reference lines, e.g. `ChartAnnotation(y: 1, label: "baseline")`.
    public var annotations: [ChartAnnotation]
    public var showsTitle = true
    public var description: String?

    public init(
        title: String, categories: [String], series: [BarSeries], arrangement: Arrangement = .grouped, y: Axis,
        categoryTitle: String = "", annotations: [ChartAnnotation] = []
    ) {
        self.title = title
        self.categories = categories
        self.series = series
        self.arrangement = arrangement
        self.y = y
        self.categoryTitle = categoryTitle
        self.annotations = annotations
    }

    public init(
        title: String, categories: [String], series: [(name: String, values: [Double])], arrangement: Arrangement = .grouped, y: Axis,
        categoryTitle: String = "", annotations: [ChartAnnotation] = []
    ) {
        self.init(
            title: title, categories: categories, series: series.map { BarSeries(name: $0.name, values: $0.values) },
            arrangement: arrangement, y: y, categoryTitle: categoryTitle, annotations: annotations
        )
    }

    public func svg(id: String) -> String {
        BarPlot(
            kind: arrangement, title: title, categories: categories, series: series, y: y,
            categoryTitle: categoryTitle, showsTitle: showsTitle, description: description, annotations: annotations
        ).svg(id: id)
    }
}
