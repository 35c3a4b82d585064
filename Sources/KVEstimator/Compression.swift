/// A KV-cache compression technique along the paper's four axes, applied after prefill (prefill
/// FLOPs and the prefill memory peak are unchanged). Unset fields leave that axis alone, so
/// techniques on different axes compose by merging (`combined(with:)`).
public struct Compression: Sendable, Equatable {
    public var name: String
    public var label: String
    /// Layer axis: `s` adjacent layers share one KV (Cross-Layer Attention, Brandon et al. 2024).
    public var layerShare: Int?
    /// Layer axis: fraction of layers that keep a KV cache.
    public var kvLayers: Double?
    /// Head axis: fraction of heads that keep full KV; the rest keep `streamingWindow` tokens
    /// (retrieval heads, Wu et al. 2024; DuoAttention, Xiao et al. 2024).
    public var retrievalHeads: Double?
    public var streamingWindow: Int?
    /// Token axis: kept = `min(n, max(budget, keep·n))` (H2O, SnapKV, StreamingLLM).
    public var tokenKeep: Double?
    public var tokenBudget: Int?
    public var recentWindow: Int?
    /// Token axis: the prompt is evicted once, after prefill, and every generated token is kept, so
    /// the cache grows by one token per output token (SnapKV, Li et al. 2024; H2O and StreamingLLM
    /// instead evict as they go).
    public var promptOnly: Bool = false
    /// Hidden axis: bits per KV element; a group of `groupSize` elements adds an fp16 scale and
    /// zero point (32/groupSize bits per element); the last `residualTokens` stay at full precision (KIVI).
    public var kvBits: Double?
    public var groupSize: Int?
    public var residualTokens: Int?
    /// Hidden axis: fraction of the KV rank kept by a low-rank projection (Palu).
    public var kvRank: Double?
    public var axis: String
    public var citation: String
    public var notes: String

    public init(
        name: String, label: String? = nil, layerShare: Int? = nil, kvLayers: Double? = nil,
        retrievalHeads: Double? = nil, streamingWindow: Int? = nil, tokenKeep: Double? = nil,
        tokenBudget: Int? = nil, recentWindow: Int? = nil, promptOnly: Bool = false, kvBits: Double? = nil, groupSize: Int? = nil,
        residualTokens: Int? = nil, kvRank: Double? = nil, axis: String = "", citation: String = "", notes: String = ""
    ) {
        self.name = name
        self.label = label ?? name
        self.layerShare = layerShare
        self.kvLayers = kvLayers
        self.retrievalHeads = retrievalHeads
        self.streamingWindow = streamingWindow
        self.tokenKeep = tokenKeep
        self.tokenBudget = tokenBudget
        self.recentWindow = recentWindow
        self.promptOnly = promptOnly
        self.kvBits = kvBits
        self.groupSize = groupSize
        self.residualTokens = residualTokens
        self.kvRank = kvRank
        self.axis = axis
        self.citation = citation
        self.notes = notes
    }

    /// No compression: the baseline.
    public static let none = Compression(name: "none", axis: "none", citation: "no compression")

    /// The paper's four axes, and the fields that compress along each. Two techniques on one axis
    /// do not compose by merging fields: SnapKV's budget and H2O's ratio both pick the tokens to
    /// keep, and the result of applying one after the other is neither formula.
    static let axes: [(axis: String, fields: [String])] = [
        ("layer", ["layer_share", "kv_layers"]),
        ("head", ["retrieval_heads", "streaming_window"]),
        ("token", ["token_keep", "token_budget", "recent_window"]),
        ("hidden (quantization)", ["kv_bits", "group_size", "residual_tokens"]),
        ("hidden (rank)", ["kv_rank"]),
    ]

    /// The study-format fields this technique sets.
    var setFields: Set<String> {
        var fields: Set<String> = []
        if layerShare != nil { fields.insert("layer_share") }
        if kvLayers != nil { fields.insert("kv_layers") }
        if retrievalHeads != nil { fields.insert("retrieval_heads") }
        if streamingWindow != nil { fields.insert("streaming_window") }
        if tokenKeep != nil { fields.insert("token_keep") }
        if tokenBudget != nil { fields.insert("token_budget") }
        if recentWindow != nil { fields.insert("recent_window") }
        if kvBits != nil { fields.insert("kv_bits") }
        if groupSize != nil { fields.insert("group_size") }
        if residualTokens != nil { fields.insert("residual_tokens") }
        if kvRank != nil { fields.insert("kv_rank") }
        return fields
    }

