import Foundation
import Testing
@testable import KVReport

/// What every chart must carry: a labelled, described `<svg>` at a readable size, one mark per
/// series, a legend naming them, and colours that come only from the style sheet.
@Suite struct ChartStructureTests {
    @Test(arguments: ChartFixtures.all.map(\.name))
    func rootIsAnAccessibleResponsiveSVG(name: String) throws {
        let svg = try #require(ChartFixtures.all.first { $0.name == name }).svg
        let document = ChartSVGDocument(svg)
        #expect(document.isWellFormed, "\(document.parseError ?? "")")
        let root = try #require(document.root)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["width"] == "100%")
        #expect(root.has(class: "kv-chart"))
        let viewBox = try #require(root.attributes["viewBox"]).split(separator: " ").compactMap { Double($0) }
        #expect(viewBox.count == 4 && viewBox[2] == 640 && viewBox[3] > 300 && viewBox[3] < 480)
        // aria-labelledby names the <title> and <desc>, which are the root's first children.
        let labelledBy = try #require(root.attributes["aria-labelledby"]).split(separator: " ").map(String.init)
        let firstChildren = document.children(of: 0).prefix(2)
        #expect(firstChildren.map(\.name) == ["title", "desc"])
        #expect(firstChildren.compactMap { $0.attributes["id"] } == labelledBy)
        #expect(firstChildren.allSatisfy { !$0.text.isEmpty })
    }

    @Test func lineChartDrawsOnePathPerLineSeriesAndMarkersForMeasurements() throws {
        let chart = ChartFixtures.sessions
        let document = ChartSVGDocument(chart.svg(id: "sessions"))
        let groups = document.seriesGroups
        try #require(groups.count == chart.series.count)
        for (group, series) in zip(groups, chart.series) {
            let children = document.children(of: group)
            #expect(children.first?.name == "title" && children.first?.text == series.name)
            let lines = children.filter { $0.name == "path" && $0.has(class: "kv-line") }
            #expect(lines.count == (series.markersOnly ? 0 : 1), "\(series.name)")
            #expect(lines.allSatisfy { $0.has(class: "kv-dashed") == series.dashed })
            let markers = children.filter { $0.has(class: "kv-marker") }
            #expect(!markers.isEmpty)
            if series.markersOnly {
                #expect(markers.count == series.points.count)
                #expect(markers.allSatisfy { $0.attributes["d"] != nil })
            }
        }
        // The title says what the chart shows; the description names the axes and marks.
        let desc = try #require(document.elements(named: "desc").first).text
        #expect(desc.contains("context (tokens), logarithmic, from 4K to 1M"))
        #expect(desc.contains("model max context at 200K"))
    }

