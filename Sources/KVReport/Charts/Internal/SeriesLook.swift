/// How one series is told apart from the others: its CSS class (which sets `--kv-series`, its
/// colour) and its marker shape / bar hatching, both chosen by series position.
struct SeriesLook: Equatable {
    var cssClass: String
    var shape: Int

    /// The `index`-th series of a chart.
    static func series(_ index: Int) -> SeriesLook {
        SeriesLook(cssClass: ChartStyle.seriesClass(index), shape: index % ChartStyle.seriesSlots)
    }

    /// A reference line drawn in the text colour (a roofline's roof), shaped like no data series.
    static let reference = SeriesLook(cssClass: "kv-series kv-reference", shape: 0)
}
