/// The architecture of a transformer, as its `config.json` states it. Field names follow the
/// study format (SPEC §4). Never derive `headDim` from `hidden / heads` (Gemma-2: 128 ≠ 144).
public struct Model: Sendable, Equatable {
    public var name: String
    public var label: String
    public var layers: Int
    public var hidden: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    /// FFN width of the dense (non-MoE) layers; gated (SwiGLU) MLPs have three matrices.
    public var ffn: Int
    public var vocab: Int
    public var tiedEmbeddings: Bool
    public var maxContext: Int?
    /// Declared parameter counts (model card), overriding the computed ones when present.
    public var declaredParams: Double?
    public var declaredActiveParams: Double?
    public var moe: MixtureOfExperts?
    public var mla: MultiHeadLatentAttention?
    public var ssm: StateSpace?
    public var attention: AttentionLayout
    public var source: String
    public var notes: String

    public init(
        name: String, label: String? = nil, layers: Int, hidden: Int, heads: Int, kvHeads: Int,
        headDim: Int, ffn: Int, vocab: Int, tiedEmbeddings: Bool = false, maxContext: Int?,
        declaredParams: Double? = nil, declaredActiveParams: Double? = nil,
        moe: MixtureOfExperts? = nil, mla: MultiHeadLatentAttention? = nil, ssm: StateSpace? = nil,
        attention: AttentionLayout = AttentionLayout(), source: String = "", notes: String = ""
    ) {
        self.name = name
        self.label = label ?? name
        self.layers = layers
        self.hidden = hidden
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.ffn = ffn
        self.vocab = vocab
        self.tiedEmbeddings = tiedEmbeddings
        self.maxContext = maxContext
        self.declaredParams = declaredParams
        self.declaredActiveParams = declaredActiveParams
        self.moe = moe
        self.mla = mla
        self.ssm = ssm
        self.attention = attention
        self.source = source
        self.notes = notes
    }

    /// Rejects shapes no real model has; the error names the offending field.
    public func validate() throws(EstimatorInputError) {
        let sizes = [(layers, "layers"), (hidden, "hidden"), (heads, "heads"), (kvHeads, "kv_heads"),
                     (headDim, "head_dim"), (ffn, "ffn"), (vocab, "vocab")]
        for (size, field) in sizes { try Check.positive(size, field) }
        if let maxContext { try Check.positive(maxContext, "max_context") }
        guard heads % kvHeads == 0 else {
            throw EstimatorInputError(
                field: "kv_heads", "\(heads) query heads do not divide into \(kvHeads) KV heads")
        }
        if let declaredParams { try Check.positive(declaredParams, "params") }
        if let declaredActiveParams { try Check.positive(declaredActiveParams, "active_params") }
        if let moe { try moe.validate(layers: layers) }
        if let mla { try mla.validate() }
        if let ssm { try ssm.validate() }
        try attention.validate(hasStateSpace: ssm != nil)
    }

    /// Tensor parallelism over `g` ranks splits the query heads, so g must divide them; the error
    /// lists the degrees that work (vLLM asserts the same: "Total number of attention heads must
    /// be divisible by tensor parallel size").
    public func validate(tensorParallel g: Int) throws(EstimatorInputError) {
        guard g > 1, heads % g != 0 else { return }
        let divisors = (1...heads).filter { heads % $0 == 0 }.map(String.init).joined(separator: ", ")
        throw EstimatorInputError(
            field: "gpus", "tensor parallelism over \(g) GPUs needs \(g) to divide the \(heads) query heads of `\(name)`; use one of \(divisors) GPUs per pipeline stage (or `pp` to split layers instead)")
    }

    /// How many layers of each kind the cyclic `layer_pattern` produces.
    public var layerCounts: LayerCounts { LayerCounts(layers: layers, pattern: attention.effectivePattern) }
}

/// Mixture-of-experts MLP layers. The first `denseLayers` layers are dense; after them every
/// `every`-th layer is MoE (layers `denseLayers + every − 1`, `denseLayers + 2·every − 1`, …).
public struct MixtureOfExperts: Sendable, Equatable {
    public var experts: Int
    public var active: Int
    public var shared: Int
    /// FFN width of one routed (and shared) expert.
    public var expertFFN: Int
    public var denseLayers: Int
    public var every: Int

    public init(experts: Int, active: Int, shared: Int = 0, expertFFN: Int, denseLayers: Int = 0, every: Int = 1) {
        self.experts = experts
        self.active = active
        self.shared = shared
        self.expertFFN = expertFFN
        self.denseLayers = denseLayers
        self.every = every
    }

    func validate(layers: Int) throws(EstimatorInputError) {
        try Check.positive(experts, "moe.experts")
        try Check.positive(active, "moe.active")
        try Check.nonNegative(shared, "moe.shared")
        try Check.positive(expertFFN, "moe.expert_ffn")
        try Check.nonNegative(denseLayers, "moe.dense_layers")
        try Check.positive(every, "moe.every")
        guard active <= experts else {
            throw EstimatorInputError(field: "moe.active", "\(active) active experts exceed the \(experts) experts")
        }
        guard denseLayers <= layers else {
            throw EstimatorInputError(field: "moe.dense_layers", "\(denseLayers) dense layers exceed the model's \(layers) layers")
        }
    }

