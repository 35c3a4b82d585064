import Foundation
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

    /// Issue 12's rule, as it was written before the byte writer: the reference for every number.
    static func reference(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let rounded = Double(String(format: "%.15g", value)) ?? value
        if rounded == rounded.rounded(), abs(rounded) < 9_007_199_254_740_992 { return String(Int(rounded)) }
        return "\(rounded)"
    }

    @Test func numbersAreWrittenAsTheFifteenDigitRuleSays() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 0.1 + 0.2, 12548.000000000002, 1e15, 1e15 + 1, 2e15, 9_007_199_254_740_992,
                                9_007_199_254_740_993, 1e16, 1.5e17, 5e-324, 1e-320, 1e-5, 0.0001, 123_456_789_012_345.6,
                                .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, .nan, 1234567890123456, 0.30000000000000004]
        for _ in 0..<20_000 {
            let bits = next()
            let mantissa = Double(bits >> 11) * 0x1p-53
            let exponent = Int(bits % 61) - 30
            values.append((bits & 1 == 0 ? 1 : -1) * mantissa * pow(10, Double(exponent)))
            values.append(Double(Int64(bitPattern: next()) >> Int64(next() % 60)))  // integers of every size
            values.append(Double(bitPattern: next()))  // any bit pattern
        }
        var mismatches: [String] = []
        for value in values {
            let written = JSONValue.number(value).text
            if written != Self.reference(value) { mismatches.append("\(value.bitPattern): \(written) vs \(Self.reference(value))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// The shortcut that reads the rounding off the shortest text agrees with C wherever it answers,
    /// and answers for most values (else it would be dead code).
    @Test func roundingReadOffTheShortestTextAgreesWithC() {
        var state: UInt64 = 42
        var answered = 0
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Double(state >> 11) * 0x1p-53 * pow(10, Double(Int(state % 41) - 20))
            var text = Array("\(value)".utf8)
            let shortcut = text.withUnsafeMutableBufferPointer { JSONWriter.roundedFromShortest($0.baseAddress!, $0.count, value) }
            if let shortcut {
                answered += 1
                #expect(shortcut.bitPattern == JSONWriter.fifteenDigits(value).bitPattern, "\(value)")
            }
        }
        #expect(answered > 5_000)
    }
}
