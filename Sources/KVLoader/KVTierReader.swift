import KVStudy
import KVEstimator
import Yams

extension Schema {
    public static let kvTiers = MapSchema(title: "kv_tiers", keys: [
        KeySpec("tiers", "list of tiers", "required", "Places below HBM a returning session's KV comes back from, fastest first: presets (\(KVTierCatalog.names.map { "`\($0)`" }.joined(separator: ", "))), presets with overrides (`{preset: nvme-gen5, capacity: 30 TB}`) or inline definitions; names must be unique."),
        KeySpec("new_tokens", "tokens", "512", "u: new tokens a returning turn adds to its n cached ones (n is each of the study's contexts)."),
        KeySpec("prefix", "tokens", "—", "s: tokens of a prefix every session shares (system prompt, document, code base), kept once in HBM."),
        KeySpec("sessions", "integer", "—", "N: conversations returning to one replica; with it, each tier's LRU hit rate (Che's approximation)."),
        KeySpec("think_time", "number", "60", "Mean seconds between two turns of one conversation (exponentially distributed)."),
        KeySpec("target_hit_rate", "fraction", "0.9", "The hit rate the smallest sufficient tier capacity is sized for."),
        KeySpec("overlap", KVLoadOverlap.allCases.map(\.rawValue).joined(separator: " | "), "layerwise", "`layerwise`: layer l + 1's KV loads while layer l computes (LMCache, Mooncake); `none`: the whole KV arrives first."),
    ])

    public static let kvTier = MapSchema(title: "kv_tiers.tiers (one tier)", keys: [
        KeySpec("name", "string", "the preset's", "Identifier in tables and JSON."),
        KeySpec("preset", "catalog tier", "—", "Start from a catalog tier and override the keys given."),
        KeySpec("label", "string", "name", "Display name in reports."),
        KeySpec("capacity", "bytes", "host DRAM: the hardware's `host_memory`; else unbounded", "Bytes the tier holds per GPU."),
        KeySpec("read", "bandwidth", "host DRAM: the host link", "Read bandwidth per GPU; a read runs at min(read, host_link)."),
        KeySpec("write", "bandwidth", "host DRAM: the host link", "Write bandwidth per GPU (offloading a session after its turn)."),
        KeySpec("link", "string", "\"host link\"", "What carries the bytes to the GPU."),
        KeySpec("source", "string", "\"\"", "Datasheet the figures come from."),
    ])
}

/// The built-in KV tiers (`Resources/kv-tiers.yaml`), read with the same reader as a study's
/// inline tiers.
public enum KVTierCatalog {
    public static let text = String(decoding: PackageResources.kv_tiers_yaml, as: UTF8.self)

    /// The presets; a problem in the file is a defect of kvplan that `diagnostics` shows (and a test checks).
    public static let tiers: [KVTier] = read(text, path: "catalog/kv-tiers.yaml", log: DiagnosticLog())

    /// What reading the built-in tiers reports: nothing, unless the file is broken.
    public static func diagnostics() -> [Diagnostic] {
        let log = DiagnosticLog()
        _ = read(text, path: "catalog/kv-tiers.yaml", log: log)
        return log.diagnostics
    }

    static var names: [String] { tiers.map(\.name) }

    static func read(_ text: String, path: String, log: DiagnosticLog) -> [KVTier] {
        let source = YAMLSource(path: path, text: text, log: log)
        guard let root = source.compose(text, resolver: .basic), case .sequence(let nodes) = root else { return [] }
        var tiers: [KVTier] = []
        for node in nodes {
            if let tier = KVTierReader(source: source, presets: tiers, isCatalog: true).tier(node) { tiers.append(tier) }
        }
        return tiers
    }
}

/// Reads a study's `kv_tiers` block (and the catalog's tier entries).
struct KVTierReader {
    let source: YAMLSource
    var presets: [KVTier] = KVTierCatalog.tiers
    /// The catalog defines host DRAM itself (a tier without `read`); a study starts from its preset.
    var isCatalog = false

    func placement(_ map: MapReader) -> KVPlacement? {
        guard let block = map.map("kv_tiers", Schema.kvTiers) else { return nil }
        if !block.has("tiers") { block.missing("tiers", "`kv_tiers`") }
        let tiers = tierList(block)
        let newTokens = block.tokens("new_tokens"), prefix = block.tokens("prefix")
        let sessions = block.integer("sessions"), think = block.number("think_time")
        let target = block.fraction("target_hit_rate")
        let overlap = block.choice("overlap", KVLoadOverlap.allCases.map(\.rawValue)).flatMap(KVLoadOverlap.init(rawValue:))
        if let target, target >= 1 {
            source.error(at: block.location(of: "target_hit_rate"), "`target_hit_rate` must be below 1: an LRU reaches 1 only by holding every session")
            return nil
        }
        if block.has("think_time"), !block.has("sessions") {
            source.error(at: block.location(of: "think_time"), "`think_time` needs `sessions`: the population of conversations that return after it")
            return nil
        }
        guard let tiers else { return nil }
        let population = sessions.map { SessionPopulation(sessions: $0, thinkSeconds: think ?? 60) }
        return KVPlacement(tiers: tiers, newTokens: newTokens ?? 512, prefixTokens: prefix, population: population,
                           targetHitRate: target ?? 0.9, overlap: overlap ?? .layerwise)
    }

