/// Writes a table as CSV: its headers, then every row (not only those a page shows) with each
/// cell's value at full precision, quoted as RFC 4180 asks and never read as a formula.
enum CSVWriter {
    /// The whole CSV in memory (a single-file page's data URI, tests).
    static func write(_ table: Table) -> String {
        var bytes: [UInt8] = []
        do {
            try write(table) { bytes += $0 }
        } catch {
            preconditionFailure("writing CSV into memory does not fail: \(error)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The CSV handed to `output` in pieces as its rows are produced, so a table of a million rows
    /// is written in constant memory; a long table's pieces are made on every core
    /// (`OrderedPieces`), in row order.
    static func write(_ table: Table, to output: ([UInt8]) throws -> Void) throws {
        let header = JSONWriter(capacity: 1024)
        header.writeASCII(table.columns.map { TableBuilder.csvField($0.title) }.joined(separator: ","))
        header.append(UInt8(ascii: "\n"))
        try output(header.bytes)
        let numeric = table.columns.map(\.numeric), values = table.values
        try OrderedPieces.write(count: values.count, rowsPerPiece: rowsPerPiece, make: { rows in
            let buffer = JSONWriter(capacity: 256 * rows.count)
            try values.rows(rows) { row in write(row, numeric: numeric, to: buffer) }
            return buffer.bytes
        }, output: output)
    }

    /// Rows per piece of a long CSV (about 0.1–1 MB).
    static let rowsPerPiece = 512

    /// One row and its line end.
    private static func write(_ row: [Table.Value], numeric: [Bool], to buffer: JSONWriter) {
        for (index, (value, isNumeric)) in zip(row, numeric).enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            switch value {
            case .number(let number) where isNumeric:
                // A plain number in a numeric column is never quoted (`csvField`).
                if let number, number.isFinite { buffer.writeNumber(number) }
            default:
                buffer.writeASCII(TableBuilder.csvField(value.text, numeric: isNumeric))
            }
        }
        buffer.append(UInt8(ascii: "\n"))
    }
}
