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
        tokenBudget: Int? = nil, recentWindow: Int? = nil, kvBits: Double? = nil, groupSize: Int? = nil,
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
        result.axis = [axis, other.axis].joined(separator: "+")
        result.citation = [citation, other.citation].joined(separator: "; ")
        result.notes = [notes, other.notes].filter { !$0.isEmpty }.joined(separator: " ")
        return result
    }
}