    @Test func legendNamesEverySeriesInOrderBelowThePlot() throws {
        let chart = ChartFixtures.sessions
        let document = ChartSVGDocument(chart.svg(id: "sessions"))
        let entries = document.indices { $0.has(class: "kv-legend-entry") }
        let labels = entries.compactMap { document.children(of: $0).first { $0.name == "text" }?.text }
        #expect(labels == chart.series.map(\.name))
        // Legend text sits below the lowest point of the plot: it never covers data.
        let plotBottom = try #require(document.elements(named: "rect").first.flatMap { rect in
            Double(rect.attributes["y"] ?? "").flatMap { y in Double(rect.attributes["height"] ?? "").map { y + $0 } }
        })
        let legendTops = entries.compactMap { document.children(of: $0).first { $0.name == "text" }?.attributes["y"] }.compactMap(Double.init)
        #expect(legendTops.allSatisfy { $0 - 12 > plotBottom + 20 })
    }

    @Test func seriesDifferByMarkerShapeNotOnlyColour() {
        // Eight series through the same points: their markers coincide, so only shape tells them apart.
        let series = (0..<8).map { ChartSeries(name: "series \($0)", points: [(x: 1, y: 1), (x: 2, y: 2)]) }
        let document = ChartSVGDocument(LineChart(title: "shapes", x: Axis(title: "x"), y: Axis(title: "y"), series: series).svg(id: "shapes"))
        let firstMarkers = document.seriesGroups.compactMap { group in
            document.children(of: group).first { $0.has(class: "kv-marker") }?.attributes["d"]
        }
        #expect(firstMarkers.count == 8)
        #expect(Set(firstMarkers).count == 8, "\(firstMarkers)")
    }

    @Test func groupedBarsDrawOneBarPerValue() throws {
        let chart = ChartFixtures.gpus
        let document = ChartSVGDocument(chart.svg(id: "gpus"))
        let groups = document.seriesGroups
        try #require(groups.count == chart.series.count)
        for (group, series) in zip(groups, chart.series) {
            let bars = document.children(of: group).filter { $0.has(class: "kv-bar") }
            // A zero-height bar is not drawn.
            #expect(bars.count == series.values.filter { $0 != 0 }.count)
        }
        // Series after the first are hatched as well as coloured.
        let hatches = groups.flatMap { document.children(of: $0) }.filter { $0.has(class: "kv-bar-hatch") }
        #expect(hatches.count == chart.series[1].values.count)
        #expect(hatches.allSatisfy { $0.attributes["fill"] == "url(#gpus-hatch-1)" })
        #expect(document.elements(named: "pattern").map { $0.attributes["id"] } == ["gpus-hatch-1"])
        let categories = document.elements(withClass: "kv-category-label").map(\.text)
        #expect(categories == chart.categories)
    }

    @Test func stackedSegmentsMeetWithoutGaps() throws {
        let chart = ChartFixtures.memory
        let document = ChartSVGDocument(chart.svg(id: "memory"))
        let bars = document.seriesGroups.flatMap { document.children(of: $0) }.filter { $0.has(class: "kv-bar") }
        let byColumn = Dictionary(grouping: bars) { $0.attributes["x"] ?? "" }
        #expect(byColumn.count == chart.categories.count)
        for (_, segments) in byColumn {
            let spans = segments.compactMap { rect -> (top: Double, bottom: Double)? in
                guard let y = Double(rect.attributes["y"] ?? ""), let height = Double(rect.attributes["height"] ?? "") else { return nil }
                return (y, y + height)
            }.sorted { $0.top < $1.top }
            for (upper, lower) in zip(spans, spans.dropFirst()) {
                #expect(abs(upper.bottom - lower.top) < 0.01)
            }
        }
    }

    @Test func rooflineBendsAtTheRidgePoint() throws {
        let chart = ChartFixtures.roofline
        let document = ChartSVGDocument(chart.svg(id: "roofline"))
        let roof = try #require(document.elements(withClass: "kv-reference").first { !$0.has(class: "kv-legend-entry") })
        let roofIndex = try #require(document.elements.firstIndex { $0.has(class: "kv-reference") })
        #expect(roof.name == "g")
        let path = try #require(document.children(of: roofIndex).first { $0.has(class: "kv-line") }?.attributes["d"])
        let corners = path.split(separator: " ").filter { $0.first == "L" }
        #expect(corners.count == 2)
        let ridgeLine = try #require(document.elements(withClass: "kv-annotation-line").first?.attributes["d"])
        let ridgeX = ridgeLine.split(separator: " ").first.map { String($0.dropFirst()) }
        #expect(corners.first.map { String($0.dropFirst()) } == ridgeX)
        // Each phase has its own marker and a label beside it.
        #expect(document.elements(withClass: "kv-point-label").map(\.text) == chart.points.map(\.label))
        #expect(document.elements(named: "desc").first?.text.contains("ridge point at 153 FLOP/byte") == true)
    }

    @Test func titleCanBeLeftToThePage() {
        var chart = ChartFixtures.gpus
        chart.showsTitle = false
        let document = ChartSVGDocument(chart.svg(id: "gpus"))
        #expect(document.elements(withClass: "kv-title").isEmpty)
        #expect(document.elements(named: "title").first?.text == chart.title)
        let withTitle = ChartSVGDocument(ChartFixtures.gpus.svg(id: "gpus"))
        #expect(withTitle.elements(withClass: "kv-title").map(\.text) == [chart.title])
    }

    @Test func longTitleWrapsOntoTwoLines() {
        let document = ChartSVGDocument(ChartFixtures.roofline.svg(id: "roofline"))
        let lines = document.elements(withClass: "kv-title").map(\.text)
        #expect(lines.count == 2)
        #expect(lines.joined(separator: " ") == ChartFixtures.roofline.title)
    }

    @Test func textIsReadableAtSixHundredPixels() throws {
        let css = ChartStyle.css
        let sizes = css.matches(of: /font-size:(\d+(?:\.\d+)?)px/).compactMap { Double($0.output.1) }
        #expect(sizes.count >= 3)
        // Shown 600 px wide, the 640-unit viewBox scales text by 600/640.
        #expect(sizes.allSatisfy { $0 * 600 / ChartStyle.canvasWidth >= 11 }, "\(sizes)")
    }

    @Test(arguments: ChartFixtures.all.map(\.name))
    func coloursComeFromTheStyleSheetOnly(name: String) throws {
        let svg = try #require(ChartFixtures.all.first { $0.name == name }).svg
        let document = ChartSVGDocument(svg)
        for element in document.elements where element.name != "style" {
            for attribute in ["fill", "stroke", "color", "style"] {
                let value = element.attributes[attribute]
                #expect(value == nil || value!.hasPrefix("url(#"), "\(element.name) \(attribute)=\(value ?? "")")
            }
        }
        let css = try #require(document.elements(named: "style").first).text
        #expect(css.contains("@media (prefers-color-scheme:dark)"))
        #expect(css.contains("@media print"))
        #expect(css.contains("var(--kv-chart-fg,"))
        for slot in 0..<ChartStyle.seriesSlots { #expect(css.contains(".kv-series-\(slot){")) }
        // The light and dark palettes are Okabe–Ito colours.
        let okabeIto: Set = ["#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"]
        #expect(ChartStyle.lightSeriesColors.prefix(7).allSatisfy(okabeIto.contains))
        #expect(ChartStyle.darkSeriesColors.allSatisfy { okabeIto.contains($0) || $0 == "#ffffff" })
    }

    @Test(arguments: ChartFixtures.all.map(\.name))
    func markupHasNoBlankLineThatWouldEndAMarkdownHTMLBlock(name: String) throws {
        let svg = try #require(ChartFixtures.all.first { $0.name == name }).svg
        #expect(!svg.split(separator: "\n", omittingEmptySubsequences: false).dropLast().contains { $0.allSatisfy(\.isWhitespace) })
        #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>\n"))
    }
}
