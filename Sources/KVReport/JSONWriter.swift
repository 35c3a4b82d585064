import Foundation
import KVEstimator

/// Appends JSON text as UTF-8 bytes to one growing buffer: the writer behind `JSONValue.text`,
/// the site's results file and the lines of `kvplan estimate --json`, which reuse one buffer
/// instead of building a string per value.
///
/// Strings that need no escaping (names, units: nearly all of them) are copied whole; the escapes
/// are `"`, `\` and control characters, and `<` as `\u003c` so the text is safe inside HTML
/// (`<script>`, attributes). Numbers are formatted straight into the buffer. The buffer is raw
/// memory, not an `[UInt8]`: appending a few bytes to an array costs more than formatting them.
/// A writer is a reference: share it, do not expect a copy, and use it from one thread.
public final class JSONWriter {
    // Unchecked: these are read and written for every byte, and the dynamic exclusivity check of
    // a class property cost more than the write itself. Only the writer's own methods (here and
    // in FifteenDigits.swift) touch them.
    @exclusivity(unchecked) var start: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    /// Bytes written so far.
    @exclusivity(unchecked) public internal(set) var count = 0
    /// Whether the object being written (`beginObject`) has a pair yet.
    @exclusivity(unchecked) var objectHasFields = false

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// The text written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }

