import Foundation
import KVEstimator

/// Builds numbered tables from columns of shown text and full-precision values (units in headers);
/// a long table shows an even spread of its rows.
struct TableBuilder {
    /// A column: its header (with unit), whether it holds numbers, and each row's shown and raw value.
    struct Column {
        var title: String
        var numeric: Bool
        var shown: [String]
        var raw: [String]
    }

    /// Tables longer than this show an even spread of their rows (baseline rows kept); the CSV
    /// download always holds every row.
    static let shownRows = 60

    static func table(number: Int, slug: String, caption: String, columns: [Column], baselineRows: Set<Int> = []) -> Table {
        let rowCount = columns.map(\.shown.count).max() ?? 0
        let cells = (0..<rowCount).map { row in
            columns.map { Table.Cell(text: row < $0.shown.count ? $0.shown[row] : "", value: row < $0.raw.count ? $0.raw[row] : "") }
        }
        var picked = Array(0..<rowCount)
        var shownCaption = caption
        if rowCount > shownRows {
            picked = Array(Set((0..<shownRows).map { $0 * (rowCount - 1) / (shownRows - 1) }).union(baselineRows)).sorted()
            shownCaption += " (\(picked.count) of \(rowCount) rows shown; the CSV holds them all)"
        }
        return Table(
            number: number, id: "table-\(number)", caption: shownCaption,
            columns: columns.map { Table.Column(title: $0.title, numeric: $0.numeric) },
            cells: cells, shownRows: picked, baselineCells: baselineRows, fileName: "\(slug)-table-\(number).csv")
    }

    /// RFC 4180 quoting where needed. A field a spreadsheet would read as a formula (`=`, `+`,
    /// `-`, `@`, tab or CR first) gets a `'` in front, quoted, as OWASP recommends — except a
    /// plain number in a numeric column (`-1.5`), which a spreadsheet reads as the number it is.
    static func csvField(_ text: String, numeric: Bool = false) -> String {
        let isPlainNumber = numeric && Double(text) != nil && text.allSatisfy { "0123456789.eE+-".contains($0) }
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber {
            return "\"'" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }


    /// A raw number for CSV, at full precision.
    static func raw(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return JSONValue.number(value).text
    }
}
