/// How the GPUs of one replica split a model, beside plain tensor parallelism: pipeline stages,
/// expert parallelism for MoE layers, and whether attention is tensor- or data-parallel.
///
/// - Tensor parallel (Megatron-LM, Shoeybi et al. 2019; vLLM's default): each of the
///   `g = gpus / pp` ranks of a stage holds `1/g` of every weight matrix and of the query heads.
///   KV heads split the same way, `⌈Hkv/g⌉` per rank, replicated when g > Hkv (vLLM
///   `model_executor/layers/linear.py`, `QKVParallelLinear`: "the key/value head may be replicated
///   while the query heads are partitioned"; with g ≥ Hkv each rank keeps one KV head and
///   `num_kv_head_replicas = g / Hkv`). An MLA latent has no heads to split: every rank caches the
///   whole latent (vLLM `kv_connector/utils.py`: the absorbed MLA cache is
///   `[num_blks, blk_size, 1, kv_lora_rank + qk_rope_head_dim]` on every rank; Ray Serve's
///   data-parallel-attention guide: with MLA "KV cache can't be sharded along the head dimension";
///   SGLang's DeepSeek docs: "If you do not use DP attention, KV cache will be duplicated among
///   all TP ranks").
/// - Data-parallel attention (`attention_parallel: data`, SGLang `--enable-dp-attention`, "DP for
///   the MLA attention … a significant reduction in the KV cache size" in SGLang's DeepSeek docs):
///   attention weights are replicated on every rank and each rank holds the KV of its own
///   sessions; the MLP/MoE layers stay tensor- or expert-parallel.
/// - Pipeline parallel (`pp`, GPipe, Huang et al. 2019): layers split into `pp` stages that
///   pass activations on; a batch split into `M = min(b, pp)` micro-batches keeps `M` of the
///   `pp` stages busy (bubble `1 − M/pp`), each micro-batch reading its stage's weights.
/// - Expert parallel (`ep`, GShard, Lepikhin et al. 2020; DeepEP): each of `ep` ranks holds
///   `E/ep` routed experts; tokens reach their experts by an all-to-all dispatch and return by
///   an all-to-all combine.
public struct ParallelLayout: Sendable, Equatable {
    /// Pipeline stages `pp` (1: none).
    public var pipelineStages: Int
    /// Ranks the routed experts spread over (1: experts tensor-parallel like dense layers).
    public var expertParallel: Int
    public var attention: AttentionParallel

    public init(pipelineStages: Int = 1, expertParallel: Int = 1, attention: AttentionParallel = .tensor) {
        self.pipelineStages = pipelineStages
        self.expertParallel = expertParallel
        self.attention = attention
    }

    func validate(gpus: Int, gpusPerNode: Int) throws(EstimatorInputError) {
        try Check.positive(pipelineStages, "pp")
        try Check.positive(expertParallel, "ep")
        guard gpus % pipelineStages == 0 else {
            throw EstimatorInputError(field: "pp", "\(pipelineStages) pipeline stages do not divide \(gpus) GPUs evenly; use a `pp` that divides `gpus`")
        }
        let stage = gpus / pipelineStages
        guard stage % expertParallel == 0 else {
            throw EstimatorInputError(field: "ep", "expert parallelism over \(expertParallel) GPUs does not divide a stage of \(stage) GPUs; use an `ep` that divides \(stage)")
        }
        if stage > gpusPerNode, stage % gpusPerNode != 0 {
            throw EstimatorInputError(field: "gpus", "a tensor-parallel group of \(stage) GPUs does not fill whole nodes of \(gpusPerNode) GPUs")
        }
    }
}

/// How attention is split over a stage's ranks.
public enum AttentionParallel: String, Sendable, Equatable, CaseIterable {
    /// Heads split over the ranks (KV heads replicated when there are fewer than ranks).
    case tensor
    /// Attention weights replicated; each rank holds the KV of its own sessions.
    case data
}
