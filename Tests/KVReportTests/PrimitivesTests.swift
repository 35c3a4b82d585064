import Testing
import KVEstimator
@testable import KVReport

@Suite("Report primitives")
struct PrimitivesTests {
    @Test("A bootstrap interval whose ends read the same says the rows are too few, not that the factor is certain")
    func degenerateIntervalIsNotCertainty() {
        #expect(MeasurementComparison.intervalText(.matmul, 0.484...0.510) == "0.484–0.510")
        #expect(MeasurementComparison.intervalText(.kernelOverhead, 0...40.6e-6) == "0–40.6 µs/layer")
        #expect(MeasurementComparison.intervalText(.matmul, 0.4781...0.4782)
            == "0.478 in every resample: too few distinct rows to tell its uncertainty")
        #expect(MeasurementComparison.intervalText(.attention, 1...1)
            == "1.000 in every resample: at its limit of 1 (the rows would put it above peak)")
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256MatchesTheFIPSVectors(input: String, digest: String) {
        #expect(SHA256.hex(input) == digest)
    }

    @Test func sha256OfAMillionAs() {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func jsonEscapesAndHasNoNaN() {
        #expect(JSONValue.string("a\"b\\c\n<script>").text == "\"a\\\"b\\\\c\\n\\u003cscript>\"")
        #expect(JSONValue.finite(.nan) == .null)
        #expect(JSONValue.finite(.infinity).text == "null")
        #expect(JSONValue.object([("x", .number(1.5)), ("y", .integer(2))]).text == "{\"x\": 1.5, \"y\": 2}")
    }

    @Test func formats() {
        #expect(Format.tokens(4096) == "4K")
        #expect(Format.tokens(1_048_576) == "1M")
        #expect(Format.tokens(50_000) == "50,000")
        #expect(Format.seconds(17.62) == "17.6 s")
        #expect(Format.seconds(0.03377) == "33.8 ms")
        #expect(Format().bytes(12.288e9) == "12.29 GB")
        #expect(Format(sizeUnits: .binary).bytes(85_899_345_920) == "80.00 GiB")
        #expect(Format.fixed(0.000123456, significant: 3) == "0.000123")
        #expect(Format.fixed(-2.5, significant: 2) == "-2.5")
    }

    @Test func tableCellsAreEscaped() {
        let table = TableBuilder.table(number: 1, slug: "s", caption: "c", columns: [
            .init(title: "<th>", numeric: false, shown: ["<script>alert('x') & \"y\"</script>"], raw: ["x"]),
        ])
        #expect(HTMLWriter.table(table).contains("<th scope=\"col\" class=\"prose\">&lt;th&gt;</th>"))
        #expect(HTMLWriter.table(table).contains("&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"))
        #expect(xmlEscaped("<script>alert('x') & \"y\"</script>") == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
    }

    @Test func longTablesShowASpreadAndKeepEveryRowInTheCSV() {
        let values = (0..<1000).map(String.init)
        let table = TableBuilder.table(number: 1, slug: "s", caption: "c", columns: [
            .init(title: "n", numeric: true, shown: values, raw: values),
        ], baselineRows: [500])
        #expect(table.rows.count <= TableBuilder.shownRows + 1)
        #expect(table.rows.first == ["0"] && table.rows.last == ["999"])
        #expect(table.rows.contains(["500"]))
        #expect(table.baselineRows.map { table.rows[$0] } == [["500"]])
        #expect(CSVWriter.write(table).split(separator: "\n").count == 1001)
        #expect(table.caption.contains("of 1000 rows shown"))
    }

    @Test func csvFieldsAreQuotedWhereNeeded() {
        #expect(TableBuilder.csvField("plain") == "plain")
        #expect(TableBuilder.csvField("a,b") == "\"a,b\"")
        #expect(TableBuilder.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }
}
