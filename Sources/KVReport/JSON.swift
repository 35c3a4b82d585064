import Foundation

/// A JSON value written with a fixed key order, so output is byte-identical across runs.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case object([(String, JSONValue)])
    case array([JSONValue])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.text == rhs.text }

    /// A finite number, or null (JSON has no NaN or infinity).
    public static func finite(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(value)
    }

    /// Compact JSON text on one line.
    public var text: String {
        switch self {
        case .string(let string): return JSONValue.quoted(string)
        case .number(let value):
            guard value.isFinite else { return "null" }  // JSON has no NaN or infinity
            // 15 significant digits (what a Double always holds exactly): `12548.000000000002`,
            // arithmetic noise, is written `12548`; the text reads back as the rounded value.
            let rounded = Double(String(format: "%.15g", value)) ?? value
            if rounded == rounded.rounded(), abs(rounded) < 9_007_199_254_740_992 { return String(Int(rounded)) }
            return "\(rounded)"
        case .integer(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .object(let pairs):
            return "{" + pairs.map { "\(JSONValue.quoted($0.0)): \($0.1.text)" }.joined(separator: ", ") + "}"
        case .array(let values):
            return "[" + values.map(\.text).joined(separator: ", ") + "]"
        }
    }

    static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<": result += "\\u003c"  // safe to embed in HTML <script> or attributes
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
