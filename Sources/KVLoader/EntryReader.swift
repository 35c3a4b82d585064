import KVStudy
import KVEstimator
import Yams

/// Reads model, hardware and compression entries — the same keys in catalog files and in a
/// study's inline definitions (SPEC §4) — from maps, with catalog presets and overrides.
struct EntryReader {
    let source: YAMLSource
    let catalog: Catalog

    /// An entry written as a preset's name, or as a map of keys that may start from a `preset`:
    /// the preamble models and hardware share.
    private func entry<Entry: CatalogEntry>(
        _ node: Node, in presets: [Entry], kind: String, schema: MapSchema, what: String,
        read: (MapReader, Entry?) -> Entry?
    ) -> Entry? {
        if let name = node.scalarText { return preset(name, at: node, in: presets, kind: kind) }
        guard let map = MapReader(node, schema: schema, source: source, what: what) else { return nil }
        guard map.has("preset") else { return read(map, nil) }
        guard let (name, presetNode) = map.text("preset"), let base = preset(name, at: presetNode, in: presets, kind: kind) else { return nil }
        return read(map, base)
    }

    // MARK: Models

    func model(_ node: Node) -> Model? {
        entry(node, in: catalog.models, kind: "model", schema: Schema.model, what: "a model", read: model)
    }

    /// A model from a map of keys, over the preset it names (`base`) if any.
    private func model(_ map: MapReader, base: Model?) -> Model? {
        let layers = map.integer("layers"), hidden = map.integer("hidden"), heads = map.integer("heads")
        let ffn = map.integer("ffn"), vocab = map.integer("vocab"), maxContext = map.tokens("max_context")
        let kvHeads = map.integer("kv_heads"), headDim = map.integer("head_dim")
        let moe = map.map("moe", Schema.moe).flatMap(readMoE)
        let mla = map.map("mla", Schema.mla).flatMap(readMLA)
        let ssm = map.map("ssm", Schema.ssm).flatMap(readSSM)
        let attention = map.map("attention", Schema.attention).map(readAttention)
        let params = map.number("params"), activeParams = map.number("active_params")
        let tied = map.bool("tied_embeddings")
        let name = map.string("name"), label = map.string("label")
        let sourceText = map.string("source"), notes = map.string("notes")

        var model: Model
        if let base {
            model = base
            if let name { model.name = name; model.label = label ?? name }
            if layers != nil, params == nil { model.declaredParams = nil; model.declaredActiveParams = nil }
        } else {
            let mlaDefaults = mla != nil
            var complete = true
            for (key, value) in [("name", name as Any?), ("layers", layers), ("hidden", hidden), ("heads", heads),
                                 ("ffn", ffn), ("vocab", vocab)]
                + (mlaDefaults ? [] : [("kv_heads", kvHeads as Any?), ("head_dim", headDim)]) where value == nil {
                if !map.has(key) { map.missing(key, "a model") }
                complete = false
            }
            // `max_context` is optional: a model of one's own often has no advertised maximum.
            guard complete, let name, let layers, let hidden, let heads, let ffn, let vocab,
                  !map.has("max_context") || maxContext != nil else { return nil }
            model = Model(
                name: name, layers: layers, hidden: hidden, heads: heads, kvHeads: kvHeads ?? heads,
                headDim: headDim ?? mla.map { $0.qkHeadDim } ?? 1, ffn: ffn, vocab: vocab, maxContext: maxContext)
        }
        if let label { model.label = label }
        if let layers { model.layers = layers }
        if let hidden { model.hidden = hidden }
        if let heads { model.heads = heads }
        if let kvHeads { model.kvHeads = kvHeads }
        if let headDim { model.headDim = headDim }
        if let ffn { model.ffn = ffn }
        if let vocab { model.vocab = vocab }
        if let tied { model.tiedEmbeddings = tied }
        if let maxContext { model.maxContext = maxContext }
        if let params { model.declaredParams = params }
        if let activeParams { model.declaredActiveParams = activeParams }
        if let moe { model.moe = moe }
        if let mla { model.mla = mla }
        if let ssm { model.ssm = ssm }
        if let attention { model.attention = attention }
        if let sourceText { model.source = sourceText }
        if let notes { model.notes = notes }
        // Nested maps that failed to read have been reported; do not pile on validation errors.
        if (map.has("moe") && moe == nil) || (map.has("mla") && mla == nil) || (map.has("ssm") && ssm == nil) { return nil }
        return validated(model, map) { (entry: Model) throws(EstimatorInputError) in try entry.validate() }
    }

