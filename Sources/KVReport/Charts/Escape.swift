/// `text` made safe inside XML, SVG and HTML, both as element content and inside a quoted
/// attribute: `&`, `<`, `>`, `"` and `'` become entities, and the control characters XML 1.0
/// forbids (everything below U+0020 except tab, newline and carriage return) are dropped, since
/// a single one would make the whole document ill-formed.
public func xmlEscaped(_ text: String) -> String {
    // Nearly every attribute (a coordinate, a colour) has nothing to escape: say so from its bytes
    // (U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8) and return it as it is.
    let clean = text.utf8.allSatisfy { byte in
        byte >= 0x20 && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">")
            && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'") && byte != 0xEF
    }
    if clean { return text }
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
        case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return escaped
}
