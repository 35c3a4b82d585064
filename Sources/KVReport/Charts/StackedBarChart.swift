/// One bar per category split into stacked segments — e.g. HBM per context length as model
/// weights, KV cache and free memory. Negative and non-finite segment values are left out.
public struct StackedBarChart: Sendable {
    public var title: String
    public var categories: [String]
    /// Bottom to top.
    public var segments: [BarSeries]
    public var y: Axis
    public var categoryTitle: String
    /// Reference lines, e.g. `ChartAnnotation(y: hbmBytes, label: "HBM capacity")`.
    public var annotations: [ChartAnnotation]
    public var showsTitle = true
    public var description: String?

    public init(title: String, categories: [String], segments: [BarSeries], y: Axis, categoryTitle: String = "", annotations: [ChartAnnotation] = []) {
        self.title = title
        self.categories = categories
        self.segments = segments
        self.y = y
        self.categoryTitle = categoryTitle
        self.annotations = annotations
    }

    public init(title: String, categories: [String], segments: [(name: String, values: [Double])], y: Axis, categoryTitle: String = "", annotations: [ChartAnnotation] = []) {
        self.init(
            title: title, categories: categories, segments: segments.map { BarSeries(name: $0.name, values: $0.values) },
            y: y, categoryTitle: categoryTitle, annotations: annotations
        )
    }

    public func svg(id: String) -> String {
        BarPlot(
            kind: .stacked, title: title, categories: categories, series: segments, y: y,
            categoryTitle: categoryTitle, showsTitle: showsTitle, description: description, annotations: annotations
        ).svg(id: id)
    }
}
