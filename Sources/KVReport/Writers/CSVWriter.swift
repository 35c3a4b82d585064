/// Writes a table as CSV: its headers, then every row (not only those a page shows) with each
/// cell's value at full precision, quoted as RFC 4180 asks.
enum CSVWriter {
    static func write(_ table: Table) -> String {
        let rows = [table.columns.map(\.title)] + table.cells.map { $0.map(\.value) }
        return rows.map { $0.map(TableBuilder.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
