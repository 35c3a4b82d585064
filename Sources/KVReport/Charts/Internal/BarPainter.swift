/// Draws one bar (or stacked segment, or legend swatch): a rectangle in the series' colour with
/// the series' hatching laid over it, the hover text on the topmost of the two.
enum BarPainter {
    static func bar(
        look: SeriesLook, chartID: String, x: Double, y: Double, width: Double, height: Double,
        tooltip: String?, into svg: inout SVGWriter
    ) {
        let (left, top, across, tall) = (svgNumber(x), svgNumber(y), svgNumber(width), svgNumber(height))
        let hatched = ChartStyle.hatchPattern(series: look.shape, id: chartID) != nil
        svg.shape("rect", ["class": "kv-bar", "x": left, "y": top, "width": across, "height": tall], tooltip: hatched ? nil : tooltip)
        if hatched {
            svg.shape("rect", [
                "class": "kv-bar-hatch", "x": left, "y": top, "width": across, "height": tall,
                "fill": "url(#\(ChartStyle.hatchID(series: look.shape, chart: chartID)))",
            ], tooltip: tooltip)
        }
    }

    /// The canvas span of a bar from `base` to `value` on `axis`, clamped to the plot; nil when
    /// `value` cannot be placed. On a log axis bars grow from the bottom of the plot.
    private static func onGrid(_ coordinate: Double) -> Double { (coordinate * 10).rounded() / 10 }

    static func span(from base: Double, to value: Double, on axis: ValueAxisLayout) -> (top: Double, height: Double)? {
        func clamped(_ v: Double) -> Double? {
            if axis.isLog, v <= 0 { return axis.start }
            guard let position = axis.position(v) else { return nil }
            return min(max(position, min(axis.start, axis.end)), max(axis.start, axis.end))
        }
        // Ends rounded to the written precision first, so stacked segments meet without hairlines.
        guard value.isFinite, let from = clamped(base).map(onGrid), let to = clamped(value).map(onGrid) else { return nil }
        let height = abs(from - to)
        return height >= 0.05 ? (min(from, to), height) : nil
    }
}
