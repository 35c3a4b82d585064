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

    /// The CSV handed to `output` in chunks of about 64 KiB as its rows are produced, so a table
    /// of a million rows is written in constant memory.
    static func write(_ table: Table, to output: ([UInt8]) throws -> Void) throws {
        let numeric = table.columns.map(\.numeric)
        let chunk = 1 << 16
        let buffer = JSONWriter(capacity: chunk + 4096)
        buffer.writeASCII(table.columns.map { TableBuilder.csvField($0.title) }.joined(separator: ","))
        buffer.append(UInt8(ascii: "\n"))
        try table.values.forEach { row in
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
            if buffer.count >= chunk {
                try output(buffer.bytes)
                buffer.removeAll()
            }
        }
        try output(buffer.bytes)
    }
}
