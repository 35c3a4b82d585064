import Foundation
import Testing
@testable import KVReport

/// Tick choice: round steps, powers on log axes, and labels that never collide.
@Suite struct ChartTickTests {
    /// A horizontal axis as wide as a plot in a chart shown 600 px wide.
    func horizontal(_ axis: Axis, _ values: [Double], width: Double = 576) -> ValueAxisLayout {
        TickPlanner(axis: axis, orientation: .horizontal, start: 44, end: 44 + width).layout(values: values, includeZero: false, pad: false)
    }

    func vertical(_ axis: Axis, _ values: [Double], includeZero: Bool = true) -> ValueAxisLayout {
        TickPlanner(axis: axis, orientation: .vertical, start: 284, end: 64).layout(values: values, includeZero: includeZero, pad: false)
    }

    @Test func contextLengthsFrom4KTo1MTickAtPowersOfFour() {
        let layout = horizontal(Axis(title: "context (tokens)", scale: .log, format: Axis.tokenCount), [4096, 1_048_576])
        #expect(layout.ticks.map(\.label) == ["4K", "16K", "64K", "256K", "1M"])
        #expect(layout.lower == 4096 && layout.upper == 1_048_576)
    }

    @Test func narrowLogAxisKeepsFewerPowers() {
        let layout = horizontal(Axis(title: "context (tokens)", scale: .log, format: Axis.tokenCount), [4096, 1_048_576], width: 150)
        #expect(layout.ticks.count >= 2 && layout.ticks.count < 5)
        #expect(layout.ticks.allSatisfy { TickPlanner.isPowerOfTwo($0.value) })
        #expect(TickPlanner(axis: Axis(title: ""), orientation: .horizontal, start: 0, end: 150).fits(layout))
    }

    @Test func flopRatesTickAtDecades() {
        let layout = vertical(Axis(title: "FLOP/s", scale: .log, logBase: 10), [1e11, 1e15])
        #expect(layout.ticks.map(\.label) == ["100G", "1T", "10T", "100T", "1P"])
    }

    @Test func logAxisWithinTwoDecadesUsesOneTwoFive() {
        let layout = horizontal(Axis(title: "", scale: .log), [3, 300])
        #expect(layout.ticks.map(\.label) == ["5", "10", "20", "50", "100", "200"])
    }

