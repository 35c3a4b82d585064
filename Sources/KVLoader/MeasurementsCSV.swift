import KVStudy

/// The records of a measurements CSV file (RFC 4180: commas, `"quoted, fields"` with `""` for a
/// quote, LF or CRLF line ends), each field with the line and column it starts at, so that a
/// bad value is reported at the CSV's own position. Blank lines and lines starting with `#`
/// are skipped; spaces around unquoted fields are trimmed.
struct MeasurementsCSV {
    struct Field: Equatable {
        var text: String
        var line: Int
        var column: Int
    }

    struct Record {
        var fields: [Field]
        var line: Int
        /// Column just past the last character, where a missing field would have gone.
        var endColumn: Int
    }

    /// Why the text cannot be split into records (an unterminated quote, stray characters).
    struct SyntaxError: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    static func records(_ text: String) throws(SyntaxError) -> [Record] {
        var scalars = Array(text.unicodeScalars)[...]
        var records: [Record] = []
        var line = 1, column = 1

        func advance() -> Unicode.Scalar? {
            guard let scalar = scalars.popFirst() else { return nil }
            if scalar == "\r", scalars.first == "\n" { scalars.removeFirst() }
            if scalar == "\n" || scalar == "\r" { line += 1; column = 1 } else { column += 1 }
            return scalar
        }
        func atLineEnd() -> Bool { scalars.first.map { $0 == "\n" || $0 == "\r" } ?? true }

        while !scalars.isEmpty {
            let recordLine = line
            if atLineEnd() || scalars.first == "#" {
                while !atLineEnd() { _ = advance() }
                _ = advance()
                continue
            }
            var fields: [Field] = []
            while true {
                while scalars.first == " " || scalars.first == "\t" { _ = advance() }
                let start = (line, column)
                var value = String.UnicodeScalarView()
                if scalars.first == "\"" {
                    _ = advance()
                    while true {
                        guard let scalar = advance() else {
                            throw SyntaxError(line: start.0, column: start.1, message: "unterminated quoted field: a `\"` opens it but none closes it")
                        }
                        if scalar == "\"" {
                            if scalars.first == "\"" { _ = advance(); value.append("\"") } else { break }
                        } else {
                            value.append(scalar)
                        }
                    }
                    while scalars.first == " " || scalars.first == "\t" { _ = advance() }
                    guard atLineEnd() || scalars.first == "," else {
                        throw SyntaxError(line: line, column: column, message: "unexpected text after a quoted field: expected `,` or the end of the line")
                    }
                } else {
                    while !atLineEnd(), scalars.first != "," { value.append(advance()!) }
                    while let last = value.last, last == " " || last == "\t" { value.removeLast() }
                }
                fields.append(Field(text: String(value), line: start.0, column: start.1))
                if scalars.first == "," { _ = advance(); continue }
                break
            }
            records.append(Record(fields: fields, line: recordLine, endColumn: column))
            _ = advance()
        }
        return records
    }
}