    /// Number of MoE layers in a model of `layers` layers.
    func moeLayers(of layers: Int) -> Int { (layers - denseLayers) / every }
}

/// DeepSeek-V2/V3 multi-head latent attention: the KV cache holds one latent of
/// `kvLoraRank + qkRopeHeadDim` elements per token per layer (DeepSeek-AI 2024, arXiv 2405.04434).
public struct MultiHeadLatentAttention: Sendable, Equatable {
    /// 0 when queries are projected directly (no low-rank query path).
    public var qLoraRank: Int
    public var kvLoraRank: Int
    public var qkNopeHeadDim: Int
    public var qkRopeHeadDim: Int
    public var vHeadDim: Int

    public init(qLoraRank: Int, kvLoraRank: Int, qkNopeHeadDim: Int, qkRopeHeadDim: Int, vHeadDim: Int) {
        self.qLoraRank = qLoraRank
        self.kvLoraRank = kvLoraRank
        self.qkNopeHeadDim = qkNopeHeadDim
        self.qkRopeHeadDim = qkRopeHeadDim
        self.vHeadDim = vHeadDim
    }

    /// Query/key head dimension, `dqk = nope + rope`.
    public var qkHeadDim: Int { qkNopeHeadDim + qkRopeHeadDim }

    func validate() throws(EstimatorInputError) {
        try Check.nonNegative(qLoraRank, "mla.q_lora_rank")
        try Check.positive(kvLoraRank, "mla.kv_lora_rank")
        try Check.positive(qkNopeHeadDim, "mla.qk_nope_head_dim")
        try Check.nonNegative(qkRopeHeadDim, "mla.qk_rope_head_dim")
        try Check.positive(vHeadDim, "mla.v_head_dim")
    }
}

/// Mamba state-space layers (Gu & Dao 2023): a constant per-session state, no per-token KV.
public struct StateSpace: Sendable, Equatable {
    public var dState: Int
    public var dConv: Int
    public var expand: Int

    public init(dState: Int, dConv: Int, expand: Int) {
        (self.dState, self.dConv, self.expand) = (dState, dConv, expand)
    }

    func validate() throws(EstimatorInputError) {
        try Check.positive(dState, "ssm.d_state")
        try Check.positive(dConv, "ssm.d_conv")
        try Check.positive(expand, "ssm.expand")
    }
}

/// Which layers attend how far. `layerPattern` repeats cyclically over the layers: `G` global,
/// `L` local window of `slidingWindow` tokens, `C` chunked attention of `chunkSize` tokens,
/// `S` state-space (no KV). Default: all `G`, or all `L` when only a window is given.
public struct AttentionLayout: Sendable, Equatable {
    public var slidingWindow: Int?
    public var chunkSize: Int?
    public var layerPattern: String?

    public init(slidingWindow: Int? = nil, chunkSize: Int? = nil, layerPattern: String? = nil) {
        (self.slidingWindow, self.chunkSize, self.layerPattern) = (slidingWindow, chunkSize, layerPattern)
    }

    public var effectivePattern: String {
        if let layerPattern { return layerPattern }
        return slidingWindow == nil ? "G" : "L"
    }

    func validate(hasStateSpace: Bool) throws(EstimatorInputError) {
        if let slidingWindow { try Check.positive(slidingWindow, "attention.sliding_window") }
        if let chunkSize { try Check.positive(chunkSize, "attention.chunk_size") }
        let pattern = effectivePattern
        guard !pattern.isEmpty else {
            throw EstimatorInputError(field: "attention.layer_pattern", "must not be empty")
        }
        for letter in pattern {
            switch letter {
            case "G": continue
            case "L" where slidingWindow != nil: continue
            case "L": throw EstimatorInputError(field: "attention.layer_pattern", "`L` layers need attention.sliding_window")
            case "C" where chunkSize != nil: continue
            case "C": throw EstimatorInputError(field: "attention.layer_pattern", "`C` layers need attention.chunk_size")
            case "S" where hasStateSpace: continue
            case "S": throw EstimatorInputError(field: "attention.layer_pattern", "`S` layers need an `ssm` block")
            default:
                throw EstimatorInputError(
                    field: "attention.layer_pattern",
                    "unknown layer letter `\(letter)` (use G global, L local, C chunked, S state-space)")
            }
        }
    }
}

/// Layers of each kind, from the cyclic pattern.
public struct LayerCounts: Sendable, Equatable {
    public var global = 0
    public var local = 0
    public var chunked = 0
    public var stateSpace = 0

    public init(global: Int = 0, local: Int = 0, chunked: Int = 0, stateSpace: Int = 0) {
        (self.global, self.local, self.chunked, self.stateSpace) = (global, local, chunked, stateSpace)
    }

    init(layers: Int, pattern: String) {
        let letters = Array(pattern)
        for index in 0..<layers {
            switch letters[index % letters.count] {
            case "L": local += 1
            case "C": chunked += 1
            case "S": stateSpace += 1
            default: global += 1
            }
        }
    }

    public var attention: Int { global + local + chunked }
}