    public var string: String { String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self) }

    /// `body` on the bytes written so far, without copying them.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: start, count: count))
    }

    /// Forgets what was written, keeping the memory.
    public func removeAll() { count = 0 }

    @inline(__always) func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var grown = capacity * 2
        while grown < count + extra { grown *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.update(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = grown
    }

    @inline(__always) public func append(_ byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    /// One byte where `reserve` has made room for it.
    @inline(__always) func appendUnreserved(_ byte: UInt8) {
        start[count] = byte
        count += 1
    }

    /// `value` (< 10^8) as eight ASCII digits with leading zeros, in one word in memory order
    /// (the first digit in the lowest byte): the top two digits are the integer part of
    /// value·2^32/10^6, each next two the integer part of the fraction times 100 (Jeon,
    /// "jeaiii/itoa"; `(value·⌈2^48/10^6⌉ >> 16) + 1` is exact for every value below 10^8: checked
    /// one by one when this was written, and at every pair's roll-over by `eightDigitsAreExact`).
    @inline(__always) static func eightDigits(_ value: UInt32) -> UInt64 {
        let first = (UInt64(value) &* 281_474_977) >> 16 &+ 1
        let second = (first & 0xFFFF_FFFF) &* 100, third = (second & 0xFFFF_FFFF) &* 100, fourth = (third & 0xFFFF_FFFF) &* 100
        return UInt64(pair(Int(truncatingIfNeeded: first >> 32))) | UInt64(pair(Int(truncatingIfNeeded: second >> 32))) << 16
            | UInt64(pair(Int(truncatingIfNeeded: third >> 32))) << 32 | UInt64(pair(Int(truncatingIfNeeded: fourth >> 32))) << 48
    }

    /// How many of the eight digits in `word` (`eightDigits`) are leading zeros, at most 7.
    @inline(__always) static func leadingZeroDigits(_ word: UInt64) -> Int {
        min(Int((word ^ 0x3030_3030_3030_3030).trailingZeroBitCount >> 3), 7)
    }

    /// Eight bytes of `word` at `target`, the lowest byte first.
    @inline(__always) static func store(_ word: UInt64, at target: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(target).storeBytes(of: word.littleEndian, as: UInt64.self)
    }

    /// "00", "01", … "99".
    static var digitPairs: StaticString {
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    }

    /// The two digits of `value` (< 100), the first in the lower byte.
    @inline(__always) static func pair(_ value: Int) -> UInt16 {
        UInt16(littleEndian: UnsafeRawPointer(digitPairs.utf8Start + value &* 2).loadUnaligned(as: UInt16.self))
    }

    /// `length` bytes from `bytes`, where `reserve` has made room for them.
    @inline(__always) func appendUnreserved(_ bytes: UnsafePointer<UInt8>, count length: Int) {
        Self.copy(bytes, count: length, to: start + count)
        count &+= length
    }

    /// A few dozen bytes (keys, names), copied eight at a time in line, the last eight overlapping
    /// what is copied already: for these a call to `memmove` costs more than the copy.
    @inline(__always) static func copy(_ bytes: UnsafePointer<UInt8>, count length: Int, to target: UnsafeMutablePointer<UInt8>) {
        let to = UnsafeMutableRawPointer(target), from = UnsafeRawPointer(bytes)
        if length >= 8 {
            var offset = 0
            while offset &+ 8 < length {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
                offset &+= 8
            }
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self), toByteOffset: length &- 8, as: UInt64.self)
        } else if length >= 4 {
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: length &- 4, as: UInt32.self), toByteOffset: length &- 4, as: UInt32.self)
        } else if length > 0 {
            target[0] = bytes[0]
            target[length >> 1] = bytes[length >> 1]
            target[length &- 1] = bytes[length &- 1]
        }
    }

    @inline(__always) func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        reserve(buffer.count)
        (start + count).update(from: base, count: buffer.count)
        count += buffer.count
    }

    @inline(__always) func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        start[count] = first
        start[count + 1] = second
        count += 2
    }

    public func write(_ value: JSONValue) {
        switch value {
        case .string(let string): writeString(string)
        case .number(let number): writeNumber(number)
        case .integer(let integer): writeInteger(integer)
        case .bool(let flag): writeASCII(flag ? "true" : "false")
        case .null: writeASCII("null")
        case .object(let pairs): writeObject(pairs)
        case .array(let values):
            append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { append(UInt8(ascii: ","), UInt8(ascii: " ")) }
                write(element)
            }
            append(UInt8(ascii: "]"))
        }
    }

    /// `{"key": value, …}` in the pairs' order.
    public func writeObject(_ pairs: [(String, JSONValue)]) {
        beginObject()
        for (key, value) in pairs { field(key, value) }
        endObject()
    }

    public func writeInteger(_ value: Int) {
        reserve(32)
        count &+= Self.integerText(value, at: start + count)
    }

    /// `value` in decimal at `out`, where there is room for 32 bytes; returns its length.
    @inline(__always) static func integerText(_ value: Int, at text: UnsafeMutablePointer<UInt8>) -> Int {
        var out = text
        if value < 0 { out[0] = UInt8(ascii: "-"); out += 1 }
        let magnitude = UInt64(value.magnitude)
        if magnitude < 10 {
            out[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude)
            return out + 1 - text
        }
        if magnitude < 100_000_000 {
            // Up to eight digits: one word, its leading zeros shifted out.
            let word = eightDigits(UInt32(truncatingIfNeeded: magnitude))
            let zeros = leadingZeroDigits(word)
            store(word >> UInt64(zeros &<< 3), at: out)
            return out + (8 &- zeros) - text
        }
        // The top digits (one to twelve: up to eight, then eight more from 10^16 on), then eight
        // at a time.
        let low = UInt32(truncatingIfNeeded: magnitude % 100_000_000)
        let high = magnitude / 100_000_000
        if high >= 100_000_000 {
            let top = eightDigits(UInt32(truncatingIfNeeded: high / 100_000_000))
            let zeros = leadingZeroDigits(top)
            store(top >> UInt64(zeros &<< 3), at: out)
            out += 8 &- zeros
            store(eightDigits(UInt32(truncatingIfNeeded: high % 100_000_000)), at: out)
            out += 8
        } else {
            let word = eightDigits(UInt32(truncatingIfNeeded: high))
            let zeros = leadingZeroDigits(word)
            store(word >> UInt64(zeros &<< 3), at: out)
            out += 8 &- zeros
        }
        store(eightDigits(low), at: out)
        return out + 8 - text
    }

    /// A number as kvplan writes it (issue 12): null when not finite; otherwise rounded to 15
    /// significant digits (what a Double always holds exactly: `12548.000000000002`, arithmetic
    /// noise, is written `12548`), integral values below 2^53 without a fraction, the rest as
    /// Swift's shortest round-trip text of the rounded value — formatted into the buffer.
    public func writeNumber(_ value: Double) {
        guard value.isFinite else { writeASCII("null"); return }
        reserve(80)
        if let length = Self.numberText(value, at: start + count) {
            count &+= length
        } else {
            writeNumberThroughText(value)
        }
    }

    /// `writeNumber`'s text of a finite value at `out`, where there is room for 80 bytes; returns
    /// its length, or nil where C decides (`writeNumberThroughText`).
    @inline(__always) static func numberText(_ value: Double, at out: UnsafeMutablePointer<UInt8>) -> Int? {
        // Integers below 10^15 have at most 15 digits: already what rounding would give.
        if abs(value) < 1e15, Double(Int(value)) == value { return integerText(Int(value), at: out) }
        guard let rounded = FifteenDigits.decimal(abs(value)) else { return nil }
        return roundedText(negative: value < 0, digits: rounded.digits, exponent: rounded.exponent, at: out)
    }

    /// `writeNumber` the slow way, for the values `FifteenDigits` leaves to C (near a tie, or
    /// beyond 10^±30), and the reference the fast way is tested against: Swift's shortest text of
    /// the value, rounded to 15 digits, and Swift's shortest text of that.
    func writeNumberThroughText(_ value: Double) {
        guard value.isFinite else { writeASCII("null"); return }
        if value == value.rounded(), abs(value) < 1e15 {
            writeInteger(Int(value))
            return
        }
        // A shortest round-trip text of at most 15 significant digits is also the value rounded to
        // 15 digits (the value lies within half an ulp of it, far less than half a step of the
        // 15-digit grid), so only texts of 16 or 17 digits need the rounding through C.
        let mark = count
        var stream = Stream(writer: self)
        value.write(to: &stream)
        if Self.significantDigits(start + mark, count - mark) <= 15, !(value == value.rounded() && abs(value) < 9_007_199_254_740_992) {
            return
        }
        let rounded = Self.roundedFromShortest(start + mark, count - mark, value) ?? Self.fifteenDigits(value)
        count = mark
        if rounded == rounded.rounded(), abs(rounded) < 9_007_199_254_740_992 {
            writeInteger(Int(rounded))
            return
        }
        rounded.write(to: &stream)
    }

    /// The value rounded to 15 significant digits, read off its shortest text of 16 or 17 digits
    /// when that text decides it: the value lies within half an ulp of the text, so when the
    /// digits after the 15th are further than an ulp from the midpoint (…5), the value rounds the
    /// way the text does; the 15-digit result is then exact in one multiplication or division by
    /// a power of ten up to 10^22 (Clinger's fast path, what strtod computes). Nil otherwise: C
    /// decides (`fifteenDigits`).
    static func roundedFromShortest(_ text: UnsafeMutablePointer<UInt8>, _ length: Int, _ value: Double) -> Double? {
        var digits: UInt64 = 0, digitCount = 0, afterPoint = 0, seenPoint = false, exponent = 0, index = 0
        while index < length {
            let byte = text[index]
            index += 1
            if byte == UInt8(ascii: ".") { seenPoint = true; continue }
            if byte == UInt8(ascii: "-") { continue }
            if byte == UInt8(ascii: "e") {
                var sign = 1, magnitude = 0
                while index < length {
                    let next = text[index]
                    index += 1
                    if next == UInt8(ascii: "-") { sign = -1 } else if next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                        magnitude = magnitude * 10 + Int(next - UInt8(ascii: "0"))
                    }
                }
                exponent = sign * magnitude
                break
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if digits == 0, byte == UInt8(ascii: "0") {
                if seenPoint { afterPoint += 1 }
                continue
            }
            guard digitCount < 18 else { return nil }
            digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
            digitCount += 1
            if seenPoint { afterPoint += 1 }
        }
        var q = exponent - afterPoint  // value = digits · 10^q
        while digits > 0, digits % 10 == 0 { digits /= 10; digitCount -= 1; q += 1 }
        guard digitCount == 16 || digitCount == 17 else { return nil }
        let tailLength = digitCount - 15
        let tailScale: UInt64 = tailLength == 1 ? 10 : 100
        var head = digits / tailScale
        let tail = Double(digits % tailScale), half = Double(tailScale / 2)
        let ulpInDigits = value.ulp / pow(10, Double(q))
        guard ulpInDigits.isFinite, abs(tail - half) > ulpInDigits else { return nil }
        if tail > half { head += 1 }
        var e = q + tailLength
        if head == 1_000_000_000_000_000 { head /= 10; e += 1 }
        guard abs(e) <= 22 else { return nil }
        let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
                                1e17, 1e18, 1e19, 1e20, 1e21, 1e22]
        let magnitude = e >= 0 ? Double(head) * powers[e] : Double(head) / powers[-e]
        return value < 0 ? -magnitude : magnitude
    }

    /// Significant digits of a number's text (`-1.2345e-05`, `0.00012`, `1200.0`): the mantissa's
    /// digits without leading and trailing zeros.
    static func significantDigits(_ text: UnsafeMutablePointer<UInt8>, _ length: Int) -> Int {
        var first = -1, last = -1, position = 0
        for index in 0..<length {
            let byte = text[index]
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { continue }
            if byte != UInt8(ascii: "0") {
                if first < 0 { first = position }
                last = position
            }
            position += 1
        }
        return first < 0 ? 0 : last - first + 1
    }

    /// `Double(String(format: "%.15g", value))`, through a stack buffer: C's `%.15g` and `strtod`
    /// (the C locale, which kvplan never changes), without Foundation's formatter.
    static func fifteenDigits(_ value: Double) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
            let base = buffer.baseAddress!
            let length = withVaList([value]) { vsnprintf(base, 32, "%.15g", $0) }
            guard length > 0, length < 32 else { return Double(String(format: "%.15g", value)) ?? value }
            return strtod(base, nil)
        }
    }

    /// `Double.write(to:)` hands its digits to `_writeASCII` as a buffer: appending them is the
    /// whole cost of a number (no String is made).
    struct Stream: TextOutputStream {
        let writer: JSONWriter
        mutating func write(_ string: String) { writer.writeASCII(string) }
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { writer.append(buffer) }
    }

    /// Literal ASCII text (`true`, `null`).
    @inline(__always) func writeStatic(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        appendUnreserved(text.utf8Start, count: text.utf8CodeUnitCount)
    }

    func writeASCII(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            for byte in text.utf8 { append(byte) }
        }
    }

    /// A quoted string, escaped only where a byte asks for it.
    public func writeString(_ string: String) {
        // Native and small strings (all of kvplan's) are contiguous UTF-8: no copy.
        if string.utf8.withContiguousStorageIfAvailable({ writeQuoted($0) }) == nil {
            var string = string
            string.withUTF8 { writeQuoted($0) }
        }
    }

    @inline(__always) private func writeQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let base = utf8.baseAddress, !Self.needsEscape(utf8) else {
            append(UInt8(ascii: "\""))
            appendEscaped(utf8)
            append(UInt8(ascii: "\""))
            return
        }
        // Nothing to escape (names, units: nearly every string): one reservation, one copy.
        reserve(utf8.count &+ 2)
        let out = start + count
        out[0] = UInt8(ascii: "\"")
        Self.copy(base, count: utf8.count, to: out + 1)
        out[utf8.count &+ 1] = UInt8(ascii: "\"")
        count &+= utf8.count &+ 2
    }

    @inline(__always) static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<")
    }

    /// Whether any byte of `utf8` needs an escape: eight bytes at a time, the last eight
    /// overlapping what is read already.
    @inline(__always) static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        let length = utf8.count
        let raw = UnsafeRawPointer(base)
        guard length >= 8 else {
            // Four bytes twice, overlapping, as one word; below four, the bytes one by one.
            guard length >= 4 else {
                // One to three bytes: the first, middle and last, the rest of the word an "a".
                let word = 0x6161_6161_6100_0000 | UInt64(base[0]) | UInt64(base[length >> 1]) << 8 | UInt64(base[length &- 1]) << 16
                return length > 0 && needsEscape(word: word)
            }
            let first = UInt64(raw.loadUnaligned(as: UInt32.self)), last = UInt64(raw.loadUnaligned(fromByteOffset: length &- 4, as: UInt32.self))
            return needsEscape(word: first | last << 32)
        }
        var offset = 0
        while offset &+ 8 <= length {
            if needsEscape(word: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return true }
            offset &+= 8
        }
        return offset < length && needsEscape(word: raw.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self))
    }

    /// Whether one of eight bytes is a control character, `"`, `\\` or `<`: a byte below n is
    /// found by `(w − n·0x01…) & ~w & 0x80…` (exact for n ≤ 128), a byte equal to c as a zero
    /// byte of `w ^ c·0x01…` (Anderson, "Bit Twiddling Hacks": "Determine if a word has a byte
    /// less than n", "… has a zero byte").
    @inline(__always) static func needsEscape(word w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func below(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &- ones &* n) & ~x & highs }
        return below(w, 0x20) | below(w ^ ones &* 0x22, 1) | below(w ^ ones &* 0x5C, 1) | below(w ^ ones &* 0x3C, 1) != 0
    }

    private func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var from = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<") else { continue }
            append(UnsafeBufferPointer(rebasing: utf8[from..<index]))
            appendEscape(byte)
            from = index + 1
        }
        append(UnsafeBufferPointer(rebasing: utf8[from..<utf8.count]))
    }

    private func appendEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): writeASCII("\\\"")
        case UInt8(ascii: "\\"): writeASCII("\\\\")
        case UInt8(ascii: "\n"): writeASCII("\\n")
        case UInt8(ascii: "\r"): writeASCII("\\r")
        case UInt8(ascii: "\t"): writeASCII("\\t")
        case UInt8(ascii: "<"): writeASCII("\\u003c")
        default:
            let hex = Array("0123456789abcdef".utf8)
            writeASCII("\\u00")
            append(hex[Int(byte >> 4)])
            append(hex[Int(byte & 0xf)])
        }
    }
}

