/// Draws a `BarChart` (series side by side, or on top of each other): categories along the
/// bottom, a value axis up the side.
struct BarPlot {
    typealias Kind = BarChart.Arrangement

    var kind: Kind
    var title: String
    var categories: [String]
    var series: [BarSeries]
    var y: Axis
    var categoryTitle: String
    var showsTitle: Bool
    var description: String?
    var annotations: [ChartAnnotation] = []

    func value(series index: Int, category: Int) -> Double? {
        let values = series[index].values
        guard category < values.count, values[category].isFinite else { return nil }
        if kind == .stacked, values[category] < 0 { return nil }
        return values[category]
    }

    /// Bottom and top of every bar, per series and category.
    func extents() -> [[(base: Double, top: Double)?]] {
        var stackHeights = [Double](repeating: 0, count: categories.count)
        return series.indices.map { index in
            categories.indices.map { category in
                guard let value = value(series: index, category: category) else { return nil }
                switch kind {
                case .grouped: return (0, value)
                case .stacked:
                    defer { stackHeights[category] += value }
                    return (stackHeights[category], stackHeights[category] + value)
                }
            }
        }
    }

    func svg(id: String) -> String {
        let extents = extents()
        let names = series.map(\.name).joined(separator: "; ")
        let kindName = kind == .grouped ? "Grouped bar chart" : "Stacked bar chart"
        let frame = ChartFrame(
            id: id, kind: kind == .grouped ? "bar" : "stacked-bar", title: title, showsTitle: showsTitle,
            summary: "\(kindName), \(categories.count) categories, \(series.count) \(kind == .grouped ? "series" : "segments")\(series.isEmpty ? "" : ": " + names).",
            description: description,
            horizontal: .categories(categories, title: categoryTitle),
            vertical: y, verticalValues: extents.flatMap { $0.compactMap { $0?.top } },
            verticalIncludesZero: true, verticalPadded: true,
            legend: series.enumerated().map { Legend.Entry(name: $1.name, look: .series($0), symbol: .swatch) }
                + (series.contains { $0.extrapolated.contains(true) } ? [Legend.extrapolatedEntry] : []),
            annotations: annotations,
            hatchedShapes: series.indices.map { SeriesLook.series($0).shape }
        )
        let (categories, series, y, kind) = (self.categories, self.series, self.y, self.kind)
        return frame.render { geometry, svg in
            guard case let .categories(axis) = geometry.x else { return }
            let band = axis.bandWidth
            let groupWidth = band * (kind == .grouped ? 0.8 : 0.6)
            let barWidth = kind == .grouped ? groupWidth / Double(max(series.count, 1)) : groupWidth
            let gap = kind == .grouped && series.count > 1 ? min(2, barWidth * 0.15) : 0
            for (index, bars) in extents.enumerated() {
                let look = SeriesLook.series(index)
                svg.open("g", ["class": look.cssClass])
                svg.element("title", text: series[index].name)
                for (category, bar) in bars.enumerated() {
                    guard let bar, let span = BarPainter.span(from: bar.base, to: bar.top, on: geometry.y) else { continue }
                    let offset = kind == .grouped ? Double(index) * barWidth : 0
                    let left = axis.center(category) - groupWidth / 2 + offset + gap / 2
                    if series[index].extrapolated.indices.contains(category), series[index].extrapolated[category] {
                        svg.shape("rect", [
                            "class": "kv-bar kv-extrapolated", "x": svgNumber(left), "y": svgNumber(span.top),
                            "width": svgNumber(barWidth - gap), "height": svgNumber(span.height),
                        ], tooltip: "\(categories[category]) — \(series[index].name): \(y.format(bar.top - bar.base)) (beyond the model's maximum context)")
                        continue
                    }
                    BarPainter.bar(
                        look: look, chartID: geometry.chartID, x: left, y: span.top, width: barWidth - gap, height: span.height,
                        tooltip: "\(categories[category]) — \(series[index].name): \(y.format(bar.top - bar.base))",
                        into: &svg
                    )
                }
                svg.close("g")
            }
        }
    }
}