    @Test(arguments: [
        (0.0, 97.0, ["0", "20", "40", "60", "80", "100"]),
        (0, 1, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
        (0, 12_800, ["0", "5K", "10K", "15K"]),
        (-3, 7, ["-4", "-2", "0", "2", "4", "6", "8"]),
        (0, 0.0042, ["0", "0.001", "0.002", "0.003", "0.004", "0.005"]),
    ])
    func linearTicksStepByOneTwoOrFive(low: Double, high: Double, labels: [String]) {
        let layout = vertical(Axis(title: ""), [low, high])
        #expect(layout.ticks.map(\.label) == labels)
        #expect(layout.lower <= low && layout.upper >= high)
    }

    @Test func fixedRangeIsKept() {
        let layout = vertical(Axis(title: "", min: 10, max: 90), [0, 100])
        #expect(layout.lower == 10 && layout.upper == 90)
        #expect(layout.ticks.allSatisfy { $0.value >= 10 && $0.value <= 90 })
    }

    static let ranges: [(Double, Double, AxisScale)] = [
        (4096, 1_048_576, .log), (1, 1e6, .log), (0.001, 1e12, .log), (1e-300, 1e300, .log), (5000, 6000, .log),
        (123, 98_765, .linear), (0, 1e9, .linear), (-1e15, 1e15, .linear), (1_000_000, 1_000_100, .linear), (0.5, 0.5000001, .linear),
    ]

    /// The x tick labels of a real chart, measured with a flat 0.6 em per character (wider than
    /// digits in common sans-serif fonts), neither overlap nor leave the canvas; y labels are a
    /// line apart.
    @Test(arguments: ranges.indices)
    func renderedTickLabelsDoNotCollide(index: Int) throws {
        let (low, high, scale) = Self.ranges[index]
        let formats: [@Sendable (Double) -> String] = [Axis.compact, Axis.tokenCount, { String(format: "%.2f units", $0) }]
        for format in formats {
            let chart = LineChart(
                title: "ticks", x: Axis(title: "x", scale: scale, format: format), y: Axis(title: "y", scale: scale, format: format),
                series: [ChartSeries(name: "s", points: [(x: low, y: low), (x: high, y: high)])]
            )
            let document = ChartSVGDocument(chart.svg(id: "ticks"))
            #expect(document.isWellFormed)
            let labels = document.indices { $0.has(class: "kv-tick-label") }
            let xLabels = labels.filter { document.isInside($0, class: "kv-axis-x") }.map { document.elements[$0] }
            let yLabels = labels.filter { document.isInside($0, class: "kv-axis-y") }.map { document.elements[$0] }
            #expect(xLabels.count >= 1 && yLabels.count >= 1, "\(low)…\(high)")
            let extents = xLabels.compactMap { label -> (Double, Double)? in
                guard let x = Double(label.attributes["x"] ?? "") else { return nil }
                let half = Double(label.text.count) * 0.6 * 12 / 2
                return (x - half, x + half)
            }.sorted { $0.0 < $1.0 }
            let xTexts = xLabels.map { $0.text }, yTexts = yLabels.map { $0.text }
            for (a, b) in zip(extents, extents.dropFirst()) { #expect(a.1 <= b.0, "\(low)…\(high): \(xTexts)") }
            #expect(extents.allSatisfy { $0.0 >= 0 && $0.1 <= 640 })
            let rows = yLabels.compactMap { Double($0.attributes["y"] ?? "") }.sorted()
            for (a, b) in zip(rows, rows.dropFirst()) { #expect(b - a >= 12, "\(low)…\(high): \(yTexts)") }
            #expect(Set(xLabels.map(\.text)).count == xLabels.count)
        }
    }

    @Test func categoryLabelsFitTheirBandOrWrapOrSlant() {
        let short = CategoryAxisLayout(categories: ["A100", "H100", "H200"], start: 50, end: 620)
        #expect(short.mode == .horizontal && short.lines == [["A100"], ["H100"], ["H200"]])
        let long = CategoryAxisLayout(categories: ["multi-head attention", "grouped-query attention", "multi-head latent attention", "sliding window", "hybrid"], start: 50, end: 620)
        #expect(long.mode == .wrapped)
        #expect(long.lines.allSatisfy { $0.count <= 3 && $0.allSatisfy { TextMetrics.width($0, fontSize: 12) <= long.bandWidth - 6 } })
        #expect(long.lines.map { $0.joined(separator: " ") } == ["multi-head attention", "grouped-query attention", "multi-head latent attention", "sliding window", "hybrid"])
        let many = CategoryAxisLayout(categories: (0..<60).map { "configuration number \($0)" }, start: 50, end: 620)
        #expect(many.mode == .slanted)
        // Slanted labels are parallel: shown neighbours must be a line height apart across the slant.
        let spacing = many.bandWidth * Double(many.stride) * sin(CategoryAxisLayout.slant * .pi / 180)
        #expect(many.stride > 1 && spacing >= CategoryAxisLayout.lineHeight)
    }

    @Test(arguments: [
        (0.0, "0"), (950, "950"), (1500, "1.5K"), (2e6, "2M"), (312e12, "312T"), (1e15, "1P"), (0.25, "0.25"),
        (-1500, "-1.5K"), (999_999, "1M"), (2.5e-7, "2.5e-7"), (1e24, "1e24"), (.nan, ""), (.infinity, ""),
    ])
    func compactLabels(value: Double, label: String) {
        #expect(Axis.compact(value) == label)
    }

    @Test(arguments: [(4096.0, "4K"), (1_048_576, "1M"), (204_800, "200K"), (50_000, "50K"), (512, "512"), (1_073_741_824, "1G")] as [(Double, String)])
    func tokenCountLabels(value: Double, label: String) {
        #expect(Axis.tokenCount(value) == label)
    }
}