/// An estimate record written as one JSON object, pair by pair (`beginObject`, the record's
/// pairs, `endObject`).
extension JSONWriter: EstimateRecord.Sink {
    public func beginObject() {
        append(UInt8(ascii: "{"))
        objectHasFields = false
    }

    public func field(_ key: String, _ value: JSONValue) {
        if objectHasFields { append(UInt8(ascii: ","), UInt8(ascii: " ")) }
        objectHasFields = true
        writeString(key)
        append(UInt8(ascii: ":"), UInt8(ascii: " "))
        write(value)
    }

    /// A pair whose key is a literal: copied as it is (record keys are snake_case ASCII, nothing
    /// to escape), with its separator and quotes and, for a number, the number in one reservation.
    @inline(__always) public func field(_ key: StaticString, _ value: JSONValue) {
        switch value {
        case .integer(let integer): writeField(key.utf8Start, count: key.utf8CodeUnitCount, integer: integer)
        case .number(let number): writeField(key.utf8Start, count: key.utf8CodeUnitCount, number: number)
        default:
            writeKey(key.utf8Start, count: key.utf8CodeUnitCount)
            writeScalar(value)
        }
    }

    /// `, "key": ` (`"key": ` for an object's first pair).
    func writeKey(_ key: UnsafePointer<UInt8>, count length: Int) {
        reserve(length &+ 16)
        count = keyText(key, count: length, at: start + count) - start
    }

