/// Line breaks as libyaml counts them (and so as its marks number lines): LF, CR, CRLF, and also
/// NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029). Counting fewer would
/// shift every later diagnostic's line.
enum LineBreaks {
    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// The lines of `text`, without their breaks (CRLF is one break).
    static func lines(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex, index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            guard isBreak(scalar) else { index = scalars.index(after: index); continue }
            lines.append(Substring(scalars[start..<index]))
            index = scalars.index(after: index)
            if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
            start = index
        }
        lines.append(Substring(scalars[start..<scalars.endIndex]))
        return lines
    }
}
