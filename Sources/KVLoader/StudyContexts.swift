import KVStudy
import Foundation
import Yams

/// The context lengths a study sweeps, ascending and without duplicates, with the nodes they
/// were written at (for warnings about single points).
struct ContextSweep {
    var tokens: [Int]
    /// The `contexts` value.
    var node: Node
    /// Where each listed length was written (a list's items).
    var written: [Int: Node] = [:]
    /// Where a range's points were written: its `to` (one node for all of them, not a map of up to
    /// a million entries).
    var rangeEnd: Node? = nil

    func node(for tokens: Int) -> Node { written[tokens] ?? rangeEnd ?? node }
}

/// `contexts: {from, to, steps, scale}`: `steps` points from `from` to `to`, both ends
/// included, evenly spaced on a log or linear scale, rounded to whole tokens, duplicates dropped.
struct ContextRange: Equatable {
    enum Scale: String, CaseIterable { case log, linear }

    var from: Int
    var to: Int
    var steps: Int
    var scale: Scale

    /// Most points one range may produce (a larger sweep is rejected before it is expanded).
    static let stepLimit = 1_000_000

    var tokens: [Int] {
        guard steps > 1, to > from else { return [from] }
        let first = Double(from), last = Double(to), intervals = Double(steps - 1)
        var points: [Int] = []
        points.reserveCapacity(steps)
        for step in 0..<steps {
            let fraction = Double(step) / intervals
            let value = switch scale {
            case .log: first * pow(last / first, fraction)
            case .linear: first + (last - first) * fraction
            }
            let point = step == steps - 1 ? to : Int(value.rounded())
            if point != points.last { points.append(point) }  // rounding repeats neighbours
        }
        // Both scales rise with the step, so the points come sorted; sort anyway if rounding ever
        // disagreed (the result is the same either way: ascending, without duplicates).
        let ascending = zip(points, points.dropFirst()).allSatisfy { $0 < $1 }
        return ascending ? points : Array(Set(points)).sorted()
    }
}

extension StudyReader {
    /// `contexts`: a list of token counts, or a range map.
    func contexts(_ study: MapReader) -> ContextSweep? {
        guard let node = study.value("contexts") else { return nil }
        switch node {
        case .sequence(let items):
            guard !items.isEmpty else {
                source.error(at: node, "`contexts` is empty: the sweep needs at least one context length")
                return nil
            }
            var written: [Int: Node] = [:]
            var complete = true
            for item in items {
                guard let tokens = tokenCount(item, what: "a context length") else { complete = false; continue }
                if written[tokens] == nil { written[tokens] = item }
            }
            return complete ? ContextSweep(tokens: written.keys.sorted(), node: node, written: written) : nil
        case .mapping:
            guard let map = study.map("contexts", Schema.contextRange), let range = contextRange(map) else { return nil }
            let tokens = range.tokens, to = map.value("to") ?? node
            return ContextSweep(tokens: tokens, node: node, rangeEnd: to)
        default:
            source.error(at: node, "`contexts` expects a list of token counts (`[4K, 50_000, 1M]`) or a range `{from: 4K, to: 1M, steps: 24, scale: log}`, found \(node.kindName)")
            return nil
        }
    }

    private func contextRange(_ map: MapReader) -> ContextRange? {
        for key in ["from", "to", "steps"] where !map.has(key) { map.missing(key, "a `contexts` range") }
        let from = map.tokens("from"), to = map.tokens("to"), steps = map.integer("steps")
        let scale = map.choice("scale", ContextRange.Scale.allCases.map(\.rawValue)).flatMap(ContextRange.Scale.init(rawValue:))
        if map.has("scale"), scale == nil { return nil }
        guard let from, let to, let steps else { return nil }
        if from > to {
            source.error(at: map.value("to")!, "`to` (\(Units.written(to))) is below `from` (\(Units.written(from))): a range runs upwards")
            return nil
        }
        if steps == 1, from != to {
            source.error(at: map.value("steps")!, "one step cannot include both ends: `steps` must be at least 2 (or make `from` equal `to`)")
            return nil
        }
        return ContextRange(from: from, to: to, steps: steps, scale: scale ?? .log)
    }

    /// A positive token count written as a list item (`4K`, `50_000`).
    func tokenCount(_ node: Node, what: String) -> Int? {
        guard let text = node.scalarText, !text.isEmpty, text != "~", text != "null" else {
            source.error(at: node, "\(what) must be a token count such as 4096, 4K or 1M, found \(node.kindName)")
            return nil
        }
        do {
            let tokens = try Units.tokenValue(text)
            guard tokens > 0 else {
                source.error(at: node, "\(what) must be positive, got \(text)")
                return nil
            }
            guard ValueRange.tokens.contains(tokens) else {
                source.error(at: node, "\(what) must be \(ValueRange.tokens.wording), got `\(text)`")
                return nil
            }
            return Int(tokens)
        } catch {
            source.error(at: node, describe(error, what: what, expected: "a token count such as 4096, 4K or 1M", text: text))
            return nil
        }
    }
}