    func writeField(_ key: UnsafePointer<UInt8>, count length: Int, integer: Int) {
        reserve(length &+ 48)
        let value = keyText(key, count: length, at: start + count)
        count = value + Self.integerText(integer, at: value) - start
    }

    func writeField(_ key: UnsafePointer<UInt8>, count length: Int, number: Double) {
        reserve(length &+ 96)
        let value = keyText(key, count: length, at: start + count)
        if number.isFinite, let written = Self.numberText(number, at: value) {
            count = value + written - start
        } else {
            count = value - start
            writeNumber(number)
        }
    }

    /// The key's text at `out` (room for its length and 16 bytes); returns where its value goes.
    @inline(__always) func keyText(_ key: UnsafePointer<UInt8>, count length: Int, at text: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var out = text
        if objectHasFields {
            UnsafeMutableRawPointer(out).storeBytes(of: UInt16(0x202C).littleEndian, as: UInt16.self)  // ", "
            out += 2
        }
        objectHasFields = true
        out[0] = UInt8(ascii: "\"")
        Self.copy(key, count: length, to: out + 1)
        out += length &+ 1
        UnsafeMutableRawPointer(out).storeBytes(of: UInt32(0x0020_3A22).littleEndian, as: UInt32.self)  // "\": " and a byte to overwrite
        return out + 3
    }

