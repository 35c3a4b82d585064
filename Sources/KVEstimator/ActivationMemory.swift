extension Estimator {
    /// Tokens one prefill iteration runs: the whole prompt, or one chunk when prefill is chunked.
    @inline(__always) func prefillIterationTokens(_ n: Double) -> Double {
        prefillChunkTokens.map { min(n, $0) } ?? n
    }

    /// Peak activation bytes per GPU while a prefill of n tokens (or of one chunk of it) runs — the
    /// "GPU memory" of the paper's challenge 1. Inference keeps no activations across layers, so
    /// the peak is the widest moment inside one layer, for t tokens at 2 bytes (bf16):
    ///
    /// `t · 2 · (2·d + max(attention, mlp) / g)`, with the residual stream and the layer's
    /// input (2·d) whole on every rank and, split over the g ranks of a stage,
    /// - attention: `(H + 2·Hkv)·dh` for Q, K, V plus `H·dh` for the output (MLA prefills
    ///   decompressed: `H·dqk` queries and keys, `H·dv` values and output);
    /// - mlp: `3·F` for a gated MLP's gate, up and product (MoE: `(k + S)·3·Fe` per token).
    ///
    /// The flash-attention case: scores are tiled in on-chip memory and never stored, as every
    /// serving engine runs prefill (FlashAttention, Dao et al. 2022). An eager kernel would add
    /// `H/g · t² · 2` bytes of scores for each layer in turn. vLLM measures the same peak with a
    /// profiling run of `max_num_batched_tokens` tokens (`determine_available_memory`) and takes it
    /// out of the KV-cache budget.
    public func prefillPeakMemoryBytes(tokens n: Double) -> Double {
        activationBytes(iterationTokens: prefillIterationTokens(n))
    }

    /// Peak activation bytes per GPU of one forward pass over t tokens (`prefillPeakMemoryBytes`).
    public func activationBytes(iterationTokens t: Double) -> Double {
        t * 2 * activationElementsPerToken
    }

    /// Elements per token of a layer's widest activations, before the split over g ranks:
    /// attention `(H + 2·Hkv)·dh + H·dh` (MLA: `H·(2·dqk + 2·dv)`), MLP `3·F` (MoE: `(k + S)·3·Fe`).
    var activationWidths: (attention: Double, mlp: Double) {
        Estimator.activationWidths(scenario.model, parameters)
    }

    static func activationWidths(_ model: Model, _ parameters: ParameterCounts) -> (attention: Double, mlp: Double) {
        let h = Double(model.heads), hkv = Double(model.kvHeads), dh = Double(model.headDim)
        let attention: Double
        if let mla = model.mla {
            attention = h * Double(2 * mla.qkHeadDim + 2 * mla.vHeadDim)
        } else {
            attention = (h + 2 * hkv) * dh + h * dh
        }
        var mlp = 3 * Double(model.ffn)
        if let moe = model.moe {
            let dense = parameters.moeLayers < Double(model.layers) ? mlp : 0
            mlp = max(dense, Double(moe.active + moe.shared) * 3 * Double(moe.expertFFN))
        }
        return (attention, mlp)
    }

    /// Whether one session of n tokens and the activations of its prefill in one piece fit beside
    /// the weights; when not, long prefills force chunking (`prefill_chunk`).
    public func prefillFitsUnchunked(tokens n: Double) -> Bool {
        sessions(budget: availableKVBytes - gpus * activationBytes(iterationTokens: n), held: heldKVBytes(tokens: n)) >= 1
    }
}
