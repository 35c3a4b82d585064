/// Appends JSON text as UTF-8 bytes to one growing buffer: the writer behind `JSONValue.text`,
/// the site's results file and the lines of `kvplan estimate --json`, which reuse one buffer per
/// line instead of building a string per value.
///
/// Strings that need no escaping (names, units: nearly all of them) are copied as they are; the
/// escapes are `"`, `\` and control characters, and `<` as `\u003c` so the text is safe inside
/// HTML (`<script>`, attributes).
public struct JSONWriter {
    public var bytes: [UInt8] = []
    /// Whether the object being written (`beginObject`) has a pair yet.
    var objectHasFields = false

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .string(let string): writeString(string)
        case .number(let number): writeNumber(number)
        case .integer(let integer): writeInteger(integer)
        case .bool(let flag): writeASCII(flag ? "true" : "false")
        case .null: writeASCII("null")
        case .object(let pairs): writeObject(pairs)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: " ")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }

    /// `{"key": value, …}` in the pairs' order.
    public mutating func writeObject(_ pairs: [(String, JSONValue)]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, pair) in pairs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: " ")) }
            writeString(pair.0)
            bytes.append(UInt8(ascii: ":")); bytes.append(UInt8(ascii: " "))
            write(pair.1)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func writeInteger(_ value: Int) {
        if value < 0 {
            guard value != Int.min else { writeASCII(String(value)); return }
            bytes.append(UInt8(ascii: "-"))
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch: Int has at most 19 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[index...]))
        }
    }

    /// A number as kvplan writes it: integral values below 10^15 without a fraction, the rest as
    /// Swift's shortest round-trip text (`Double.description`), formatted straight into the buffer.
    public mutating func writeNumber(_ value: Double) {
        if value == value.rounded(), abs(value) < 1e15 {
            writeInteger(Int(value))
            return
        }
        value.write(to: &self)
    }

    @inline(__always) mutating func writeASCII(_ text: String) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) { return done }
        bytes.append(contentsOf: text.utf8)
    }

    /// A quoted string, escaped only where a byte asks for it.
    public mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            appendEscaped(Array(string.utf8))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
            appendEscape(byte)
            start = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
    }

    private mutating func appendEscaped(_ utf8: [UInt8]) {
        utf8.withUnsafeBufferPointer { appendEscaped($0) }
    }

    private mutating func appendEscape(_ byte: UInt8) {
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
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0xf)])
        }
    }
}

/// `Double.write(to:)` hands its digits to `_writeASCII` as a buffer: appending them is the whole
/// cost of a number (no String is made).
extension JSONWriter: TextOutputStream {
    public mutating func write(_ string: String) { writeASCII(string) }
    public mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}

/// An estimate record written as one JSON object, pair by pair (`beginObject`, the record's
/// pairs, `endObject`).
extension JSONWriter: EstimateRecord.Sink {
    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        objectHasFields = false
    }

    public mutating func field(_ key: String, _ value: JSONValue) {
        if objectHasFields { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: " ")) }
        objectHasFields = true
        writeString(key)
        bytes.append(UInt8(ascii: ":")); bytes.append(UInt8(ascii: " "))
        write(value)
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
    }
}
