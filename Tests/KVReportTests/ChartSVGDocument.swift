import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import KVReport

/// A chart's SVG parsed by Foundation's XML parser, so tests check the markup a browser would
/// read rather than substrings: `isWellFormed`, every element with its attributes, text and parent.
final class ChartSVGDocument: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        var parent: Int?

        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
        func has(class name: String) -> Bool { classes.contains(name) }
    }

    let source: String
    private(set) var elements: [Element] = []
    private(set) var isWellFormed = false
    private(set) var parseError: String?
    private var open: [Int] = []

    init(_ svg: String) {
        source = svg
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        isWellFormed = parser.parse()
        parseError = parser.parserError.map { "\($0) at line \(parser.lineNumber)" }
    }

    var root: Element? { elements.first }

    func elements(named name: String) -> [Element] { elements.filter { $0.name == name } }
    func elements(withClass name: String) -> [Element] { elements.filter { $0.has(class: name) } }

    func children(of index: Int) -> [Element] { elements.filter { $0.parent == index } }

    func indices(where predicate: (Element) -> Bool) -> [Int] { elements.indices.filter { predicate(elements[$0]) } }

    /// Whether element `index` sits inside an element with class `name`.
    func isInside(_ index: Int, class name: String) -> Bool {
        var current = elements[index].parent
        while let parent = current {
            if elements[parent].has(class: name) { return true }
            current = elements[parent].parent
        }
        return false
    }

    /// The plot's series groups (not the legend's entries), in drawing order.
    var seriesGroups: [Int] {
        indices { $0.name == "g" && $0.has(class: "kv-series") && !$0.has(class: "kv-legend-entry") }
    }

    /// Every number written in a geometric attribute (coordinates, sizes, path data, viewBox).
    var numbers: [String] {
        let geometric: Set = ["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "d", "viewBox", "transform"]
        return elements.flatMap { element in
            element.attributes.filter { geometric.contains($0.key) && $0.value != "100%" }.flatMap { _, value in
                value.matches(of: /[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|nan|inf/.ignoresCase()).map { String($0.output) }
            }
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes, parent: open.last))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current = open.last { elements[current].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
}
