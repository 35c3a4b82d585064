/// The key below the plot: one entry per series, showing the same colour, dash, marker or hatching
/// as the data, flowed left to right into as many rows as the width needs.
struct Legend {
    enum Symbol: Equatable {
        /// A line sample and/or the series' marker.
        case line(dashed: Bool, line: Bool, marker: Bool)
        /// A bar swatch with the series' hatching.
        case swatch
        /// The mark of a value beyond a model's maximum context: a hollow marker.
        case extrapolated
        /// A shaded swatch like a band.
        case band
    }

    /// The entry that explains hollow marks, the same in every chart.
    static let extrapolatedEntry = Entry(name: "hollow: beyond the model's maximum context (extrapolated)", look: .reference, symbol: .extrapolated)

    struct Entry {
        var name: String
        var look: SeriesLook
        var symbol: Symbol
    }

    struct Placed {
        var entry: Entry
        var text: String
        var x: Double
        var row: Int
    }

    static let rowHeight = 20.0
    static let entryGap = 18.0
    static let symbolGap = 6.0

    var placed: [Placed] = []
    var rows = 0

    init(entries: [Entry], left: Double, right: Double) {
        let fontSize = ChartStyle.labelFontSize
        var x = left
        var row = 0
        for entry in entries {
            let symbolWidth = Self.symbolWidth(entry.symbol)
            let text = TextMetrics.truncated(entry.name, toWidth: right - left - symbolWidth - Self.symbolGap, fontSize: fontSize)
            let width = symbolWidth + Self.symbolGap + TextMetrics.width(text, fontSize: fontSize)
            if x > left, x + width > right {
                row += 1
                x = left
            }
            placed.append(Placed(entry: entry, text: text, x: x, row: row))
            x += width + Self.entryGap
        }
        rows = entries.isEmpty ? 0 : row + 1
    }

    var height: Double { Double(rows) * Self.rowHeight }

    static func symbolWidth(_ symbol: Symbol) -> Double {
        switch symbol {
        case .line(_, line: true, _): return 28
        case .line(_, line: false, _), .swatch, .extrapolated: return 12
        case .band: return 20
        }
    }

    func render(top: Double, chartID: String, into svg: inout SVGWriter) {
        guard !placed.isEmpty else { return }
        svg.open("g", ["class": "kv-legend"])
        for item in placed {
            let middle = top + Double(item.row) * Self.rowHeight + Self.rowHeight / 2
            svg.open("g", ["class": "kv-legend-entry " + item.entry.look.cssClass])
            let symbolWidth = Self.symbolWidth(item.entry.symbol)
            switch item.entry.symbol {
            case let .line(dashed, line, marker):
                if line {
                    svg.empty("path", [
                        "class": dashed ? "kv-line kv-dashed" : "kv-line",
                        "d": svgPath([(x: item.x, y: middle), (x: item.x + symbolWidth, y: middle)]),
                    ])
                }
                if marker {
                    svg.empty("path", ["class": "kv-marker", "d": ChartStyle.markerPath(series: item.entry.look.shape, x: item.x + symbolWidth / 2, y: middle)])
                }
            case .extrapolated:
                svg.empty("path", ["class": "kv-marker kv-extrapolated", "d": ChartStyle.markerPath(series: 0, x: item.x + symbolWidth / 2, y: middle)])
            case .band:
                svg.empty("rect", ["class": "kv-band", "x": svgNumber(item.x), "y": svgNumber(middle - 6), "width": svgNumber(symbolWidth), "height": "12"])
            case .swatch:
                BarPainter.bar(look: item.entry.look, chartID: chartID, x: item.x, y: middle - 6, width: 12, height: 12, tooltip: nil, into: &svg)
            }
            svg.element("text", [
                "class": "kv-legend-label",
                "x": svgNumber(item.x + symbolWidth + Self.symbolGap),
                "y": svgNumber(middle + 4),
            ], text: item.text)
            svg.close("g")
        }
        svg.close("g")
    }
}

extension Legend.Entry {
    init(key: ChartKey) {
        let look = key.slot.map(SeriesLook.series) ?? .reference
        switch key.mark {
        case let .line(dashed, marker): self.init(name: key.name, look: look, symbol: .line(dashed: dashed, line: true, marker: marker))
        case .marker: self.init(name: key.name, look: look, symbol: .line(dashed: false, line: false, marker: true))
        case .band: self.init(name: key.name, look: look, symbol: .band)
        }
    }
}