    /// The `tiers` list, each name once.
    private func tierList(_ block: MapReader) -> [KVTier]? {
        guard let node = block.value("tiers") else { return nil }
        guard case .sequence(let items) = node, !items.isEmpty else {
            source.error(at: node, "`tiers` expects a non-empty list of tiers (preset names such as \(presets.map { "`\($0.name)`" }.joined(separator: ", ")), `{preset: …}` maps or inline definitions), found \(node.kindName)")
            return nil
        }
        var tiers: [KVTier] = []
        var lines: [String: Int] = [:]
        var complete = true
        for item in items {
            guard let tier = tier(item) else { complete = false; continue }
            if let line = lines[tier.name] {
                source.error(at: item, "duplicate tier `\(tier.name)` (also at line \(line)): give one of them a distinct `name`")
                complete = false
                continue
            }
            lines[tier.name] = source.location(of: item).line
            tiers.append(tier)
        }
        return complete ? tiers : nil
    }

    /// One tier: a preset's name, or a map that may start from a `preset`.
    func tier(_ node: Node) -> KVTier? {
        if let name = node.scalarText { return preset(name, at: node) }
        guard let map = MapReader(node, schema: Schema.kvTier, source: source, what: "a KV tier") else { return nil }
        let capacity = map.bytes("capacity"), read = map.bandwidth("read"), write = map.bandwidth("write")
        let name = map.string("name"), label = map.string("label"), link = map.string("link"), sourceText = map.string("source")
        var tier: KVTier
        if map.has("preset") {
            guard let (presetName, presetNode) = map.text("preset"), let base = preset(presetName, at: presetNode) else { return nil }
            tier = base
            if let name { tier.name = name; tier.label = label ?? name }
        } else {
            guard let name else {
                if !map.has("name") { map.missing("name", "a KV tier") }
                return nil
            }
            // An inline tier is a device of its own: without `read` it would silently be host DRAM.
            guard map.has("read") || isCatalog else {
                map.missing("read", "a KV tier (its read bandwidth; host DRAM is the `host-dram` preset)")
                return nil
            }
            tier = KVTier(name: name)
        }
        if let label { tier.label = label }
        if let capacity { tier.capacityBytes = capacity }
        if let read { tier.readBytesPerSecond = read }
        if let write { tier.writeBytesPerSecond = write }
        if let link { tier.link = link }
        if let sourceText { tier.source = sourceText }
        // Values that failed to read have been reported.
        if (map.has("capacity") && capacity == nil) || (map.has("read") && read == nil) || (map.has("write") && write == nil) { return nil }
        return tier
    }

    private func preset(_ name: String, at node: Node) -> KVTier? {
        if let tier = presets.first(where: { $0.name == name }) { return tier }
        let names = presets.map(\.name)
        source.error(at: node, "unknown KV tier preset `\(EchoedText.elided(EchoedText.escaped(name)))`\(didYouMean(name, among: names)); the presets are \(names.joined(separator: ", "))")
        return nil
    }

    /// Pairs each tier with each hardware entry: host DRAM needs a capacity from the tier or from
    /// the hardware's `host_memory`; a shared prefix must be shorter than the longest context.
    func check(_ placement: KVPlacement, hardware: [Hardware], contexts: [Int], _ map: MapReader) {
        guard let block = map.map("kv_tiers", Schema.kvTiers), case .sequence(let items)? = block.value("tiers") else { return }
        for (tier, item) in zip(placement.tiers, items) where tier.isHostMemory && tier.capacityBytes == nil {
            for entry in hardware where entry.hostMemoryBytes == nil {
                source.error(at: item, "tier `\(tier.name)` is host DRAM with no capacity, and hardware `\(entry.name)` states no `host_memory`: give the tier a `capacity` (per GPU, e.g. `{preset: \(tier.name), capacity: 512 GB}`) or the hardware a `host_memory`")
                break
            }
        }
        if let prefix = placement.prefixTokens, let longest = contexts.last, prefix >= longest {
            source.error(at: block.location(of: "prefix"), "`prefix` of \(Units.written(prefix)) tokens is not shorter than the study's longest context, \(Units.written(longest)) tokens: a session needs tokens of its own beyond the shared prefix")
        }
    }
}
