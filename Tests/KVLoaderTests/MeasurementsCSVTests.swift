import Testing
import KVStudy
@testable import KVLoader

@Suite("Measurements CSV records keep their positions")
struct MeasurementsCSVTests {
    typealias Field = MeasurementsCSV.Field

    @Test("quoted fields, doubled quotes, CRLF, comments and blank lines")
    func records() throws {
        let records = try MeasurementsCSV.records("# note\na, \"b,c\" ,\"say \"\"hi\"\"\"\r\n\n  x,\"two\nlines\"\n")
        #expect(records.map(\.fields) == [
            [Field(text: "a", line: 2, column: 1), Field(text: "b,c", line: 2, column: 4), Field(text: "say \"hi\"", line: 2, column: 11)],
            [Field(text: "x", line: 4, column: 3), Field(text: "two\nlines", line: 4, column: 5)],
        ])
        #expect(records.map(\.line) == [2, 4])
    }

    @Test("an unterminated quote and text after a quote are located errors")
    func syntaxErrors() {
        #expect(throws: MeasurementsCSV.SyntaxError(line: 1, column: 3, message: "unterminated quoted field: a `\"` opens it but none closes it")) {
            try MeasurementsCSV.records("a,\"b\nc")
        }
        #expect(throws: MeasurementsCSV.SyntaxError(line: 1, column: 6, message: "unexpected text after a quoted field: expected `,` or the end of the line")) {
            try MeasurementsCSV.records("a,\"b\"c")
        }
    }

    @Test("an empty field keeps its column; a trailing comma makes one")
    func emptyFields() throws {
        let records = try MeasurementsCSV.records("a,,b,\n")
        #expect(records.first?.fields.map(\.column) == [1, 3, 4, 6])
        #expect(records.first?.fields.map(\.text) == ["a", "", "b", ""])
    }

    @Test("a byte-order mark before the text is dropped, so columns count from the first character")
    func byteOrderMark() throws {
        let log = DiagnosticLog()
        let text = try #require(StudyFileText.decode([0xEF, 0xBB, 0xBF] + Array("model,x\n".utf8), path: "m.csv", log: log))
        #expect(text == "model,x\n")
        #expect(try MeasurementsCSV.records(text).first?.fields.first == Field(text: "model", line: 1, column: 1))
    }
}
