/// The look every chart shares: canvas size, type sizes, the Okabe–Ito palette as CSS custom
/// properties (light, dark, print), line dashes, marker shapes and bar hatchings.
///
/// Colours live only in the embedded style sheet, never on elements, so a page can restyle a chart
/// by setting the `--kv-chart-*` custom properties, and a standalone SVG still follows the
/// reader's colour scheme.
enum ChartStyle {
    /// viewBox width; at 600 px on screen, 12-unit text is 11.25 px.
    static let canvasWidth = 640.0
    static let padding = 10.0
    static let plotHeight = 220.0
    static let titleFontSize = 15.0
    static let axisTitleFontSize = 13.0
    static let labelFontSize = 12.0
    static let markerRadius = 4.5
    static let seriesSlots = 8

    /// Okabe & Ito (2008), "Color Universal Design": distinguishable with any common colour-vision
    /// deficiency. Light (and print) order puts the darker hues first; dark mode the lighter ones,
    /// with yellow, which vanishes on white, used only on dark backgrounds.
    static let lightSeriesColors = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#767676"]
    static let darkSeriesColors = ["#56b4e9", "#e69f00", "#009e73", "#cc79a7", "#f0e442", "#d55e00", "#ffffff", "#0072b2"]

    private static func palette(fg: String, muted: String, grid: String, bg: String, series: [String]) -> String {
        var properties = [
            "--kv-fg:var(--kv-chart-fg,\(fg))",
            "--kv-muted:var(--kv-chart-muted,\(muted))",
            "--kv-grid:var(--kv-chart-grid,\(grid))",
            "--kv-bg:var(--kv-chart-bg,\(bg))",
        ]
        for (slot, color) in series.enumerated() { properties.append("--kv-s\(slot):var(--kv-chart-series-\(slot),\(color))") }
        return ".kv-chart{" + properties.joined(separator: ";") + "}"
    }

    /// The `<style>` body. Selectors are scoped under `.kv-chart` so, inlined in a page, they touch
    /// nothing else; identical in every chart, so repeating it is harmless.
    static let css: String = {
        let light = palette(fg: "#1f2328", muted: "#57606a", grid: "#d8dee4", bg: "#ffffff", series: lightSeriesColors)
        let dark = palette(fg: "#e6edf3", muted: "#9198a1", grid: "#3d444d", bg: "#0d1117", series: darkSeriesColors)
        let print = palette(fg: "#000000", muted: "#333333", grid: "#cccccc", bg: "#ffffff", series: lightSeriesColors)
        var rules = [
            light,
            ".kv-chart{font-family:var(--kv-chart-font,system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif);height:auto}",
            "@media (prefers-color-scheme:dark){" + dark + "}",
            "@media print{" + print + "}",
            ".kv-chart text{fill:var(--kv-fg);font-size:\(Int(labelFontSize))px}",
            ".kv-chart .kv-title{font-size:\(Int(titleFontSize))px;font-weight:600}",
            ".kv-chart .kv-axis-title{font-size:\(Int(axisTitleFontSize))px}",
            ".kv-chart .kv-tick-label{fill:var(--kv-muted)}",
            ".kv-chart .kv-axis-line,.kv-chart .kv-tick{stroke:var(--kv-fg);stroke-width:1}",
            ".kv-chart .kv-grid{stroke:var(--kv-grid);stroke-width:1}",
        ]
        for slot in 0..<seriesSlots { rules.append(".kv-chart .kv-series-\(slot){--kv-series:var(--kv-s\(slot))}") }
        rules.append(".kv-chart .kv-reference{--kv-series:var(--kv-fg)}")
        rules += [
            ".kv-chart .kv-line{fill:none;stroke:var(--kv-series);stroke-width:2.5;stroke-linejoin:round;stroke-linecap:round}",
            ".kv-chart .kv-dashed{stroke-dasharray:7 4;stroke-linecap:butt}",
            ".kv-chart .kv-band{fill:var(--kv-series);fill-opacity:0.18;stroke:none}",
            ".kv-chart .kv-marker{fill:var(--kv-series);stroke:var(--kv-bg);stroke-width:1}",
            ".kv-chart .kv-bar{fill:var(--kv-series)}",
            ".kv-chart .kv-extrapolated{fill:var(--kv-bg);stroke:var(--kv-series);stroke-width:2}",
            ".kv-chart .kv-bar.kv-extrapolated{stroke-dasharray:3 2}",
            ".kv-chart .kv-hatch{fill:none;stroke:var(--kv-bg);stroke-width:1.5;stroke-opacity:0.7}",
            ".kv-chart .kv-hatch-dot{fill:var(--kv-bg);fill-opacity:0.7}",
            ".kv-chart .kv-annotation-line{stroke:var(--kv-fg);stroke-width:1;stroke-dasharray:4 3}",
            ".kv-chart .kv-halo{paint-order:stroke;stroke:var(--kv-bg);stroke-width:3px;stroke-linejoin:round}",
        ]
        return rules.joined(separator: "\n")
    }()

