import Foundation
import Testing
@testable import KVReport

/// Data a chart can be handed by a study gone odd — nothing, one point, a flat line, zeros on a
/// log axis, NaN, infinities, 600 decades — renders as well-formed SVG with finite numbers.
@Suite struct ChartEdgeCaseTests {
    static let logX = Axis(title: "context (tokens)", scale: .log, format: Axis.tokenCount)
    static let linearY = Axis(title: "sessions")
    static let logY = Axis(title: "seconds", scale: .log)

    static func line(_ series: [ChartSeries], x: Axis = logX, y: Axis = linearY, annotations: [ChartAnnotation] = []) -> String {
        LineChart(title: "edge", x: x, y: y, series: series, annotations: annotations).svg(id: "edge")
    }

    static func points(_ pairs: [(Double, Double)]) -> [ChartSeries] {
        [ChartSeries(name: "s", points: pairs.map { (x: $0.0, y: $0.1) })]
    }

    static let cases: [(name: String, svg: @Sendable () -> String)] = [
        ("no series", { line([]) }),
        ("series without points", { line([ChartSeries(name: "empty", points: [ChartPoint]())]) }),
        ("one point", { line(points([(4096, 3)])) }),
        ("one measured point", { line([ChartSeries(name: "m", points: [(x: 4096, y: 3)], markersOnly: true)]) }),
        ("all values equal", { line(points([(4096, 5), (8192, 5), (16384, 5)])) }),
        ("all x equal", { line(points([(4096, 1), (4096, 2)])) }),
        ("all zero", { line(points([(0, 0), (0, 0)]), x: linearY, y: linearY) }),
        ("zeros and negatives on log axes", { line(points([(0, 1), (-4096, 2), (4096, 0), (8192, -1), (16384, 4)]), y: logY) }),
        ("only non-positive on log axes", { line(points([(0, 0), (-1, -1)]), y: logY) }),
        ("NaN and infinities", { line(points([(.nan, 1), (4096, .nan), (.infinity, 2), (8192, -.infinity), (16384, 3)])) }),
        ("only NaN", { line(points([(.nan, .nan)])) }),
        ("huge range", { line(points([(1e-300, 1e-300), (1e300, 1e300), (.greatestFiniteMagnitude, 1)]), y: logY) }),
        ("huge linear range", { line(points([(-1e308, -1e308), (1e308, 1e308)]), x: linearY, y: linearY) }),
        ("tiny span at large magnitude", { line(points([(1e20, 1e20), (1e20 + 1e5, 1e20 + 1e5)]), x: linearY, y: linearY) }),
        ("subnormal values", { line(points([(.leastNonzeroMagnitude, .leastNonzeroMagnitude), (Double.leastNormalMagnitude / 4, 1)]), y: logY) }),
        ("negative values", { line(points([(1, -5), (2, -1), (3, -3)]), x: linearY) }),
        ("fixed range excluding data", { line(points([(1, 1), (1000, 1000)]), x: Axis(title: "x", min: 10, max: 20), y: Axis(title: "y", min: 5, max: 5)) }),
        ("inverted fixed range", { line(points([(1, 1), (2, 2)]), x: Axis(title: "x", min: 20, max: 10), y: Axis(title: "y", scale: .log, min: -1, max: .nan)) }),
        ("1000 points", { line(points((1...1000).map { (Double($0) * 1024, 1e6 / Double($0)) }), y: logY) }),
        ("many series", { line((0..<20).map { ChartSeries(name: "series number \($0) with a long name", points: [(x: 4096, y: Double($0)), (x: 8192, y: Double($0 + 1))]) }) }),
        ("odd annotations", {
            line(points([(4096, 1), (8192, 2)]), annotations: [
                ChartAnnotation(x: .nan, label: "nan"), ChartAnnotation(x: -5, label: "negative"), ChartAnnotation(x: 1e9, label: "far"),
                ChartAnnotation(x: 8192, label: "a"), ChartAnnotation(x: 8192, label: "b"), ChartAnnotation(y: .infinity, label: "up"), ChartAnnotation(y: 1.5, label: "level"),
            ])
        }),
        ("long texts", { LineChart(title: String(repeating: "a very long title ", count: 20), x: Axis(title: String(repeating: "x", count: 300)), y: Axis(title: String(repeating: "y ", count: 200)), series: [ChartSeries(name: String(repeating: "W", count: 200), points: [(x: 1, y: 1)])], annotations: [ChartAnnotation(x: 1, label: String(repeating: "label ", count: 50))]).svg(id: "long") }),
        ("bars: nothing", { BarChart(title: "b", categories: [], series: [BarSeries](), y: linearY).svg(id: "b") }),
        ("bars: categories without series", { BarChart(title: "b", categories: ["a", "b"], series: [BarSeries](), y: linearY).svg(id: "b") }),
        ("bars: ragged and odd values", { BarChart(title: "b", categories: ["a", "b", "c"], series: [BarSeries(name: "s", values: [1, .nan]), BarSeries(name: "t", values: [-.infinity, 2, 3, 4, 5])], y: linearY).svg(id: "b") }),
        ("bars: negative", { BarChart(title: "b", categories: ["a", "b"], series: [BarSeries(name: "s", values: [-3, 5])], y: linearY).svg(id: "b") }),
        ("bars: log axis with zero", { BarChart(title: "b", categories: ["a", "b"], series: [BarSeries(name: "s", values: [0, 100])], y: logY).svg(id: "b") }),
        ("bars: many long categories", { BarChart(title: "b", categories: (0..<40).map { "FP8 KV + H2O \($0)% + sliding window" }, series: [BarSeries(name: "s", values: (0..<40).map(Double.init))], y: linearY).svg(id: "b") }),
        ("bars: wrapped categories", { BarChart(title: "b", categories: ["multi-head attention", "grouped-query attention", "multi-head latent attention", "sliding window", "hybrid"], series: [BarSeries(name: "s", values: [1, 2, 3, 4, 5])], y: linearY).svg(id: "b") }),
        ("stacked: negatives and NaN", { BarChart(title: "s", categories: ["a", "b"], series: [BarSeries(name: "w", values: [-1, .nan]), BarSeries(name: "kv", values: [2, 3])], arrangement: .stacked, y: linearY).svg(id: "s") }),
        ("stacked: all zero", { BarChart(title: "s", categories: ["a"], series: [BarSeries(name: "w", values: [0])], arrangement: .stacked, y: linearY).svg(id: "s") }),
        ("roofline: no roof, no points", { RooflineChart(title: "r", peakFLOPsPerSecond: 0, bytesPerSecond: 0, points: [RooflinePoint]()).svg(id: "r") }),
        ("roofline: NaN roof and points", { RooflineChart(title: "r", peakFLOPsPerSecond: .nan, bytesPerSecond: .infinity, points: [RooflinePoint(label: "p", intensity: .nan, flopsPerSecond: -1), RooflinePoint(label: "q", intensity: 0, flopsPerSecond: 1e12)]).svg(id: "r") }),
        ("roofline: extreme roof", { RooflineChart(title: "r", peakFLOPsPerSecond: 1e300, bytesPerSecond: 1e-300, points: [(label: "p", intensity: 1e-300, flopsPerSecond: 1e-300)]).svg(id: "r") }),
        ("roofline: crowded points", { RooflineChart(title: "r", peakFLOPsPerSecond: 1e15, bytesPerSecond: 3e12, points: (1...12).map { RooflinePoint(label: "decode batch \($0)", intensity: Double($0), flopsPerSecond: 3e12 * Double($0)) }).svg(id: "r") }),
    ]

