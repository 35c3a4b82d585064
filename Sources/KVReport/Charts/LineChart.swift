/// A chart of lines over a value axis — typically a quantity against context length on a log
/// axis — with optional measured points and labelled reference lines.
public struct LineChart: Sendable {
    public var title: String
    public var x: Axis
    public var y: Axis
    public var series: [ChartSeries]
    public var annotations: [ChartAnnotation]
    /// Draw the title inside the SVG (off when the page shows it as a caption).
    public var showsTitle = true
    /// Replaces the generated `<desc>` (which names the series, axes and ranges).
    public var description: String?
    /// The legend, when it explains colours and styles rather than naming each series.
    public var key: [ChartKey]?

    public init(title: String, x: Axis, y: Axis, series: [ChartSeries], annotations: [ChartAnnotation] = []) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.annotations = annotations
    }

    /// The chart as a standalone SVG element; `id` (made safe for XML) prefixes its internal ids
    /// and must be unique on the page.
    public func svg(id: String) -> String {
        let names = series.map(\.name).joined(separator: "; ")
        let frame = ChartFrame(
            id: id, kind: "line", title: title, showsTitle: showsTitle,
            summary: "Line chart, \(series.count) series\(series.isEmpty ? "" : ": " + names).",
            description: description,
            horizontal: .values(x, series.flatMap { $0.points.map(\.x) }),
            vertical: y, verticalValues: series.flatMap { $0.points.map(\.y) + $0.band.flatMap { [$0.low, $0.high] } },
            verticalIncludesZero: true, verticalPadded: true,
            legend: (key.map { $0.map(Legend.Entry.init(key:)) } ?? series.enumerated().map { index, series in
                Legend.Entry(name: series.name, look: Self.look(series, index), symbol: .line(dashed: series.dashed, line: !series.markersOnly, marker: series.markersOnly || series.lineMarkers))
            }) + (series.contains { $0.points.contains(where: \.extrapolated) } ? [Legend.extrapolatedEntry] : []),
            annotations: annotations
        )
        let (x, y) = (self.x, self.y)
        return frame.render { geometry, svg in
            for (index, series) in series.enumerated() where !series.band.isEmpty {
                LinePainter.drawBand(name: series.name, band: series.band, look: Self.look(series, index), in: geometry, into: &svg)
            }
            for (index, series) in series.enumerated() {
                LinePainter.draw(
                    name: series.name, points: series.points, look: Self.look(series, index),
                    line: !series.markersOnly, dashed: series.dashed, markers: series.markersOnly ? .all : series.lineMarkers ? .sampled : .none,
                    tooltip: { "\(series.name): \(x.format($0.x)), \(y.format($0.y))" },
                    in: geometry, into: &svg
                )
            }
        }
    }

    static func look(_ series: ChartSeries, _ index: Int) -> SeriesLook {
        series.reference ? .reference : .series(series.slot ?? index)
    }
}
