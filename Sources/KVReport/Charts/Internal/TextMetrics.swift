/// How wide a label will be, estimated without a font: a deliberately generous advance per
/// character, so that labels judged not to collide here do not collide in any common sans-serif.
enum TextMetrics {
    static func width(_ text: String, fontSize: Double) -> Double {
        text.reduce(0) { $0 + advance($1) } * fontSize
    }

    /// Advance of one character in ems.
    static func advance(_ character: Character) -> Double {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        switch scalar {
        case " ": return 0.33
        case "M", "W", "m", "w", "@", "%", "—", "…", "×": return 0.95
        case "A"..."Z": return 0.72
        case _ where scalar.value >= 0x1100: return 1.05
        default: return 0.62
        }
    }

    /// `text` shortened with `…` to fit `maxWidth`.
    static func truncated(_ text: String, toWidth maxWidth: Double, fontSize: Double) -> String {
        guard width(text, fontSize: fontSize) > maxWidth else { return text }
        var prefix = Substring(text)
        while !prefix.isEmpty, width(String(prefix) + "…", fontSize: fontSize) > maxWidth { prefix.removeLast() }
        while prefix.last == " " { prefix.removeLast() }
        return prefix.isEmpty ? "" : prefix + "…"
    }

    /// `text` broken at spaces into at most `maxLines` lines, the last one (or an overlong word)
    /// shortened with `…` when the text does not fit.
    static func lines(_ text: String, toWidth maxWidth: Double, fontSize: Double, maxLines: Int) -> [String] {
        var words = text.split(separator: " ").map(String.init)
        var lines: [String] = []
        while !words.isEmpty {
            if lines.count == maxLines - 1 {
                lines.append(truncated(words.joined(separator: " "), toWidth: maxWidth, fontSize: fontSize))
                break
            }
            var line = words.removeFirst()
            while let next = words.first, width(line + " " + next, fontSize: fontSize) <= maxWidth {
                line += " " + next
                words.removeFirst()
            }
            lines.append(truncated(line, toWidth: maxWidth, fontSize: fontSize))
        }
        return lines
    }

    /// `text` broken at spaces into at most `maxLines` lines each within `maxWidth`, or nil.
    static func wrapped(_ text: String, toWidth maxWidth: Double, fontSize: Double, maxLines: Int) -> [String]? {
        var lines: [String] = []
        for word in text.split(separator: " ") {
            let candidate = lines.isEmpty ? String(word) : lines[lines.count - 1] + " " + word
            if !lines.isEmpty, width(candidate, fontSize: fontSize) <= maxWidth {
                lines[lines.count - 1] = candidate
            } else {
                guard width(String(word), fontSize: fontSize) <= maxWidth else { return nil }
                lines.append(String(word))
            }
        }
        return lines.count <= maxLines ? lines : nil
    }
}
