/// One named set of bar heights, one value per category (NaN or a missing value: no bar).
public struct BarSeries: Sendable, Equatable {
    public var name: String
    public var values: [Double]

    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// Grouped bars: for each category (a GPU, an attention design), one bar per series side by side.
public struct BarChart: Sendable {
    public var title: String
    public var categories: [String]
    public var series: [BarSeries]
    public var y: Axis
    /// What the categories are, shown under them (e.g. "GPU"); empty for none.
    public var categoryTitle: String
    /// Reference lines, e.g. `ChartAnnotation(y: 1, label: "baseline")`.
    public var annotations: [ChartAnnotation]
    public var showsTitle = true
    public var description: String?

    public init(title: String, categories: [String], series: [BarSeries], y: Axis, categoryTitle: String = "", annotations: [ChartAnnotation] = []) {
        self.title = title
        self.categories = categories
        self.series = series
        self.y = y
        self.categoryTitle = categoryTitle
        self.annotations = annotations
    }

    public init(title: String, categories: [String], series: [(name: String, values: [Double])], y: Axis, categoryTitle: String = "", annotations: [ChartAnnotation] = []) {
        self.init(
            title: title, categories: categories, series: series.map { BarSeries(name: $0.name, values: $0.values) },
            y: y, categoryTitle: categoryTitle, annotations: annotations
        )
    }

    public func svg(id: String) -> String {
        BarPlot(
            kind: .grouped, title: title, categories: categories, series: series, y: y,
            categoryTitle: categoryTitle, showsTitle: showsTitle, description: description, annotations: annotations
        ).svg(id: id)
    }
}
