/// User text echoed in a diagnostic or on a terminal: control characters (which could move the
/// cursor, recolour or clear the screen) escaped, and long values elided, so that a message is
/// one readable line whatever the file holds.
public enum EchoedText {
    /// Longest quoted value a message repeats whole.
    public static let quotedLimit = 80
    /// Longest message.
    static let messageLimit = 1_000

    /// C0 and C1 controls, DEL, line and paragraph separators, and bidirectional overrides.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0xFEFF
    }

    /// `text` with every control character written as `\u{1B}` (newline as `\n`, tab as `\t`).
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else { result.append(scalar); continue }
            let written = switch scalar {
            case "\n": "\\n"
            case "\t": "\\t"
            case "\r": "\\r"
            default: "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            result.append(contentsOf: written.unicodeScalars)
        }
        return String(result)
    }

    /// `text` cut to `limit` scalars: its start, `…`, its end, and how long it was.
    public static func elided(_ text: String, limit: Int = quotedLimit) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > limit else { return text }
        let head = String(String.UnicodeScalarView(scalars.prefix(limit * 3 / 4)))
        let tail = String(String.UnicodeScalarView(scalars.suffix(limit / 8)))
        return "\(head)…\(tail) (\(Units.written(scalars.count)) characters)"
    }

    /// A message as diagnostics print it: values in backticks elided, controls escaped, the whole bounded.
    static func message(_ text: String) -> String {
        var parts = text.split(separator: "`", omittingEmptySubsequences: false).map(String.init)
        // Odd parts are quoted values (between backticks).
        for index in parts.indices where index % 2 == 1 { parts[index] = elided(parts[index]) }
        let joined = escaped(parts.joined(separator: "`"))
        return joined.unicodeScalars.count > messageLimit ? elided(joined, limit: messageLimit) : joined
    }
}