    @Test(arguments: cases.map(\.name))
    func rendersWellFormedSVGWithFiniteNumbers(name: String) throws {
        let svg = try #require(Self.cases.first { $0.name == name }).svg()
        let document = ChartSVGDocument(svg)
        #expect(document.isWellFormed, "\(document.parseError ?? "")")
        // No "nan" or "inf" anywhere (titles in these cases avoid the words), no exponent in coordinates.
        let text = svg.lowercased()
        #expect(!text.contains("nan") && !text.contains("inf"))
        let numbers = document.numbers
        #expect(!numbers.isEmpty)
        for number in numbers {
            #expect(Double(number)?.isFinite == true && !number.contains("e") && !number.contains("E"), "\(name): \(number)")
            #expect(number.split(separator: ".").dropFirst().first.map { $0.count <= 1 } ?? true, "\(name): \(number)")
        }
        // Sizes are never negative, and everything drawn stays near the canvas.
        for element in document.elements {
            for attribute in ["width", "height", "r"] {
                if let value = element.attributes[attribute].flatMap(Double.init) { #expect(value >= 0, "\(name): \(element.name) \(attribute)=\(value)") }
            }
        }
        let root = try #require(document.root)
        let height = try #require(root.attributes["viewBox"]?.split(separator: " ").last.flatMap { Double($0) })
        #expect(height > 100 && height < 2000, "\(name): height \(height)")
        for label in document.elements(named: "text") {
            if let x = label.attributes["x"].flatMap(Double.init), label.attributes["transform"] == nil { #expect(x >= 0 && x <= 640, "\(name): \(label.text) at x=\(x)") }
        }
    }
}