    /// The CSS class of series `index`: colours repeat after `seriesSlots`, shapes too.
    static func seriesClass(_ index: Int) -> String {
        "kv-series kv-series-\(index % seriesSlots)"
    }

    /// A filled marker centred on (x, y); the shape follows the series, so series differ by more
    /// than colour: circle, square, triangle, diamond, inverted triangle, plus, cross, hexagon.
    static func markerPath(series index: Int, x: Double, y: Double) -> String {
        let r = markerRadius
        func polygon(_ corners: [(Double, Double)]) -> String {
            svgPath(corners.map { (x: x + $0.0 * r, y: y + $0.1 * r) }) + " Z"
        }
        func plus(rotated: Bool) -> [(Double, Double)] {
            let arm = 1.2, half = 0.38
            let outline: [(Double, Double)] = [
                (-half, -arm), (half, -arm), (half, -half), (arm, -half), (arm, half), (half, half),
                (half, arm), (-half, arm), (-half, half), (-arm, half), (-arm, -half), (-half, -half),
            ]
            guard rotated else { return outline }
            let c = 0.7071067811865476
            return outline.map { ($0.0 * c - $0.1 * c, $0.0 * c + $0.1 * c) }
        }
        switch index % seriesSlots {
        case 0:
            let left = svgNumber(x - r), right = svgNumber(x + r), row = svgNumber(y), radius = svgNumber(r)
            return "M\(left) \(row) A\(radius) \(radius) 0 1 0 \(right) \(row) A\(radius) \(radius) 0 1 0 \(left) \(row) Z"
        case 1: return polygon([(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)])
        case 2: return polygon([(0, -1.2), (1.1, 0.8), (-1.1, 0.8)])
        case 3: return polygon([(0, -1.25), (1.1, 0), (0, 1.25), (-1.1, 0)])
        case 4: return polygon([(0, 1.2), (1.1, -0.8), (-1.1, -0.8)])
        case 5: return polygon(plus(rotated: false))
        case 6: return polygon(plus(rotated: true))
        default: return polygon([(1, 0), (0.5, 0.87), (-0.5, 0.87), (-1, 0), (-0.5, -0.87), (0.5, -0.87)])
        }
    }

    /// The `<pattern>` that hatches bars of series `index` (none for slot 0: solid), so stacked and
    /// grouped bars read in greyscale print and without colour vision.
    static func hatchPattern(series index: Int, id: String) -> String? {
        let strokes: String
        switch index % seriesSlots {
        case 0: return nil
        case 1: strokes = "<path class=\"kv-hatch\" d=\"M0 6 L6 0 M-1 1 L1 -1 M5 7 L7 5\"/>"
        case 2: strokes = "<circle class=\"kv-hatch-dot\" cx=\"3\" cy=\"3\" r=\"1.2\"/>"
        case 3: strokes = "<path class=\"kv-hatch\" d=\"M0 3 L6 3\"/>"
        case 4: strokes = "<path class=\"kv-hatch\" d=\"M0 0 L6 6 M-1 5 L1 7 M5 -1 L7 1\"/>"
        case 5: strokes = "<path class=\"kv-hatch\" d=\"M0 6 L6 0 M-1 1 L1 -1 M5 7 L7 5 M0 0 L6 6 M-1 5 L1 7 M5 -1 L7 1\"/>"
        case 6: strokes = "<path class=\"kv-hatch\" d=\"M3 0 L3 6\"/>"
        default: strokes = "<path class=\"kv-hatch\" d=\"M0 3 L6 3 M3 0 L3 6\"/>"
        }
        return "<pattern id=\"\(hatchID(series: index, chart: id))\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">\(strokes)</pattern>"
    }

    static func hatchID(series index: Int, chart id: String) -> String {
        "\(id)-hatch-\(index % seriesSlots)"
    }
}
