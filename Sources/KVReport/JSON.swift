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

    /// Compact JSON text on one line (`JSONWriter` writes it).
    public var text: String {
        let writer = JSONWriter()
        writer.write(self)
        return writer.string
    }
}