    /// `write`, with the scalar cases inline: where the case is known where it is called (a
    /// record's `.finite(x)`, `.integer(n)`), the value is never built.
    @inline(__always) func writeScalar(_ value: JSONValue) {
        switch value {
        case .string(let string): writeString(string)
        case .number(let number): writeNumber(number)
        case .integer(let integer): writeInteger(integer)
        case .bool(let flag): writeStatic(flag ? "true" : "false")
        case .null: writeStatic("null")
        case .object, .array: write(value)
        }
    }

    /// One estimate record as a JSON object, with the study's `kv_tiers` figures at its point when
    /// it has a placement: `EstimateRecord.write` and `KVPlacementRecord.write` specialised for
    /// this writer here, in their module (called from another module, each pair went through a
    /// protocol witness with its value built as a `JSONValue`).
    public func writeRecord(
        _ scenario: Scenario, _ estimate: Estimate, compressionNeeded: CompressionNeeded? = nil, sharing: SharingEstimate? = nil,
        placement: KVPlacementEvaluation? = nil
    ) {
        beginObject()
        var sink = self
        EstimateRecord.write(scenario, estimate, compressionNeeded: compressionNeeded, sharing: sharing, to: &sink)
        if let placement {
            if let (entry, index) = placement.point(scenario, context: estimate.context) {
                KVPlacementRecord.write(entry, at: index, placement: placement.placement, to: &sink)
            } else {
                KVPlacementRecord.writeUnavailable(placement.placement, to: &sink)
            }
        }
        endObject()
    }

    public func endObject() {
        append(UInt8(ascii: "}"))
        objectHasFields = true
    }
}
