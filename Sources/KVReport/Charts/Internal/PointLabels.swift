/// Text set beside individual points (a roofline's phases): right of the marker, else above,
/// left or below, whichever first stays inside the plot and clear of labels already placed and
/// of the lines drawn (a label struck through by the roof is hard to read).
enum PointLabels {
    struct Box {
        var left, top, right, bottom: Double

        func overlaps(_ other: Box) -> Bool {
            left < other.right && other.left < right && top < other.bottom && other.top < bottom
        }

        /// Whether the segment from `a` to `b` passes through the box (checked at 2-unit steps).
        func crosses(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Bool {
            let steps = max(1, min(2000, Int((abs(b.x - a.x) + abs(b.y - a.y)) / 2)))
            return (0...steps).contains { step in
                let t = Double(step) / Double(steps)
                let x = a.x + (b.x - a.x) * t, y = a.y + (b.y - a.y) * t
                return x > left && x < right && y > top && y < bottom
            }
        }
    }

    static func place(
        _ label: String, at point: ChartPoint, in geometry: ChartFrame.Geometry,
        avoiding placed: inout [Box], lines: [[(x: Double, y: Double)]], into svg: inout SVGWriter
    ) {
        guard case let .values(xAxis) = geometry.x, xAxis.contains(point.x), geometry.y.contains(point.y),
              let x = xAxis.position(point.x), let y = geometry.y.position(point.y) else { return }
        let fontSize = ChartStyle.labelFontSize
        let text = TextMetrics.truncated(label, toWidth: 200, fontSize: fontSize)
        let width = TextMetrics.width(text, fontSize: fontSize)
        // (left edge, baseline) of each candidate spot.
        let spots = [
            (x + 8, y + 4), (x - width / 2, y - 10), (x - 8 - width, y + 4), (x - width / 2, y + 20),
            (x + 8, y - 10), (x + 8, y + 18), (x - 8 - width, y - 10), (x - 8 - width, y + 18),
        ]
        func box(_ spot: (Double, Double)) -> Box { Box(left: spot.0, top: spot.1 - fontSize + 2, right: spot.0 + width, bottom: spot.1 + 3) }
        func inside(_ b: Box) -> Bool { b.left >= geometry.left && b.right <= geometry.right && b.top >= geometry.top && b.bottom <= geometry.bottom }
        func clear(_ b: Box) -> Bool {
            !placed.contains(where: b.overlaps) && !lines.contains { line in zip(line, line.dropFirst()).contains { b.crosses($0, $1) } }
        }
        let chosen = spots.first { inside(box($0)) && clear(box($0)) }
            ?? spots.first { inside(box($0)) && !placed.contains(where: box($0).overlaps) }
            ?? spots.first { inside(box($0)) } ?? spots[0]
        placed.append(box(chosen))
        svg.element("text", ["class": "kv-point-label kv-halo", "x": svgNumber(chosen.0), "y": svgNumber(chosen.1)], text: text)
    }
}
