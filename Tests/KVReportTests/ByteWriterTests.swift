import Foundation
import Testing
import KVTestSupport
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

    /// The fast way (`FifteenDigits`, issue 13) writes what the text way wrote, byte for byte, on
    /// random doubles of every size and on the edges where a rule changes: ties at the 16th digit,
    /// powers of ten (where the digit count changes), 2^53 (integers), 10^−4 (decimal becomes
    /// exponential), 10^15 and 10^16, and the range limits of the fast way.
    @Test func fastNumbersEqualTheTextWay() {
        var values: [Double] = [
            0.5, 1.5, 2.5, 0.25, 0.125, 123_456_789_012_345.5, 123_456_789_012_344.5, 12_345_678_901_234.25, 1_234_567_890_123.125,
            0.0001, 0.00009999999999999999, 0.000100000000000001, 9.999999999999999e-5, 1e-4 * (1 + 0x1p-52), 1e-4 * (1 - 0x1p-53),
            9_007_199_254_740_991, 9_007_199_254_740_992, 9_007_199_254_740_993, 9_007_199_254_740_994, 9_007_199_254_740_990.5,
            9.00719925474099e15, 9.007199254741e15, 1e15 - 0.5, 1e15 + 0.5, 999_999_999_999_999.4, 999_999_999_999_999.6,
            1e16, 1e16 + 2, 1.8014398509481984e16, 99_999_999_999_999.99, 0.99999999999999999, 0.999999999999999, 9.999999999999995,
            1e-30, 1e-31, 9.99999999999999e-31, 1e37, 9.99999999999999e36, 1.00000000000001e37, 1e22, 1e23, 1e-22, 1e-23,
            12548.000000000002, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 100.0 / 7, 1e300 / 7, 5e-324, .leastNormalMagnitude,
        ]
        var random = SplitMix64(seed: 13)  // seeded: a failure reproduces
        for power in -35...40 {
            let ten = pow(10.0, Double(power))
            values += [ten, ten.nextUp, ten.nextDown, ten * (1 + 5e-15), ten * (1 - 5e-15), ten * 0.99999999999999995, ten * 1.00000000000000005]
            // Ties at the 16th significant digit, and a hair either side.
            let tie = (Double(100_000_000_000_000 + random.next() % 900_000_000_000_000) + 0.5) * pow(10, Double(power - 14))
            values += [tie, tie.nextUp, tie.nextDown]
        }
        for _ in 0..<100_000 {
            let bits = random.next()
            let mantissa = Double(bits >> 11) * 0x1p-53
            values.append((bits & 1 == 0 ? 1 : -1) * mantissa * pow(10, Double(Int(bits % 81) - 40)))
            values.append(Double(bitPattern: random.next()))
            values.append(Double(random.next() >> (random.next() % 64)) / pow(10, Double(random.next() % 20)))
        }
        // Exact ties at the 16th digit and a hair either side, in each branch of the exact way:
        // N·2^−j with N odd and 16 significant digits (the fraction's last digit is 5), and
        // integers from 10^15 on (x ≥ 10^15 divided by ten; a division by 10^−p above 2^53).
        for j in 1...14 {
            let low = pow(10, Double(15 - j)) * pow(2, Double(j)), span = UInt64(low * 9)
            for _ in 0..<50 {
                let tie = Double(UInt64(low) + random.next() % span | 1) * pow(2, -Double(j))
                values += [tie, tie.nextUp, tie.nextDown, -tie]
            }
        }
        for _ in 0..<500 {
            let sixteen = Double(100_000_000_000_000 + random.next() % 125_000_000_000_000) * 10 + 5  // < 2^51: steps of 1/4
            values += [sixteen, sixteen + 0.25, sixteen - 0.25, sixteen + 0.125, sixteen * 2, sixteen * 10, (sixteen + 0.5) * 4]
            let scale = pow(10, Double(random.next() % 21))
            values += [sixteen * scale, (sixteen * scale).nextUp, (sixteen * scale).nextDown]
        }
        // Few significant digits (the layouts: integer part, point, zeros after "0.", exponent).
        for _ in 0..<20_000 {
            let digits = Double(random.next() % 1_000_000) + 1
            values.append(digits * pow(10, Double(Int(random.next() % 50) - 25)))
        }
        let fast = JSONWriter(), slow = JSONWriter()
        var mismatches: [String] = [], answered = 0
        for value in values {
            fast.removeAll()
            slow.removeAll()
            fast.writeNumber(value)
            slow.writeNumberThroughText(value)
            if value.isFinite, FifteenDigits.decimal(abs(value)) != nil { answered += 1 }
            if fast.string != slow.string { mismatches.append("\(value.bitPattern) \(value): \(fast.string) vs \(slow.string)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, e.g. \(mismatches.prefix(5))")
        #expect(answered > values.count / 2, "the fast way answered \(answered) of \(values.count)")
    }

    /// The exact way leaves an exact tie to C (which rounds the binary value half to even) and
    /// answers a hair either side of one, in each of its branches.
    @Test(arguments: [987_654_321_012.3125, 123_456_789_012.3125, 123_456_789_012_345.5, 100_000_000_000_000.5, 1_234_567_890_123_455, 12_345_678_901_234_550])
    func exactTiesAreLeftToC(_ tie: Double) {
        #expect(FifteenDigits.decimal(tie) == nil)
        #expect(FifteenDigits.decimal(tie.nextUp) != nil)
        #expect(FifteenDigits.decimal(tie.nextDown) != nil)
    }

    /// Eight digits from one multiplication and three more (`eightDigits`): exact at every
    /// boundary where a pair of digits rolls over (each pair 00, 01, 98 or 99 under every choice
    /// of the others' extremes) and on random values. (All 10^8 values were checked one by one
    /// when it was written; that takes too long for a debug test run.)
    @Test func eightDigitsAreExact() {
        let edges: [UInt32] = [0, 1, 49, 50, 98, 99]
        var values: [UInt32] = []
        for a in edges { for b in edges { for c in edges { for d in edges { values.append(((a * 100 + b) * 100 + c) * 100 + d) } } } }
        var random = SplitMix64(seed: 8)
        for _ in 0..<200_000 { values.append(UInt32(random.next() % 100_000_000)) }
        var mismatches: [UInt32] = []
        for value in values {
            let word = JSONWriter.eightDigits(value).littleEndian
            let text = withUnsafeBytes(of: word) { String(decoding: $0, as: UTF8.self) }
            let expected = String(value)
            if text != String(repeating: "0", count: 8 - expected.count) + expected { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func integersAreWrittenAsSwiftWritesThem() {
        var random = SplitMix64(seed: 12)
        var values = [0, 1, -1, 9, 10, 99, 100, Int.max, Int.min, Int.min + 1]
        for power in 0..<19 {
            let ten = Int(FifteenDigits.powerOfTen(power))
            values += [ten - 1, ten, ten + 1, -ten]
        }
        for _ in 0..<20_000 { values.append(Int(bitPattern: UInt(random.next() >> (random.next() % 64)))) }
        let writer = JSONWriter()
        for value in values {
            writer.removeAll()
            writer.writeInteger(value)
            #expect(writer.string == String(value))
        }
    }

    /// The eight-bytes-at-a-time check finds a byte to escape at every position of strings of
    /// every length around a word, and lets through bytes beside the escaped ones (`!`, `#`, `;`,
    /// `=`, `[`, `]`, DEL and UTF-8 continuation bytes).
    @Test func everyByteThatNeedsAnEscapeIsFound() {
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "<": out += "\\u003c"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let writer = JSONWriter()
        for length in 1...25 {
            for position in 0..<length {
                for special in ["\"", "\\", "<", "\u{01}", "\u{1f}", "\n", "!", "#", ";", "=", "[", "]", "\u{7f}", "é", " "] {
                    var characters = Array(repeating: "a", count: length)
                    characters[position] = special
                    let text = characters.joined()
                    writer.removeAll()
                    writer.writeString(text)
                    #expect(writer.string == reference(text), "\(text.debugDescription)")
                }
            }
        }
    }
}
