import Testing
@testable import KVReport

/// The byte writers (issue 13) say exactly what the Character-based code they replaced said.
struct ByteWriterTests {
    static let pages = [
        "", "\n", "\n\n\n", "a", "a\n", "\na\n\n\nb  \n  \n\n", "x · y   \n\n\n<p>z</p>\n\n",
        "trailing space after é \nnext", "\u{0600} \nprepend", "é\u{0301}  \n\n\nend  ",
        "crlf\r\n\r\n\r\nline \r\n", "only spaces   \n   \n   ",
    ]

    @Test(arguments: pages)
    func tidyOnBytesEqualsTidyOnCharacters(_ page: String) {
        #expect(ReportRenderer.tidy(page) == ReportRenderer.tidyCharacters(page))
    }

    @Test(arguments: [
        ("plain", "\"plain\""), ("a\"b\\c", "\"a\\\"b\\\\c\""), ("<script>", "\"\\u003cscript>\""),
        ("line\nbreak\ttab\r", "\"line\\nbreak\\ttab\\r\""), ("\u{01}\u{1f}", "\"\\u0001\\u001f\""), ("Yi · 34B — é", "\"Yi · 34B — é\""),
    ])
    func stringsEscapeOnlyWhatJSONAndHTMLNeed(_ text: String, _ json: String) {
        #expect(JSONValue.string(text).text == json)
    }

    @Test func objectsAndArraysKeepTheirOrderAndSpacing() {
        let value = JSONValue.object([("b", .integer(2)), ("a", .array([.number(0.5), .null, .bool(true), .number(3)]))])
        #expect(value.text == "{\"b\": 2, \"a\": [0.5, null, true, 3]}")
    }
}