    private func readMoE(_ map: MapReader) -> MixtureOfExperts? {
        let experts = map.integer("experts"), active = map.integer("active"), expertFFN = map.integer("expert_ffn")
        let shared = map.integer("shared", allowZero: true), dense = map.integer("dense_layers", allowZero: true)
        let every = map.integer("every")
        for key in ["experts", "active", "expert_ffn"] where !map.has(key) { map.missing(key, "`moe`") }
        guard let experts, let active, let expertFFN else { return nil }
        return MixtureOfExperts(experts: experts, active: active, shared: shared ?? 0, expertFFN: expertFFN,
                                denseLayers: dense ?? 0, every: every ?? 1)
    }

    private func readMLA(_ map: MapReader) -> MultiHeadLatentAttention? {
        let q = map.integer("q_lora_rank", allowZero: true), kv = map.integer("kv_lora_rank")
        let nope = map.integer("qk_nope_head_dim"), rope = map.integer("qk_rope_head_dim", allowZero: true)
        let v = map.integer("v_head_dim")
        for key in ["kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim"] where !map.has(key) {
            map.missing(key, "`mla`")
        }
        guard let kv, let nope, let rope, let v else { return nil }
        return MultiHeadLatentAttention(qLoraRank: q ?? 0, kvLoraRank: kv, qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: v)
    }

    private func readSSM(_ map: MapReader) -> StateSpace? {
        let state = map.integer("d_state"), conv = map.integer("d_conv"), expand = map.integer("expand")
        for key in ["d_state", "d_conv", "expand"] where !map.has(key) { map.missing(key, "`ssm`") }
        guard let state, let conv, let expand else { return nil }
        return StateSpace(dState: state, dConv: conv, expand: expand)
    }

    private func readAttention(_ map: MapReader) -> AttentionLayout {
        AttentionLayout(slidingWindow: map.tokens("sliding_window"), chunkSize: map.tokens("chunk_size"),
                        layerPattern: map.string("layer_pattern"))
    }

    // MARK: Hardware

    func hardware(_ node: Node) -> Hardware? {
        entry(node, in: catalog.hardware, kind: "hardware", schema: Schema.hardware, what: "a hardware entry", read: hardware)
    }