    public var isNone: Bool {
        layerShare == nil && kvLayers == nil && retrievalHeads == nil && tokenKeep == nil && tokenBudget == nil
            && kvBits == nil && kvRank == nil
    }

    public func validate() throws(EstimatorInputError) {
        if let layerShare { try Check.positive(layerShare, "layer_share") }
        if let kvLayers { try Check.fraction(kvLayers, "kv_layers") }
        if let retrievalHeads {
            try Check.fraction(retrievalHeads, "retrieval_heads")
            guard streamingWindow != nil || retrievalHeads == 1 else {
                throw EstimatorInputError(field: "streaming_window", "retrieval_heads needs the streaming_window the other heads keep")
            }
        }
        if let streamingWindow { try Check.positive(streamingWindow, "streaming_window") }
        if let tokenKeep { try Check.fraction(tokenKeep, "token_keep") }
        if let tokenBudget { try Check.positive(tokenBudget, "token_budget") }
        if let recentWindow { try Check.positive(recentWindow, "recent_window") }
        if let kvBits {
            guard kvBits.isFinite, kvBits >= 1, kvBits <= 32 else {
                throw EstimatorInputError(field: "kv_bits", "must be between 1 and 32 bits, got \(kvBits)")
            }
        }
        if let groupSize { try Check.positive(groupSize, "group_size") }
        if let residualTokens { try Check.nonNegative(residualTokens, "residual_tokens") }
        if let kvRank { try Check.fraction(kvRank, "kv_rank") }
    }

    /// Two techniques applied together (e.g. KIVI 2-bit on top of H2O). Each axis may be set by
    /// at most one of them; the error names the axis both set.
    public func combined(with other: Compression) throws(EstimatorInputError) -> Compression {
        if isNone { return other }
        if other.isNone { return self }
        let mine = setFields, theirs = other.setFields
        for (axis, fields) in Self.axes where !mine.isDisjoint(with: fields) && !theirs.isDisjoint(with: fields) {
            throw EstimatorInputError(
                field: fields.first { mine.contains($0) } ?? fields[0],
                "`\(name)` and `\(other.name)` both compress the \(axis) axis; two techniques on one axis do not compose (each decides on its own what to keep), so pick one of them or combine techniques on different axes")
        }
        func merge<T>(_ a: T?, _ b: T?, _ field: String) throws(EstimatorInputError) -> T? {
            if a != nil, b != nil {
                throw EstimatorInputError(field: field, "`\(name)` and `\(other.name)` both set \(field); combine techniques on different axes")
            }
            return a ?? b
        }
        var result = Compression(name: "\(name)+\(other.name)", label: "\(label) + \(other.label)")
        result.layerShare = try merge(layerShare, other.layerShare, "layer_share")
        result.kvLayers = try merge(kvLayers, other.kvLayers, "kv_layers")
        result.retrievalHeads = try merge(retrievalHeads, other.retrievalHeads, "retrieval_heads")
        result.streamingWindow = try merge(streamingWindow, other.streamingWindow, "streaming_window")
        result.tokenKeep = try merge(tokenKeep, other.tokenKeep, "token_keep")
        result.tokenBudget = try merge(tokenBudget, other.tokenBudget, "token_budget")
        result.recentWindow = try merge(recentWindow, other.recentWindow, "recent_window")
        result.kvBits = try merge(kvBits, other.kvBits, "kv_bits")
        result.groupSize = try merge(groupSize, other.groupSize, "group_size")
        result.residualTokens = try merge(residualTokens, other.residualTokens, "residual_tokens")
        result.kvRank = try merge(kvRank, other.kvRank, "kv_rank")
        result.promptOnly = promptOnly || other.promptOnly
        result.axis = [axis, other.axis].joined(separator: "+")
        result.citation = [citation, other.citation].joined(separator: "; ")
        result.notes = [notes, other.notes].filter { !$0.isEmpty }.joined(separator: " ")
        return result
    }
}
