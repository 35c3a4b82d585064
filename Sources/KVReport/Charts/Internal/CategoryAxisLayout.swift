import Foundation

/// The horizontal axis of a bar chart: one band per category, and labels that fit — on one line,
/// wrapped onto up to three, or slanted; with very many categories only every `stride`-th label.
struct CategoryAxisLayout {
    enum Mode: Equatable { case horizontal, wrapped, slanted }

    static let slant = 40.0
    static let lineHeight = 14.0
    static let maxSlantedWidth = 150.0

    var count: Int
    var start: Double
    var end: Double
    var mode: Mode
    /// Each category's label, split into lines (one line unless `wrapped`).
    var lines: [[String]]
    var stride: Int
    var fontSize = ChartStyle.labelFontSize

    init(categories: [String], start: Double, end: Double, fontSize: Double = ChartStyle.labelFontSize) {
        self.count = categories.count
        self.start = start
        self.end = end
        self.fontSize = fontSize
        let band = count > 0 ? (end - start) / Double(count) : end - start
        let room = band - 6
        if categories.allSatisfy({ TextMetrics.width($0, fontSize: fontSize) <= room }) {
            (mode, lines, stride) = (.horizontal, categories.map { [$0] }, 1)
        } else if let wrapped = Self.wrapAll(categories, room: room, fontSize: fontSize) {
            (mode, lines, stride) = (.wrapped, wrapped, 1)
        } else {
            // Slanted labels are parallel; neighbours stay apart when band·sin(slant) ≥ a line.
            let spacing = band * sin(Self.slant * .pi / 180)
            let needed = Int((Self.lineHeight / max(spacing, 0.001)).rounded(.up))
            mode = .slanted
            stride = max(1, min(needed, max(count, 1)))
            lines = categories.map { [TextMetrics.truncated($0, toWidth: Self.maxSlantedWidth, fontSize: fontSize)] }
        }
    }

    private static func wrapAll(_ categories: [String], room: Double, fontSize: Double) -> [[String]]? {
        var all: [[String]] = []
        for category in categories {
            guard let lines = TextMetrics.wrapped(category, toWidth: room, fontSize: fontSize, maxLines: 3) else { return nil }
            all.append(lines)
        }
        return all
    }

    var bandWidth: Double { count > 0 ? (end - start) / Double(count) : 0 }

    func center(_ index: Int) -> Double { start + (Double(index) + 0.5) * bandWidth }

    /// Whether category `index` shows its label.
    func isLabelled(_ index: Int) -> Bool { index % stride == 0 }

    private var widestLabel: Double {
        lines.enumerated().filter { isLabelled($0.offset) }.flatMap(\.element).map { TextMetrics.width($0, fontSize: fontSize) }.max() ?? 0
    }

    /// Space the labels take below the axis line.
    var height: Double {
        switch mode {
        case .horizontal: return 22
        case .wrapped: return 8 + Double(lines.map(\.count).max() ?? 1) * Self.lineHeight
        case .slanted:
            let angle = Self.slant * .pi / 180
            return 12 + widestLabel * sin(angle) + fontSize * cos(angle)
        }
    }

    /// How far slanted labels reach left of `start` (they hang down and to the left of their band).
    var leftOverhang: Double {
        guard mode == .slanted else { return 0 }
        let reach = lines.enumerated().filter { isLabelled($0.offset) }.map { index, lines in
            TextMetrics.width(lines.first ?? "", fontSize: fontSize) * cos(Self.slant * .pi / 180) - (center(index) - start)
        }
        return max(0, reach.max() ?? 0)
    }
}
