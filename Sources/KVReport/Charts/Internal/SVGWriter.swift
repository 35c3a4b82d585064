/// Accumulates SVG markup one element per line, attributes in the order given, so the same chart
/// always gives the same bytes. Never writes a blank line: an HTML block in Markdown ends at one.
struct SVGWriter {
    typealias Attributes = KeyValuePairs<String, String>

    private(set) var markup = ""

    /// `<name a="…">` — attribute values are escaped.
    mutating func open(_ name: String, _ attributes: Attributes = [:]) {
        markup += "<" + name + Self.attributeText(attributes) + ">\n"
    }

    mutating func close(_ name: String) {
        markup += "</" + name + ">\n"
    }

    /// `<name a="…"/>`
    mutating func empty(_ name: String, _ attributes: Attributes) {
        markup += "<" + name + Self.attributeText(attributes) + "/>\n"
    }

    /// `<name a="…">text</name>` — `text` is escaped.
    mutating func element(_ name: String, _ attributes: Attributes = [:], text: String) {
        markup += "<" + name + Self.attributeText(attributes) + ">" + xmlEscaped(text) + "</" + name + ">\n"
    }

    /// `<name a="…"><title>tooltip</title></name>`: a shape with a hover text.
    mutating func shape(_ name: String, _ attributes: Attributes, tooltip: String?) {
        guard let tooltip else { return empty(name, attributes) }
        markup += "<" + name + Self.attributeText(attributes) + "><title>" + xmlEscaped(tooltip) + "</title></" + name + ">\n"
    }

    /// Markup written by this module (e.g. the style sheet); must already be well-formed.
    mutating func raw(_ text: String) {
        markup += text
        if !text.hasSuffix("\n") { markup += "\n" }
    }

    private static func attributeText(_ attributes: Attributes) -> String {
        var text = ""
        for (name, value) in attributes { text += " " + name + "=\"" + xmlEscaped(value) + "\"" }
        return text
    }
}

/// A coordinate with at most one decimal and no exponent: `12`, `-3.5`. Positions far outside the
/// canvas (from values beyond a fixed axis range) are clamped; NaN never reaches here, but would
/// read `0`.
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let clamped = min(max(value, -100_000), 100_000)
    let tenths = Int((clamped * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
}

/// An SVG path through `points`: `M x y L x y …`.
func svgPath(_ points: [(x: Double, y: Double)]) -> String {
    points.enumerated().map { index, point in
        (index == 0 ? "M" : "L") + svgNumber(point.x) + " " + svgNumber(point.y)
    }.joined(separator: " ")
}
