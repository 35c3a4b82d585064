import Foundation

/// What every chart shares, whatever it plots: the `<svg>` root with its title, description and
/// style sheet; the layout of title, axes, plot and legend on the canvas; gridlines, axes, tick
/// labels, annotations and the legend. A chart type supplies only its axes' data and a closure
/// that draws its marks inside the plot.
struct ChartFrame {
    /// The horizontal axis: values (line charts, roofline) or categories (bar charts).
    enum Horizontal {
        case values(Axis, [Double])
        case categories([String], title: String)
    }

    /// Where things land once the layout is done; handed to the chart's drawing closure.
    struct Geometry {
        enum Horizontal {
            case values(ValueAxisLayout)
            case categories(CategoryAxisLayout)
        }

        var chartID: String
        var left: Double
        var top: Double
        var right: Double
        var bottom: Double
        var x: Horizontal
        var y: ValueAxisLayout
        /// Where annotation labels will be written: text placed by the chart keeps clear of them.
        var reserved: [PointLabels.Box] = []

        /// The id of the `<clipPath>` that is the plot rectangle.
        var clipURL: String { "url(#\(chartID)-plot)" }
    }

    var id: String
    var kind: String
    var title: String
    var showsTitle = true
    /// Opens the `<desc>`; the frame adds what the axes show and what is marked.
    var summary: String
    /// Replaces the generated `<desc>` entirely.
    var description: String?
    var horizontal: Horizontal
    var vertical: Axis
    var verticalValues: [Double]
    var verticalIncludesZero: Bool
    var verticalPadded: Bool
    var legend: [Legend.Entry]
    var annotations: [ChartAnnotation] = []
    /// Series looks whose bar hatching the chart uses (patterns go into `<defs>`).
    var hatchedShapes: [Int] = []

