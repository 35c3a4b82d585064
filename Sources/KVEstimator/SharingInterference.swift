/// A long prompt prefilled in chunks beside a running decode batch (Sarathi-Serve: Agrawal et al.
/// 2024, "Taming Throughput-Latency Tradeoff in LLM Inference with Sarathi-Serve", arXiv 2403.02310).
public struct ChunkedPrefill: Sendable, Equatable {
    /// `⌈n/c⌉` iterations, each one chunk plus one decode step of the batch.
    public var iterations: Int
    /// The long prompt's time to first token with chunking: the sum of the iterations, seconds.
    public var seconds: Double
    /// The slowest iteration: the worst decode step the batch sees while the prompt runs, seconds.
    public var worstIterationSeconds: Double
}

extension Estimator {
    /// Without chunking a prefill of n tokens holds the GPU for `t_prefill(n)`: every co-resident
    /// session's next decode step waits that long (`prefill_stall_seconds`; seed 004).
    public func prefillStallSeconds(tokens n: Double) -> Double { prefillTime(tokens: n).seconds }

    /// A prefill of n tokens in chunks of c tokens, each iteration beside one decode step of b
    /// sessions holding `decodeContext` tokens (Sarathi-Serve's stall-free batching, §4).
    ///
    /// Iteration k (0-based) covers prompt tokens [s, e) with s = k·c, e = min(n, s + c):
    /// - linear FLOPs `2·active_nonembedding·(e − s)` (+ `2·d·V` logits on the last chunk only) plus
    ///   the decode step's `(2·active_nonembedding + 2·d·V)·b`;
    /// - attention FLOPs `A(e) − A(s)` with A the causal prefill attention of §3.2, i.e. the chunk's
    ///   attention to the s tokens already prefilled plus causal within the chunk (`s·c + c²/2`
    ///   pairs per global layer; window and chunked layers as in `prefillAttentionFLOPs`), plus the
    ///   batch's `a·c_eff·b`;
    /// - bytes: the weights W once per iteration (the price of chunking: a prefill in one piece reads
    ///   them once), the batch's `b·KV(decodeContext)` and the prefix `KV(s)` the chunk attends to
    ///   (none before the first chunk);
    /// - time `max(bytes/(g·hbm_bw·e_mem), linear/(g·peak·e_matmul) + attention/(g·peak·e_attention))`,
    ///   the same roofline as `t_prefill` and `t_step`, plus on g > 1 GPUs the communication of the
    ///   iteration's `chunk + b` tokens (`communication(tokens:)`).
    ///
    /// The FLOPs telescope to the unchunked prefill's, so the total is at least `t_prefill(n)` and
    /// equals it for one chunk beside an empty batch. One pass over the ⌈n/c⌉ iterations, O(1)
    /// arithmetic each, no allocation.
    public func chunkedPrefill(tokens n: Int, chunkTokens c: Int, decodeBatch b: Int, decodeContext: Int) -> ChunkedPrefill {
        let chunk = max(1, c), batch = Double(max(0, b))
        let decodeBytes = batch > 0 ? batch * kvBytes(tokens: Double(decodeContext)) : 0
        let decodeLinear = decodeLinearFLOPs(batch: batch)
        let decodeAttention = decodeAttentionFLOPs(context: Double(decodeContext)) * batch
        let linearPerToken = 2 * parameters.activeNonEmbedding

        var seconds = 0.0, worst = 0.0, iterations = 0
        var start = 0, attentionBefore = 0.0
        while start < n {
            let end = n - start > chunk ? start + chunk : n
            let attentionAfter = prefillAttentionFLOPs(tokens: Double(end))
            var linear = linearPerToken * Double(end - start) + decodeLinear
            if end == n { linear += logitFLOPsPerToken }
            let attention = attentionAfter - attentionBefore + decodeAttention
            let bytes = weightsBytes + decodeBytes + (start > 0 ? kvBytes(tokens: Double(start)) : 0)
            let communication = gpus > 1 ? self.communication(tokens: Double(end - start) + batch).seconds : 0
            let time = max(bytes / memoryBytesPerSecond, linear / matmulFLOPsPerSecond + attention / attentionFLOPsPerSecond) + communication
            seconds += time
            worst = max(worst, time)
            iterations += 1
            attentionBefore = attentionAfter
            start = end
        }
        return ChunkedPrefill(iterations: iterations, seconds: seconds, worstIterationSeconds: worst)
    }
}
