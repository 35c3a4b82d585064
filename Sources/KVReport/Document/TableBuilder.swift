import Foundation
import KVEstimator

/// Builds numbered tables from columns of shown text and full-precision values (units in headers);
/// a long table shows an even spread of its rows, and only those rows' text is ever made.
struct TableBuilder {
    /// A column: its header (with unit), whether it holds numbers, and each row's shown and raw
    /// value, made on demand (so a row a page does not show costs no text).
    struct Column {
        var title: String
        var numeric: Bool
        var count: Int
        var shown: @Sendable (Int) -> String
        var raw: @Sendable (Int) -> String

        init(title: String, numeric: Bool, count: Int, shown: @escaping @Sendable (Int) -> String, raw: @escaping @Sendable (Int) -> String) {
            (self.title, self.numeric, self.count, self.shown, self.raw) = (title, numeric, count, shown, raw)
        }

        init(title: String, numeric: Bool, shown: [String], raw: [String]) {
            self.init(title: title, numeric: numeric, count: max(shown.count, raw.count),
                      shown: { $0 < shown.count ? shown[$0] : "" }, raw: { $0 < raw.count ? raw[$0] : "" })
        }
    }

    /// Tables longer than this show an even spread of their rows (baseline rows kept); the CSV
    /// download always holds every row.
    static let shownRows = 60

    /// `allRows`: for a table of a large study laid out at some of its contexts, every row of the
    /// whole sweep for the CSV (their count, and each row's values in order); by default the CSV
    /// holds the columns' rows. `showsEveryRow`: a table whose every row is a fact the page discusses
    /// (measurements and their errors) is never thinned.
    static func table(number: Int, slug: String, caption: String, columns: [Column], baselineRows: Set<Int> = [],
                      allRows: Table.Values? = nil, showsEveryRow: Bool = false) -> Table {
        let rowCount = columns.map(\.count).max() ?? 0
        var picked = Array(0..<rowCount)
        var shownCaption = caption
        let total = allRows?.count ?? rowCount
        if rowCount > shownRows, !showsEveryRow {
            picked = Array(Set((0..<shownRows).map { $0 * (rowCount - 1) / (shownRows - 1) }).union(baselineRows)).sorted()
        }
        if picked.count < rowCount || total > rowCount {
            shownCaption += " (\(picked.count) of \(total > 9_999 ? Format.integer(total) : String(total)) rows shown; the CSV holds them all)"
        }
        let raws = columns.map(\.raw)
        let values = allRows ?? Table.Values(count: rowCount) { [raws] range, body in
            for row in range { try body(raws.map { .text($0(row)) }) }
        }
        return Table(
            number: number, id: "table-\(number)", caption: shownCaption,
            columns: columns.map { Table.Column(title: $0.title, numeric: $0.numeric) },
            shownRows: picked, shownCells: picked.map { row in columns.map { Table.Cell(text: $0.shown(row), value: $0.raw(row)) } },
            values: values, baselineCells: baselineRows, fileName: "\(slug)-table-\(number).csv")
    }

    /// RFC 4180 quoting where needed. A field a spreadsheet would read as a formula (`=`, `+`,
    /// `-`, `@`, tab or CR first) gets a `'` in front, quoted, as OWASP recommends — except a
    /// plain number in a numeric column (`-1.5`), which a spreadsheet reads as the number it is.
    static func csvField(_ text: String, numeric: Bool = false) -> String {
        // Most fields (numbers, names) need nothing: decided from the bytes alone.
        var utf8 = text.utf8.makeIterator()
        if let first = utf8.next(), !isFormulaStart(first) {
            var plain = !isQuoted(first)
            while plain, let byte = utf8.next() { plain = !isQuoted(byte) }
            if plain { return text }
        }
        let isPlainNumber = numeric && Double(text) != nil && text.allSatisfy { "0123456789.eE+-".contains($0) }
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber {
            return "\"'" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        guard text.utf8.contains(where: isQuoted) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `=`, `+`, `-`, `@`, tab or CR: what a spreadsheet may read as the start of a formula.
    @inline(__always) private static func isFormulaStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): true
        default: false
        }
    }

    /// `,`, `"`, LF or CR: a byte RFC 4180 quotes the field for.
    @inline(__always) private static func isQuoted(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"): true
        default: false
        }
    }

    /// A raw number for CSV, at full precision.
    static func raw(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return JSONValue.number(value).text
    }
}