    /// A hardware entry from a map of keys, over the preset it names (`base`) if any.
    private func hardware(_ map: MapReader, base: Hardware?) -> Hardware? {
        let gpus = map.integer("gpus"), hbm = map.bytes("hbm"), bandwidth = map.bandwidth("hbm_bandwidth")
        let flops = readFLOPs(map), link = readHostLink(map)
        let duplex = map.choice("duplex", Duplex.allCases.map(\.rawValue)).flatMap(Duplex.init(rawValue:))
        let hostMemory = map.bytes("host_memory"), interconnect = map.bandwidth("interconnect")
        let network = map.bandwidth("network"), price = map.number("price_per_hour")
        let pp = map.integer("pp"), ep = map.integer("ep"), gpusPerNode = map.integer("gpus_per_node")
        let attentionParallel = map.choice("attention_parallel", AttentionParallel.allCases.map(\.rawValue)).flatMap(AttentionParallel.init(rawValue:))
        let efficiency = map.map("efficiency", Schema.efficiency).map(readEfficiency)
        let name = map.string("name"), label = map.string("label")
        let sourceText = map.string("source"), notes = map.string("notes")

        var hardware: Hardware
        if let base {
            hardware = base
            if let gpus, gpus > 1 {
                hardware.label = "\(gpus)× \(base.label)"
                if name == nil { hardware.name = "\(base.name)-x\(gpus)" }
            }
        } else {
            var complete = true
            for (key, value) in [("name", name as Any?), ("hbm", hbm), ("hbm_bandwidth", bandwidth), ("flops", flops),
                                 ("host_link", link)] where value == nil {
                if !map.has(key) { map.missing(key, "a hardware entry") }
                complete = false
            }
            guard complete, let name, let hbm, let bandwidth, let flops, let link else { return nil }
            hardware = Hardware(name: name, hbmBytes: hbm, hbmBytesPerSecond: bandwidth, flopsPerSecond: flops, hostLink: link)
        }
        if let name { hardware.name = name; if base == nil { hardware.label = name } }
        if let label { hardware.label = label }
        if let gpus { hardware.gpus = gpus }
        if let hbm { hardware.hbmBytes = hbm }
        if let bandwidth { hardware.hbmBytesPerSecond = bandwidth }
        if let flops { hardware.flopsPerSecond = flops }
        if let link { hardware.hostLink = link }
        if let duplex { hardware.hostLink.duplex = duplex }
        if let hostMemory { hardware.hostMemoryBytes = hostMemory }
        if let interconnect { hardware.interconnectBytesPerSecond = interconnect }
        if let network { hardware.networkBytesPerSecond = network }
        if let price { hardware.pricePerHour = price }
        if let pp { hardware.parallel.pipelineStages = pp }
        if let ep { hardware.parallel.expertParallel = ep }
        if let attentionParallel { hardware.parallel.attention = attentionParallel }
        if let gpusPerNode { hardware.gpusPerNode = gpusPerNode }
        if let efficiency { hardware.efficiency = efficiency }
        if let sourceText { hardware.source = sourceText }
        if let notes { hardware.notes = notes }
        return validated(hardware, map) { (entry: Hardware) throws(EstimatorInputError) in try entry.validate() }
    }

    private func readFLOPs(_ map: MapReader) -> PeakFLOPs? {
        guard let node = map.value("flops") else { return nil }
        if node.scalarText != nil { return map.flops("flops").map { PeakFLOPs(bf16: $0) } }
        guard let rates = map.map("flops", Schema.flops) else { return nil }
        let bf16 = rates.flops("bf16")
        let result = PeakFLOPs(bf16: bf16 ?? 0, fp8: rates.flops("fp8"), int8: rates.flops("int8"), fp4: rates.flops("fp4"))
        if !rates.has("bf16") { rates.missing("bf16", "`flops`") }
        return bf16 == nil ? nil : result
    }

    private func readHostLink(_ map: MapReader) -> HostLink? {
        guard let node = map.value("host_link") else { return nil }
        if let text = node.scalarText {
            if let named = Units.hostLinks[text] { return HostLink(name: named.label, bytesPerSecond: named.bytesPerSecond) }
            if text.first?.isLetter == true {
                map.source.error(at: node, "unknown host link `\(text)`; use one of \(Units.hostLinks.keys.sorted().joined(separator: ", ")) or a bandwidth such as 32 GB/s\(didYouMean(text, among: Units.hostLinks.keys.sorted()))")
                return nil
            }
            return map.bandwidth("host_link").map { HostLink(name: "host link (\(text))", bytesPerSecond: $0) }
        }
        guard let link = map.map("host_link", Schema.hostLink) else { return nil }
        if !link.has("bandwidth") { link.missing("bandwidth", "`host_link`") }
        return link.bandwidth("bandwidth").map { HostLink(name: link.string("name") ?? "host link", bytesPerSecond: $0) }
    }

    private func readEfficiency(_ map: MapReader) -> Efficiency {
        Efficiency(matmul: map.fraction("matmul") ?? 1, attention: map.fraction("attention") ?? 1,
                   memory: map.fraction("memory") ?? 1, link: map.fraction("link") ?? 1,
                   kernelOverheadSecondsPerLayer: map.number("kernel_overhead") ?? 0)
    }

