/// Writes a table as CSV: its headers, then every row (not only those a page shows) with each
/// cell's value at full precision, quoted as RFC 4180 asks and never read as a formula.
enum CSVWriter {
    static func write(_ table: Table) -> String {
        let numeric = table.columns.map(\.numeric)
        let header = table.columns.map { TableBuilder.csvField($0.title) }.joined(separator: ",")
        let body = table.cells.map { row in
            zip(row, numeric).map { TableBuilder.csvField($0.value, numeric: $1) }.joined(separator: ",")
        }
        return ([header] + body).joined(separator: "\n") + "\n"
    }
}