    /// `id` reduced to characters safe in an XML id and a CSS `url(#…)`.
    static func sanitizedID(_ id: String) -> String {
        let kept = String(id.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_": return Character(scalar)
            default: return "-"
            }
        })
        guard let first = kept.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) else {
            return "chart-" + kept
        }
        return kept
    }

    func render(plot: (Geometry, inout SVGWriter) -> Void) -> String {
        let layout = Layout(frame: self)
        var geometry = layout.geometry
        let marks = annotationMarks(geometry)
        geometry.reserved = marks.map(\.box)
        var svg = SVGWriter()
        let chartID = geometry.chartID
        svg.open("svg", [
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "kv-chart kv-\(kind)-chart",
            "viewBox": "0 0 \(svgNumber(ChartStyle.canvasWidth)) \(svgNumber(layout.height))",
            "width": "100%",
            "role": "img",
            "aria-labelledby": "\(chartID)-title \(chartID)-desc",
        ])
        svg.element("title", ["id": "\(chartID)-title"], text: title)
        svg.element("desc", ["id": "\(chartID)-desc"], text: description ?? generatedDescription(geometry))
        svg.raw("<style>\n" + ChartStyle.css + "\n</style>")
        svg.open("defs")
        svg.open("clipPath", ["id": "\(chartID)-plot"])
        svg.empty("rect", [
            "x": svgNumber(geometry.left), "y": svgNumber(geometry.top),
            "width": svgNumber(geometry.right - geometry.left), "height": svgNumber(geometry.bottom - geometry.top),
        ])
        svg.close("clipPath")
        for shape in Set(hatchedShapes).sorted() {
            if let pattern = ChartStyle.hatchPattern(series: shape, id: chartID) { svg.raw(pattern) }
        }
        svg.close("defs")
        for (row, line) in layout.titleLines.enumerated() {
            svg.element("text", ["class": "kv-title", "x": svgNumber(ChartStyle.padding), "y": svgNumber(layout.titleBaseline + 20 * Double(row))], text: line)
        }
        drawGrid(geometry, into: &svg)
        plot(geometry, &svg)
        drawAnnotations(marks, into: &svg)
        drawVerticalAxis(geometry, layout: layout, into: &svg)
        drawHorizontalAxis(geometry, layout: layout, into: &svg)
        layout.legend.render(top: layout.legendTop, chartID: chartID, into: &svg)
        svg.close("svg")
        return svg.markup
    }

    // MARK: Layout

    /// Positions of everything on the canvas, worked out top to bottom.
    struct Layout {
        var geometry: Geometry
        var titleLines: [String] = []
        var titleBaseline: Double
        var verticalTitleBaseline: Double
        var horizontalLabelsHeight: Double
        var horizontalTitle: String?
        var horizontalTitleBaseline: Double
        var legend: Legend
        var legendTop: Double
        var height: Double

        init(frame: ChartFrame) {
            let width = ChartStyle.canvasWidth, padding = ChartStyle.padding
            var cursor = padding
            titleBaseline = cursor + ChartStyle.titleFontSize
            if frame.showsTitle {
                // Bold text runs wider than the estimate's regular weight.
                titleLines = TextMetrics.lines(frame.title, toWidth: (width - 2 * padding) / 1.1, fontSize: ChartStyle.titleFontSize, maxLines: 2)
                cursor += titleLines.isEmpty ? 0 : 6 + 20 * Double(titleLines.count)
            }
            verticalTitleBaseline = cursor + ChartStyle.axisTitleFontSize
            cursor += 22
            let top = cursor + 6, bottom = top + ChartStyle.plotHeight

            let verticalMarks = frame.annotations.compactMap { annotation -> Double? in
                if case let .horizontal(y) = annotation.placement { return y } else { return nil }
            }
            let y = TickPlanner(axis: frame.vertical, orientation: .vertical, start: bottom, end: top)
                .layout(values: frame.verticalValues + verticalMarks, includeZero: frame.verticalIncludesZero, pad: frame.verticalPadded)
            let widestTick = y.ticks.map { TextMetrics.width($0.label, fontSize: ChartStyle.labelFontSize) }.max() ?? 0
            var left = max(padding + widestTick + 10, 44), right = width - 20

            // The horizontal axis's labels may overhang the plot; widen the margins until they fit.
            let x: Geometry.Horizontal
            switch frame.horizontal {
            case let .values(axis, values):
                let horizontalMarks = frame.annotations.compactMap { annotation -> Double? in
                    if case let .vertical(x) = annotation.placement { return x } else { return nil }
                }
                x = .values(Self.valueAxis(axis, values: values + horizontalMarks, left: &left, right: &right))
                horizontalLabelsHeight = 22
                horizontalTitle = axis.title
            case let .categories(categories, title):
                let layout = Self.categoryAxis(categories, left: &left, right: right)
                x = .categories(layout)
                horizontalLabelsHeight = layout.height
                horizontalTitle = title
            }
            horizontalTitle = horizontalTitle.flatMap {
                $0.isEmpty ? nil : TextMetrics.truncated($0, toWidth: width - 2 * padding, fontSize: ChartStyle.axisTitleFontSize)
            }
            cursor = bottom + horizontalLabelsHeight
            horizontalTitleBaseline = cursor + 16
            if horizontalTitle != nil { cursor += 22 }
            legendTop = cursor + 4
            legend = Legend(entries: frame.legend, left: left, right: width - padding)
            height = (legendTop + legend.height + padding).rounded(.up)
            geometry = Geometry(chartID: ChartFrame.sanitizedID(frame.id), left: left, top: top, right: right, bottom: bottom, x: x, y: y)
        }
        /// Ticks of a horizontal value axis, the margins widened (at most three times) until every
        /// label fits on the canvas; labels that still do not fit are dropped.
        static func valueAxis(_ axis: Axis, values: [Double], left: inout Double, right: inout Double) -> ValueAxisLayout {
            let width = ChartStyle.canvasWidth, padding = ChartStyle.padding
            func halfWidth(_ tick: Tick) -> Double { TextMetrics.width(tick.label, fontSize: ChartStyle.labelFontSize) / 2 }
            for pass in 0..<3 {
                var layout = TickPlanner(axis: axis, orientation: .horizontal, start: left, end: right)
                    .layout(values: values, includeZero: false, pad: false)
                let extents = layout.ticks.compactMap { tick -> (Double, Double)? in
                    layout.position(tick.value).map { ($0 - halfWidth(tick), $0 + halfWidth(tick)) }
                }
                let leftmost = extents.map(\.0).min() ?? padding, rightmost = extents.map(\.1).max() ?? width - padding
                let grow = max(0, padding - leftmost), shrink = max(0, rightmost - (width - padding))
                if (grow == 0 && shrink == 0) || pass == 2 || right - left - grow - shrink < 200 {
                    let shown = layout
                    layout.ticks.removeAll { tick in
                        guard let position = shown.position(tick.value) else { return true }
                        return position - halfWidth(tick) < 0 || position + halfWidth(tick) > width
                    }
                    return layout
                }
                left += grow
                right -= shrink
            }
            fatalError("unreachable: the third pass returns")
        }

        /// A category axis, the left margin widened when its first label overhangs it.
        static func categoryAxis(_ categories: [String], left: inout Double, right: Double) -> CategoryAxisLayout {
            let layout = CategoryAxisLayout(categories: categories, start: left, end: right)
            guard layout.leftOverhang > left - ChartStyle.padding else { return layout }
            left = min(ChartStyle.padding + layout.leftOverhang, right - 200)
            return CategoryAxisLayout(categories: categories, start: left, end: right)
        }
    }

    // MARK: Drawing

    private func drawGrid(_ geometry: Geometry, into svg: inout SVGWriter) {
        var lines: [String] = []
        for tick in geometry.y.ticks {
            guard let y = geometry.y.position(tick.value) else { continue }
            lines.append(svgPath([(x: geometry.left, y: y), (x: geometry.right, y: y)]))
        }
        if case let .values(x) = geometry.x {
            for tick in x.ticks {
                guard let position = x.position(tick.value) else { continue }
                lines.append(svgPath([(x: position, y: geometry.top), (x: position, y: geometry.bottom)]))
            }
        }
        guard !lines.isEmpty else { return }
        svg.empty("path", ["class": "kv-grid", "d": lines.joined(separator: " ")])
    }

    private func drawVerticalAxis(_ geometry: Geometry, layout: Layout, into svg: inout SVGWriter) {
        svg.open("g", ["class": "kv-axis kv-axis-y"])
        var axisLine = svgPath([(x: geometry.left, y: geometry.top), (x: geometry.left, y: geometry.bottom)])
        // A zero line where values cross zero, so bars and lines below it read as negative.
        if !geometry.y.isLog, geometry.y.lower < 0, geometry.y.upper > 0, let zero = geometry.y.position(0) {
            axisLine += " " + svgPath([(x: geometry.left, y: zero), (x: geometry.right, y: zero)])
        }
        svg.empty("path", ["class": "kv-axis-line", "d": axisLine])
        let placed = geometry.y.ticks.compactMap { tick in geometry.y.position(tick.value).map { (tick, $0) } }
        if !placed.isEmpty {
            svg.empty("path", ["class": "kv-tick", "d": placed.map { svgPath([(x: geometry.left - 5, y: $0.1), (x: geometry.left, y: $0.1)]) }.joined(separator: " ")])
        }
        for (tick, y) in placed {
            svg.element("text", ["class": "kv-tick-label", "x": svgNumber(geometry.left - 8), "y": svgNumber(y + 4), "text-anchor": "end"], text: tick.label)
        }
        let title = TextMetrics.truncated(vertical.title, toWidth: ChartStyle.canvasWidth - 2 * ChartStyle.padding, fontSize: ChartStyle.axisTitleFontSize)
        if !title.isEmpty {
            svg.element("text", ["class": "kv-axis-title", "x": svgNumber(ChartStyle.padding), "y": svgNumber(layout.verticalTitleBaseline)], text: title)
        }
        svg.close("g")
    }

    private func drawHorizontalAxis(_ geometry: Geometry, layout: Layout, into svg: inout SVGWriter) {
        svg.open("g", ["class": "kv-axis kv-axis-x"])
        svg.empty("path", ["class": "kv-axis-line", "d": svgPath([(x: geometry.left, y: geometry.bottom), (x: geometry.right, y: geometry.bottom)])])
        let labelBaseline = geometry.bottom + 18
        switch geometry.x {
        case let .values(x):
            let placed = x.ticks.compactMap { tick in x.position(tick.value).map { (tick, $0) } }
            if !placed.isEmpty {
                svg.empty("path", ["class": "kv-tick", "d": placed.map { svgPath([(x: $0.1, y: geometry.bottom), (x: $0.1, y: geometry.bottom + 5)]) }.joined(separator: " ")])
            }
            for (tick, position) in placed {
                svg.element("text", ["class": "kv-tick-label", "x": svgNumber(position), "y": svgNumber(labelBaseline), "text-anchor": "middle"], text: tick.label)
            }
        case let .categories(categories):
            for (index, lines) in categories.lines.enumerated() where categories.isLabelled(index) {
                let center = categories.center(index)
                switch categories.mode {
                case .horizontal, .wrapped:
                    for (row, line) in lines.enumerated() {
                        svg.element("text", [
                            "class": "kv-tick-label kv-category-label", "x": svgNumber(center),
                            "y": svgNumber(labelBaseline + Double(row) * CategoryAxisLayout.lineHeight), "text-anchor": "middle",
                        ], text: line)
                    }
                case .slanted:
                    let y = geometry.bottom + 14
                    svg.element("text", [
                        "class": "kv-tick-label kv-category-label", "x": svgNumber(center), "y": svgNumber(y), "text-anchor": "end",
                        "transform": "rotate(-\(svgNumber(CategoryAxisLayout.slant)) \(svgNumber(center)) \(svgNumber(y)))",
                    ], text: lines.first ?? "")
                }
            }
        }
        if let title = layout.horizontalTitle {
            svg.element("text", [
                "class": "kv-axis-title", "x": svgNumber((geometry.left + geometry.right) / 2),
                "y": svgNumber(layout.horizontalTitleBaseline), "text-anchor": "middle",
            ], text: title)
        }
        svg.close("g")
    }

    /// A reference line and its label, placed.
    struct AnnotationMark {
        var line: String
        var x: Double
        var y: Double
        var anchor: String
        var text: String
        var box: PointLabels.Box
    }

    /// Reference lines with their labels, each label moved down a row while it would overlap
    /// one already placed.
    private func annotationMarks(_ geometry: Geometry) -> [AnnotationMark] {
        var placedBoxes: [(left: Double, right: Double, baseline: Double)] = []
        var drawn: [AnnotationMark] = []
        let fontSize = ChartStyle.labelFontSize
        for annotation in annotations {
            switch annotation.placement {
            case let .vertical(value):
                guard case let .values(x) = geometry.x, x.contains(value), let position = x.position(value) else { continue }
                let roomRight = geometry.right - position - 4, roomLeft = position - geometry.left - 4
                let fullWidth = TextMetrics.width(annotation.label, fontSize: fontSize)
                let onRight = fullWidth <= roomRight || roomRight >= roomLeft
                let text = TextMetrics.truncated(annotation.label, toWidth: max(onRight ? roomRight : roomLeft, 0), fontSize: fontSize)
                let textWidth = TextMetrics.width(text, fontSize: fontSize)
                let left = onRight ? position + 4 : position - 4 - textWidth
                var baseline = geometry.top + 14
                while placedBoxes.contains(where: { $0.baseline == baseline && $0.left < left + textWidth + 4 && left < $0.right + 4 }),
                      baseline < geometry.bottom - 20 {
                    baseline += 16
                }
                placedBoxes.append((left, left + textWidth, baseline))
                drawn.append(AnnotationMark(
                    line: svgPath([(x: position, y: geometry.top), (x: position, y: geometry.bottom)]),
                    x: onRight ? position + 4 : position - 4, y: baseline, anchor: onRight ? "start" : "end", text: text,
                    box: PointLabels.Box(left: left, top: baseline - fontSize, right: left + textWidth, bottom: baseline + 3)
                ))
            case let .horizontal(value):
                guard geometry.y.contains(value), let position = geometry.y.position(value) else { continue }
                let text = TextMetrics.truncated(annotation.label, toWidth: geometry.right - geometry.left - 8, fontSize: fontSize)
                let baseline = position - 16 < geometry.top ? position + 15 : position - 5
                let textWidth = TextMetrics.width(text, fontSize: fontSize)
                drawn.append(AnnotationMark(
                    line: svgPath([(x: geometry.left, y: position), (x: geometry.right, y: position)]),
                    x: geometry.right - 4, y: baseline, anchor: "end", text: text,
                    box: PointLabels.Box(left: geometry.right - 4 - textWidth, top: baseline - fontSize, right: geometry.right - 4, bottom: baseline + 3)
                ))
            }
        }
        return drawn
    }

    private func drawAnnotations(_ drawn: [AnnotationMark], into svg: inout SVGWriter) {
        guard !drawn.isEmpty else { return }
        svg.open("g", ["class": "kv-annotations"])
        for item in drawn {
            svg.empty("path", ["class": "kv-annotation-line", "d": item.line])
            svg.element("text", [
                "class": "kv-annotation-label kv-halo", "x": svgNumber(item.x), "y": svgNumber(item.y), "text-anchor": item.anchor,
            ], text: item.text)
        }
        svg.close("g")
    }

    // MARK: Description

    private func generatedDescription(_ geometry: Geometry) -> String {
        var sentences = [summary]
        switch (horizontal, geometry.x) {
        case let (.values(axis, _), .values(layout)):
            sentences.append("Horizontal axis: " + Self.axisSentence(axis, layout))
        case let (.categories(names, title), _):
            sentences.append("Horizontal axis: \(title.isEmpty ? "" : title + ", ")categories \(names.joined(separator: ", ")).")
        default: break
        }
        sentences.append("Vertical axis: " + Self.axisSentence(vertical, geometry.y))
        let marks = annotations.compactMap { annotation -> String? in
            switch annotation.placement {
            case let .vertical(x):
                guard case let .values(axis, _) = horizontal, x.isFinite else { return nil }
                return Self.mark(annotation.label, at: axis.format(x))
            case let .horizontal(y):
                guard y.isFinite else { return nil }
                return Self.mark(annotation.label, at: vertical.format(y))
            }
        }
        if !marks.isEmpty { sentences.append("Marked: " + marks.joined(separator: "; ") + ".") }
        return sentences.filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static func mark(_ label: String, at value: String) -> String {
        label.contains(value) ? label : "\(label) at \(value)"
    }

    private static func axisSentence(_ axis: Axis, _ layout: ValueAxisLayout) -> String {
        let title = axis.title.isEmpty ? "" : axis.title + ", "
        return "\(title)\(layout.isLog ? "logarithmic, " : "")from \(axis.format(layout.lower)) to \(axis.format(layout.upper))."
    }
}
