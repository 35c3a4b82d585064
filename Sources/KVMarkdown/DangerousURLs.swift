/// URLs a browser would run or read from the user's disk, removed from rendered HTML where raw
/// HTML is otherwise allowed (`allow_html: true`). The rule is cmark's own safe-mode rule
/// (`javascript:`, `vbscript:`, `file:`, and `data:` except PNG, GIF, JPEG and WebP images),
/// applied after the scheme is read as a browser reads it: character references decoded, ASCII
/// whitespace and controls dropped, case ignored (`Java&#x09;Script&colon;` is `javascript:`).
enum DangerousURLs {
    /// Attributes whose value is a URL.
    static let urlAttributes: Set<String> = [
        "href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite", "srcset",
        "longdesc", "usemap", "manifest", "codebase", "dynsrc", "lowsrc",
    ]

    /// `html` with every dangerous URL attribute value replaced by an empty one.
    static func removed(from html: String) -> String {
        var output = String.UnicodeScalarView()
        let scalars = Array(html.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            output.append(scalar)
            index += 1
            // Inside a tag: `<name attr=value …>`.
            guard scalar == "<", index < scalars.count, scalars[index].properties.isAlphabetic else { continue }
            while index < scalars.count, scalars[index] != ">" {
                // An attribute name.
                guard !isSpace(scalars[index]), scalars[index] != "/" else { output.append(scalars[index]); index += 1; continue }
                var name = String.UnicodeScalarView()
                while index < scalars.count, !isSpace(scalars[index]), !"=>/".unicodeScalars.contains(scalars[index]) {
                    name.append(scalars[index]); output.append(scalars[index]); index += 1
                }
                while index < scalars.count, isSpace(scalars[index]) { output.append(scalars[index]); index += 1 }
                guard index < scalars.count, scalars[index] == "=" else { continue }
                output.append("="); index += 1
                while index < scalars.count, isSpace(scalars[index]) { output.append(scalars[index]); index += 1 }
                // The value: quoted or bare.
                var value = String.UnicodeScalarView(), quote: Unicode.Scalar?
                if index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" { quote = scalars[index]; index += 1 }
                while index < scalars.count {
                    let next = scalars[index]
                    if let quote, next == quote { index += 1; break }
                    if quote == nil, isSpace(next) || next == ">" { break }
                    value.append(next); index += 1
                }
                let keep = !urlAttributes.contains(String(name).lowercased()) || !isDangerous(String(value))
                let written = keep ? String(value) : ""
                let q = quote ?? "\""
                output.append(q)
                output.append(contentsOf: (quote == nil && keep ? written.replacingQuotes : written).unicodeScalars)
                output.append(q)
            }
        }
        return String(output)
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" }

    /// Whether a URL (as written in an attribute) has a dangerous scheme.
    static func isDangerous(_ written: String) -> Bool {
        let url = String(String.UnicodeScalarView(decoded(written).filter { $0.value > 0x20 && $0.value != 0x7F })).lowercased()
        for scheme in ["javascript:", "vbscript:", "file:"] where url.hasPrefix(scheme) { return true }
        if url.hasPrefix("data:") {
            return !["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"].contains { url.hasPrefix($0) }
        }
        return false
    }

    /// Numeric character references and the few named ones that spell a scheme, decoded.
    static func decoded(_ text: String) -> [Unicode.Scalar] {
        let named: [String: Unicode.Scalar] = ["colon": ":", "tab": "\t", "newline": "\n", "amp": "&", "sol": "/"]
        var result: [Unicode.Scalar] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&", let semicolon = scalars[index...].prefix(12).firstIndex(of: ";") else {
                result.append(scalars[index]); index += 1; continue
            }
            let body = String(String.UnicodeScalarView(scalars[(index + 1)..<semicolon])).lowercased()
            var value: Unicode.Scalar?
            if body.hasPrefix("#x") { value = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
            else if body.hasPrefix("#") { value = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init) }
            else { value = named[body] }
            if let value { result.append(value); index = semicolon + 1 } else { result.append(scalars[index]); index += 1 }
        }
        return result
    }
}

private extension String {
    var replacingQuotes: String { String(String.UnicodeScalarView(unicodeScalars.flatMap { $0 == "\"" ? Array("&quot;".unicodeScalars) : [$0] })) }
}
