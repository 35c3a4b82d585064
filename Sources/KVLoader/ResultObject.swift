import KVStudy
import Yams

/// One JSON object of a serving benchmark's result file. JSON is YAML's flow syntax, so Yams
/// composes it with every value's line and column; each accessor logs an error at the value (or
/// at the object, when the field is missing) that names the field by its path from the run,
/// such as `metrics.time_to_first_token_ms.successful.mean`.
struct ResultObject {
    let node: Node
    let mapping: Node.Mapping
    /// The object's path from the run's root ("" for the root itself).
    let path: String
    let source: YAMLSource
    /// What the object is, for messages: "the vLLM result".
    let what: String

    init?(_ node: Node, path: String = "", source: YAMLSource, what: String) {
        guard case .mapping(let mapping) = node else {
            source.error(at: node, "\(what)\(path.isEmpty ? "" : ": `\(path)`") must be a JSON object, found \(node.kindName)")
            return nil
        }
        (self.node, self.mapping, self.path, self.source, self.what) = (node, mapping, path, source, what)
    }

    /// A value as messages quote it: `text`, "nothing" for an empty one, or its kind.
    func shown(_ value: Node) -> String {
        value.scalarText.map { $0.isEmpty ? "nothing" : "`\($0)`" } ?? value.kindName
    }

    var keys: [String] { mapping.keys.compactMap(\.scalarText) }

    /// The field's path from the run, for messages.
    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value, or nil when absent or JSON `null`.
    func value(_ key: String) -> Node? {
        guard let value = mapping.first(where: { $0.key.scalarText == key })?.value else { return nil }
        if case .scalar(let scalar) = value, scalar.style == .plain, scalar.string == "null" { return nil }
        return value
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    func missing(_ key: String, _ meaning: String) {
        source.error(at: node, "\(what) has no `\(field(key))` (\(meaning))")
    }

    /// A nested object; nil (after an error when `required`) when absent.
    func object(_ key: String, required: Bool = true, _ meaning: String = "") -> ResultObject? {
        guard let value = value(key) else {
            if required { missing(key, meaning) }
            return nil
        }
        return ResultObject(value, path: field(key), source: source, what: what)
    }

    /// A finite number ≥ 0; nil (after an error when `required` or when present but not a number).
    func number(_ key: String, required: Bool = true, _ meaning: String) -> Double? {
        guard let value = value(key) else {
            if required { missing(key, meaning) }
            return nil
        }
        guard let text = value.scalarText, let number = Double(text), number.isFinite, number >= 0 else {
            source.error(at: value, "`\(field(key))` (\(meaning)) must be a number ≥ 0, found \(shown(value))")
            return nil
        }
        return number
    }

    /// A whole count ≥ 0, written as a JSON integer (or a float with no fraction: AIPerf's `avg`).
    func count(_ key: String, required: Bool = true, _ meaning: String) -> Int? {
        guard let number = number(key, required: required, meaning) else { return nil }
        guard number == number.rounded(), number < 1e12 else {
            source.error(at: value(key)!, "`\(field(key))` (\(meaning)) must be a whole number, found `\(value(key)!.scalarText ?? "")`")
            return nil
        }
        return Int(number)
    }

    /// A request rate: a number > 0, or `inf` / `Infinity` (as Python writes an unbounded rate),
    /// which is returned as nil. Absent is nil too.
    func rate(_ key: String, _ meaning: String) -> (present: Bool, requestsPerSecond: Double?) {
        guard let value = value(key) else { return (false, nil) }
        if let text = value.scalarText, ["inf", "infinity"].contains(text.lowercased()) { return (true, nil) }
        guard let text = value.scalarText, let number = Double(text), number.isFinite, number > 0 else {
            source.error(at: value, "`\(field(key))` (\(meaning)) must be a number of requests per second > 0 or `inf`, found \(shown(value))")
            return (true, nil)
        }
        return (true, number)
    }

    /// A string; nil when absent (after an error when `required`) or not a scalar.
    func string(_ key: String, required: Bool = false, _ meaning: String = "") -> String? {
        guard let value = value(key) else {
            if required { missing(key, meaning) }
            return nil
        }
        guard let text = value.scalarText else {
            source.error(at: value, "`\(field(key))` (\(meaning)) must be a string, found \(value.kindName)")
            return nil
        }
        return text
    }

    /// The first string of a list of names (`model_names: ["…"]`), or the value itself when a string.
    func firstName(_ key: String) -> String? {
        guard let value = value(key) else { return nil }
        if case .sequence(let items) = value { return items.first?.scalarText }
        return value.scalarText
    }
}
