import Foundation
import Testing
@testable import KVReport

/// Every string a user can supply reaches the SVG escaped: it shows as text and never as markup.
@Suite struct ChartEscapingTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a & b", "a &amp; b"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("say \"hi\"", "say &quot;hi&quot;"),
        ("it's", "it&#39;s"),
        ("&amp;", "&amp;amp;"),
        ("nul\u{0}bell\u{7}", "nulbell"),
        ("tab\tline\n", "tab\tline\n"),
        ("µs × 4K — ok", "µs × 4K — ok"),
    ])
    func xmlEscapedReplacesMarkupCharacters(raw: String, escaped: String) {
        #expect(xmlEscaped(raw) == escaped)
    }

    static let hostile = "<script>alert(1)</script> & \"quotes\" 'too'"

    static var hostileCharts: [(String, String)] {
        let axis = Axis(title: hostile)
        return [
            ("line", LineChart(
                title: hostile, x: axis, y: axis,
                series: [ChartSeries(name: hostile, points: [(x: 1, y: 2), (x: 2, y: 3)]), ChartSeries(name: hostile, points: [(x: 1, y: 1)], markersOnly: true)],
                annotations: [ChartAnnotation(x: 1.5, label: hostile), ChartAnnotation(y: 2.5, label: hostile)]
            ).svg(id: "x\"><script>")),
            ("bar", BarChart(title: hostile, categories: [hostile, "b"], series: [BarSeries(name: hostile, values: [1, 2])], y: axis, categoryTitle: hostile).svg(id: "bar")),
            ("stacked", BarChart(title: hostile, categories: [hostile], series: [BarSeries(name: hostile, values: [1])], arrangement: .stacked, y: axis).svg(id: "stacked")),
            ("roofline", RooflineChart(title: hostile, peakFLOPsPerSecond: 1e14, bytesPerSecond: 1e12, points: [RooflinePoint(label: hostile, intensity: 10, flopsPerSecond: 1e13)]).svg(id: "roof")),
        ]
    }

    @Test(arguments: hostileCharts.map(\.0))
    func hostileStringsRenderAsText(kind: String) throws {
        let svg = try #require(Self.hostileCharts.first { $0.0 == kind }).1
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("\"quotes\""))
        let document = ChartSVGDocument(svg)
        #expect(document.isWellFormed, "\(document.parseError ?? "")")
        #expect(!document.elements.contains { $0.name == "script" })
        // Parsed back, the text is exactly what the user wrote (or a shortened prefix of it).
        #expect(document.elements(named: "title").first?.text == Self.hostile)
        let texts = document.elements(named: "text").map(\.text).filter { $0.hasPrefix("<scr") }
        #expect(!texts.isEmpty)
        #expect(texts.allSatisfy { Self.hostile.hasPrefix($0.replacingOccurrences(of: "…", with: "")) })
    }

    @Test func chartIDIsReducedToSafeCharacters() {
        #expect(ChartFrame.sanitizedID("fig-3_kv") == "fig-3_kv")
        #expect(ChartFrame.sanitizedID("a b\"<") == "a-b--")
        #expect(ChartFrame.sanitizedID("3d") == "chart-3d")
        #expect(ChartFrame.sanitizedID("") == "chart-")
        let svg = LineChart(title: "t", x: Axis(title: "x"), y: Axis(title: "y"), series: []).svg(id: "x\"><script>")
        #expect(svg.contains("aria-labelledby=\"x---script--title x---script--desc\""))
    }
}
