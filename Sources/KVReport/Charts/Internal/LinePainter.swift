/// Draws one series of a value-by-value chart: a line through its points (broken where a point
/// cannot be placed), markers in the series' shape, and hover text on measured points.
enum LinePainter {
    enum Markers {
        case none
        /// Markers at up to `sampledMarkers` evenly spaced points: enough to tell series apart
        /// without hiding a dense line.
        case sampled
        /// A marker with hover text at every point (measurements).
        case all
    }

    static let sampledMarkers = 8
    /// A line of more points than this is dense; it shows `denseMarkers` hollow markers beyond a maximum.
    static let denseLine = 200, denseMarkers = 16

    static func draw(
        name: String, points: [ChartPoint], look: SeriesLook, line: Bool, dashed: Bool, markers: Markers,
        tooltip: (ChartPoint) -> String, in geometry: ChartFrame.Geometry, into svg: inout SVGWriter
    ) {
        guard case let .values(xAxis) = geometry.x else { return }
        var segments: [[(x: Double, y: Double)]] = [[]]
        var placed: [(point: ChartPoint, x: Double, y: Double)] = []
        for point in points {
            guard let x = xAxis.position(point.x), let y = geometry.y.position(point.y) else {
                if !(segments.last?.isEmpty ?? true) { segments.append([]) }
                continue
            }
            segments[segments.count - 1].append((x, y))
            if xAxis.contains(point.x), geometry.y.contains(point.y) { placed.append((point, x, y)) }
        }
        segments.removeAll(where: \.isEmpty)

        svg.open("g", ["class": look.cssClass])
        svg.element("title", text: name)
        if line, !segments.isEmpty {
            svg.empty("path", [
                "class": dashed ? "kv-line kv-dashed" : "kv-line",
                "clip-path": geometry.clipURL,
                "d": segments.map(svgPath).joined(separator: " "),
            ])
        }
        let marked: [(point: ChartPoint, x: Double, y: Double)]
        switch markers {
        case .none: marked = []
        case .all: marked = placed
        case .sampled where placed.count <= 12: marked = placed
        case .sampled:
            let last = placed.count - 1, steps = sampledMarkers - 1
            marked = (0...steps).map { placed[Int((Double($0 * last) / Double(steps)).rounded())] }
        }
        // Every extrapolated point is marked (hollow), sampled or not — except on a dense line (a
        // large study's spread of contexts), where a marker at each would draw a solid band: there
        // the first of each run beyond the maximum and an even spread of the others.
        var extrapolated = placed.filter { item in item.point.extrapolated && !marked.contains { $0.point == item.point } }
        if placed.count > denseLine, extrapolated.count > denseMarkers {
            let starts = placed.indices.filter { placed[$0].point.extrapolated && ($0 == 0 || !placed[$0 - 1].point.extrapolated) }
            let last = extrapolated.count - 1
            let spread = (0..<denseMarkers).map { extrapolated[$0 * last / (denseMarkers - 1)] }
            extrapolated = starts.map { placed[$0] } + spread.filter { item in !starts.contains { placed[$0].point == item.point } }
        }
        let extra = extrapolated
        for item in marked + extra {
            svg.shape("path", [
                "class": item.point.extrapolated ? "kv-marker kv-extrapolated" : "kv-marker",
                "d": ChartStyle.markerPath(series: look.shape, x: item.x, y: item.y),
            ], tooltip: markers == .all ? tooltip(item.point) : nil)
        }
        svg.close("g")
    }
}

extension LinePainter {
    /// A translucent area between a series' low and high values (its prediction band), under
    /// the lines; points that cannot be placed are left out.
    static func drawBand(name: String, band: [(x: Double, low: Double, high: Double)], look: SeriesLook, in geometry: ChartFrame.Geometry, into svg: inout SVGWriter) {
        guard case let .values(xAxis) = geometry.x else { return }
        let placed = band.compactMap { point -> (x: Double, low: Double, high: Double)? in
            guard let x = xAxis.position(point.x), let low = geometry.y.position(point.low), let high = geometry.y.position(point.high) else { return nil }
            return (x, low, high)
        }
        guard placed.count > 1 else { return }
        let outline = placed.map { ($0.x, $0.high) } + placed.reversed().map { ($0.x, $0.low) }
        svg.open("g", ["class": look.cssClass])
        svg.element("title", text: "\(name): 95% prediction band")
        svg.empty("path", ["class": "kv-band", "clip-path": geometry.clipURL, "d": svgPath(outline) + " Z"])
        svg.close("g")
    }
}

extension LinePainter.Markers: Equatable {}
