import KVStudy
import KVEstimator
import Yams

extension StudyReader {
    /// `references`: a list of figures published elsewhere, each naming a quantity (an
    /// `estimate --json` key), a context, the value and its source; entries default to the first
    /// model, hardware and compression and must name the study's own.
    func references(_ study: MapReader, models: EntryList<Model>?, hardware: EntryList<Hardware>?,
                    compressions: EntryList<Compression>?) -> [Reference]? {
        guard let node = study.value("references") else { return nil }
        guard case .sequence(let items) = node else {
            source.error(at: node, "`references` expects a list of published figures, found \(node.kindName)")
            return nil
        }
        return items.compactMap { item -> Reference? in
            guard let map = MapReader(item, schema: Schema.reference, source: source, what: "a reference") else { return nil }
            for key in ["quantity", "context", "value", "source"] where !map.has(key) { map.missing(key, "a reference") }
            let quantity = map.choice("quantity", Reference.quantities)
            let context = map.tokens("context")
            let value = quantity.map { $0.hasSuffix("_bytes") || $0 == "kv_bytes_per_token" } == true ? map.bytes("value") : map.number("value")
            let text = map.string("source")
            let names = [("model", models?.names), ("hardware", hardware?.names), ("compression", compressions?.names)]
            var chosen: [String: String] = [:]
            for (key, list) in names {
                guard let (name, nameNode) = map.text(key) else { continue }
                if let list, !list.contains(name) {
                    source.error(at: nameNode, "`\(name)` is not one of the study's \(key == "hardware" ? "hardware entries" : key + "s")\(didYouMean(name, among: list))")
                    continue
                }
                chosen[key] = name
            }
            guard let quantity, let context, let value, let text else { return nil }
            return Reference(quantity: quantity, context: context, value: value, source: text, note: map.string("note") ?? "",
                             model: chosen["model"], hardware: chosen["hardware"], compression: chosen["compression"])
        }
    }
}
