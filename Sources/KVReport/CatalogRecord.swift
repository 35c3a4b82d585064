import KVEstimator

/// Catalog entries as JSON objects and terminal tables (`kvplan catalog`).
public enum CatalogRecord {
    public static func model(_ model: Model) -> JSONValue {
        let parameters = ParameterCounts(model: model)
        var fields: [(String, JSONValue)] = [
            ("name", .string(model.name)), ("label", .string(model.label)),
            ("layers", .integer(model.layers)), ("hidden", .integer(model.hidden)),
            ("heads", .integer(model.heads)), ("kv_heads", .integer(model.kvHeads)),
            ("head_dim", .integer(model.headDim)), ("ffn", .integer(model.ffn)), ("vocab", .integer(model.vocab)),
            ("tied_embeddings", .bool(model.tiedEmbeddings)), ("max_context", model.maxContext.map { .integer($0) } ?? .null),
            ("layer_pattern", .string(model.attention.effectivePattern)),
            ("total_params", .finite(parameters.total)), ("active_params", .finite(parameters.active)),
            ("computed_params", .finite(parameters.computedTotal)),
        ]
        if let moe = model.moe {
            fields.append(("moe", .object([("experts", .integer(moe.experts)), ("active", .integer(moe.active)),
                                            ("shared", .integer(moe.shared)), ("expert_ffn", .integer(moe.expertFFN))])))
        }
        if model.mla != nil { fields.append(("mla", .bool(true))) }
        fields += [("source", .string(model.source)), ("notes", .string(model.notes))]
        return .object(fields)
    }

    public static func hardware(_ hardware: Hardware) -> JSONValue {
        .object([
            ("name", .string(hardware.name)), ("label", .string(hardware.label)), ("gpus", .integer(hardware.gpus)),
            ("hbm_bytes", .finite(hardware.hbmBytes)), ("hbm_bytes_per_second", .finite(hardware.hbmBytesPerSecond)),
            ("bf16_flops_per_second", .finite(hardware.flopsPerSecond.bf16)),
            ("fp8_flops_per_second", .finite(hardware.flopsPerSecond.fp8)),
            ("host_link", .string(hardware.hostLink.name)),
            ("host_link_bytes_per_second", .finite(hardware.hostLink.bytesPerSecond)),
            ("host_memory_bytes", .finite(hardware.hostMemoryBytes)),
            ("network_bytes_per_second", .finite(hardware.networkBytesPerSecond)),
            ("source", .string(hardware.source)), ("notes", .string(hardware.notes)),
        ])
    }

    public static func compression(_ compression: Compression) -> JSONValue {
        .object([
            ("name", .string(compression.name)), ("label", .string(compression.label)), ("axis", .string(compression.axis)),
            ("layer_share", compression.layerShare.map { .integer($0) } ?? .null),
            ("kv_layers", .finite(compression.kvLayers)),
            ("retrieval_heads", .finite(compression.retrievalHeads)),
            ("streaming_window", compression.streamingWindow.map { .integer($0) } ?? .null),
            ("token_keep", .finite(compression.tokenKeep)),
            ("token_budget", compression.tokenBudget.map { .integer($0) } ?? .null),
            ("kv_bits", .finite(compression.kvBits)),
            ("group_size", compression.groupSize.map { .integer($0) } ?? .null),
            ("residual_tokens", compression.residualTokens.map { .integer($0) } ?? .null),
            ("kv_rank", .finite(compression.kvRank)),
            ("citation", .string(compression.citation)), ("notes", .string(compression.notes)),
        ])
    }

    /// The terminal listing of one kind (`models`, `hardware`, `compression`).
    public static func table(_ kind: String, _ catalog: (models: [Model], hardware: [Hardware], compressions: [Compression])) -> String {
        let format = Format()
        switch kind {
        case "models":
            return TextTable(
                headers: ["model", "params", "active", "layers", "heads/kv", "KV at 128K (bf16)", "max context", "source"],
                rows: catalog.models.map { model in
                    let parameters = ParameterCounts(model: model)
                    let kv = KVBytesPerToken.bf16(model)
                    return [model.name, "\(Format.fixed(parameters.total / 1e9, significant: 3))B",
                            "\(Format.fixed(parameters.active / 1e9, significant: 3))B", String(model.layers),
                            model.mla == nil ? "\(model.heads)/\(model.kvHeads)" : "\(model.heads)/MLA",
                            format.bytes(kv), model.maxContext.map(Format.integer) ?? "—", model.source]
                },
                rightAligned: [1, 2, 3, 5, 6]).text
        case "hardware":
            return TextTable(
                headers: ["hardware", "HBM", "HBM bw", "bf16", "host link", "source"],
                rows: catalog.hardware.map { hw in
                    [hw.name, format.bytes(hw.hbmBytes) + " (\(Format(sizeUnits: .binary).bytes(hw.hbmBytes)))",
                     "\(Format.fixed(hw.hbmBytesPerSecond / 1e9, significant: 4)) GB/s",
                     "\(Format.fixed(hw.flopsPerSecond.bf16 / 1e12, significant: 4)) TFLOP/s",
                     "\(hw.hostLink.name) \(Format.fixed(hw.hostLink.bytesPerSecond / 1e9, significant: 3)) GB/s", hw.source]
                },
                rightAligned: [1, 2, 3]).text
        default:
            return TextTable(
                headers: ["compression", "axis", "settings", "citation"],
                rows: catalog.compressions.map { [$0.name, $0.axis, CompressionSummary.settings($0), $0.citation] },
                rightAligned: []).text
        }
    }
}

/// A compression's settings in one line: `2 bits, group 32, 128 recent tokens at full precision`.
public enum CompressionSummary {
    public static func settings(_ c: Compression) -> String {
        var parts: [String] = []
        if let s = c.layerShare { parts.append("\(s) layers share one KV") }
        if let f = c.kvLayers { parts.append("\(Format.fixed(f * 100, significant: 3))% of layers keep KV") }
        if let r = c.retrievalHeads {
            parts.append("\(Format.fixed(r * 100, significant: 3))% retrieval heads, others \(c.streamingWindow.map(Format.integer) ?? "?") tokens")
        }
        if let k = c.tokenKeep { parts.append("keep \(Format.fixed(k * 100, significant: 3))% of tokens") }
        if let b = c.tokenBudget { parts.append("budget \(Format.integer(b)) tokens") }
        if let bits = c.kvBits {
            var text = "\(Format.fixed(bits, significant: 2))-bit KV"
            if let g = c.groupSize { text += ", group \(g)" }
            if let r = c.residualTokens, r > 0 { text += ", \(r) recent tokens at full precision" }
            parts.append(text)
        }
        if let r = c.kvRank { parts.append("rank × \(Format.fixed(r, significant: 2))") }
        return parts.isEmpty ? "no compression" : parts.joined(separator: "; ")
    }
}
