import Foundation
import KVEstimator

/// Builds numbered tables: the HTML a reader sees (formatted, units in headers, numbers right
/// aligned, baseline rows marked) and the CSV behind its download (full precision).
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
        let csvRows = (0..<rowCount).map { row in columns.map { row < $0.raw.count ? $0.raw[row] : "" } }
        let numeric = columns.map(\.numeric)
        let header = columns.map { csvField($0.title, numeric: false) }.joined(separator: ",")
        let body = csvRows.map { row in zip(row, numeric).map { csvField($0, numeric: $1) }.joined(separator: ",") }
        let csv = ([header] + body).joined(separator: "\n") + "\n"
        var picked = Array(0..<rowCount)
        var shownCaption = caption
        if rowCount > shownRows {
            picked = Array(Set((0..<shownRows).map { $0 * (rowCount - 1) / (shownRows - 1) }).union(baselineRows)).sorted()
            shownCaption += " (\(picked.count) of \(rowCount) rows shown; the CSV holds them all)"
        }
        let rows = picked.map { row in columns.map { row < $0.shown.count ? $0.shown[row] : "" } }
        let baseline = Set(picked.enumerated().filter { baselineRows.contains($0.element) }.map(\.offset))
        return Table(
            number: number, id: "table-\(number)", caption: shownCaption,
            columns: columns.map { Table.Column(title: $0.title, numeric: $0.numeric) },
            rows: rows, baselineRows: baseline, csv: csv, fileName: "\(slug)-table-\(number).csv")
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

extension Table {
    /// The table as an HTML block with no blank lines (so libcmark keeps it one HTML block).
    var html: String {
        // Short text stays on one line; long text (notes, citations) wraps in a column wide enough to read.
        let classes = columns.indices.map { index -> String in
            if columns[index].numeric { return "num" }
            if columns[index].title == "source" { return "source" }
            let longest = rows.map { index < $0.count ? $0[index].count : 0 }.max() ?? 0
            return longest > 32 ? "prose" : "text"
        }
        var lines = ["<div class=\"table-scroll\"><table>", "<thead><tr>"]
        for (column, cls) in zip(columns, classes) {
            lines.append("<th scope=\"col\" class=\"\(cls)\">\(xmlEscaped(column.title))</th>")
        }
        lines.append("</tr></thead>")
        lines.append("<tbody>")
        for (index, row) in rows.enumerated() {
            lines.append(baselineRows.contains(index) ? "<tr class=\"baseline\">" : "<tr>")
            for (cls, cell) in zip(classes, row) {
                let content = cls == "source" ? Self.linkedSources(cell) : xmlEscaped(cell)
                lines.append("<td class=\"\(cls)\">\(content)</td>")
            }
            lines.append("</tr>")
        }
        lines.append("</tbody></table></div>")
        return lines.joined(separator: "\n")
    }

    /// A source cell: each `https://` address becomes a link named by its host, the rest stays
    /// text. Only http(s) addresses are linked, so a study cannot smuggle in a `javascript:` URL.
    static func linkedSources(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            let token = String(word)
            guard token.hasPrefix("https://") || token.hasPrefix("http://"),
                  let host = token.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first else {
                return xmlEscaped(token)
            }
            return "<a href=\"\(xmlEscaped(token))\">\(xmlEscaped(String(host)))</a>"
        }.joined(separator: " ")
    }
}