    // MARK: Compression

    func compression(_ node: Node) -> Compression? {
        if let name = node.scalarText { return compressionPreset(name, at: node) }
        guard let map = MapReader(node, schema: Schema.compression, source: source, what: "a compression entry") else { return nil }
        var compression: Compression
        if map.has("preset") {
            guard let (name, presetNode) = map.text("preset"), let found = compressionPreset(name, at: presetNode) else { return nil }
            compression = found
        } else {
            guard let name = map.string("name") else {
                if !map.has("name") { map.missing("name", "a compression entry") }
                return nil
            }
            compression = Compression(name: name)
        }
        if let name = map.string("name") { compression.name = name; compression.label = name }
        if let label = map.string("label") { compression.label = label }
        if let axis = map.string("axis") { compression.axis = axis }
        if let value = map.integer("layer_share") { compression.layerShare = value }
        if let value = map.fraction("kv_layers") { compression.kvLayers = value }
        if let value = map.fraction("retrieval_heads") { compression.retrievalHeads = value }
        if let value = map.tokens("streaming_window") { compression.streamingWindow = value }
        if let value = map.fraction("token_keep") { compression.tokenKeep = value }
        if let value = map.tokens("token_budget") { compression.tokenBudget = value }
        if let value = map.tokens("recent_window") { compression.recentWindow = value }
        if let value = map.bool("prompt_only") { compression.promptOnly = value }
        if let value = map.number("kv_bits") { compression.kvBits = value }
        if let value = map.integer("group_size") { compression.groupSize = value }
        if let value = map.integer("residual_tokens", allowZero: true) { compression.residualTokens = value }
        if let value = map.fraction("kv_rank") { compression.kvRank = value }
        if let value = map.string("citation") { compression.citation = value }
        if let value = map.string("notes") { compression.notes = value }
        return validated(compression, map) { (entry: Compression) throws(EstimatorInputError) in try entry.validate() }
    }

    /// A preset name, or several joined by `+` (`kivi-2bit+h2o-20`) combined across axes.
    private func compressionPreset(_ text: String, at node: Node) -> Compression? {
        var result: Compression?
        for part in text.split(separator: "+").map({ String($0).trimmingSpaces }) {
            guard let next = preset(part, at: node, in: catalog.compressions, kind: "compression") else { return nil }
            do {
                result = try result.map { previous throws(EstimatorInputError) in try previous.combined(with: next) } ?? next
            } catch {
                source.error(at: node, "cannot combine `\(text)`: \(error.message)")
                return nil
            }
        }
        if result == nil { source.error(at: node, "empty compression name") }
        return result
    }

    // MARK: Shared

    /// A catalog entry by name, or an error with the closest name.
    func preset<Entry: CatalogEntry>(_ name: String, at node: Node, in entries: [Entry], kind: String) -> Entry? {
        if let entry = entries.first(where: { $0.name == name }) { return entry }
        guard name.unicodeScalars.count <= TextLimit.name else {
            source.error(at: node, "unknown \(kind) preset: a name of \(Units.written(name.unicodeScalars.count)) characters, longer than any (at most \(TextLimit.name)); `kvplan catalog` lists them")
            return nil
        }
        let names = entries.map(\.name)
        source.error(at: node, "unknown \(kind) preset `\(name)`\(didYouMean(name, among: names)); `kvplan catalog` lists them")
        return nil
    }

    /// Runs the estimator's own checks, locating a failure at the key it names.
    private func validated<T>(_ value: T, _ map: MapReader, _ check: (T) throws(EstimatorInputError) -> Void) -> T? {
        do {
            try check(value)
            return value
        } catch {
            source.error(at: map.location(ofPath: error.field), "\(error.field) \(error.message)")
            return nil
        }
    }
}

/// What catalog lookups need of an entry.
public protocol CatalogEntry { var name: String { get } }
extension Model: CatalogEntry {}
extension Hardware: CatalogEntry {}
extension Compression: CatalogEntry {}
