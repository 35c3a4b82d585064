/// One iteration of a replica under continuous batching with chunked prefill: every running
/// session decodes one token, and at most one chunk of one waiting prompt is prefilled beside them.
///
/// This is how the serving engines schedule: vLLM's scheduler with chunked prefill "schedule[s] as
/// many decoding requests as possible", then the unfinished chunked prefill, then new prefills,
/// within `max_num_batched_tokens` (vllm-project/vllm `vllm/core/scheduler.py`,
/// `_schedule_chunked_prefill`; the V1 scheduler in `vllm/v1/core/sched/scheduler.py` likewise
/// serves the running requests before the waiting ones out of one token budget); SGLang's
/// `PrefillAdder` cuts a prompt at `chunked_prefill_size` and, with `--enable-mixed-chunk`, runs the
/// chunk in the decode batch; Sarathi-Serve calls it stall-free batching (Agrawal et al. 2024,
/// arXiv 2403.02310 §4). The planner counts the chunk's prompt tokens apart from the decode tokens
/// (a chunk of c prompt tokens beside b decodes) and prefills one prompt at a time; an engine that
/// packs the short prompts of several requests into one budget is somewhat faster on short prompts.
extension Estimator {
    /// The time of one iteration, seconds: the chunk `[start, end)` of a prompt (none when
    /// `end == start`) beside `decodeSessions` sessions whose KV caches hold `decodeKVBytes` over
    /// all ranks and whose attention costs `decodeAttentionFLOPs`.
    ///
    /// With a chunk, the roofline of `chunkedPrefill` (SharingInterference): bytes `W + KV_decode +
    /// ρ·KV(start)` (every weight is read once, the chunk attends to the prefix already cached),
    /// FLOPs `2·active·(end − start) + 2·d·V` (logits on the prompt's last chunk only) `+ decode's
    /// linear FLOPs` and attention `A(end) − A(start) + decode's`, the time
    /// `max(bytes/(g·bw), linear/(g·peak) + attention/(g·peak_attn))` plus the communication of the
    /// iteration's `end − start + b` tokens. Without a chunk, the decode step of `decodeStepTime`
    /// with the sessions' own KV bytes: `W_read(b) + KV_decode` and the decode FLOPs, plus the
    /// communication of b tokens. (One pipeline stage; the planner's candidates are tensor-parallel.)
    @inline(__always)
    public func iterationSeconds(
        chunkStart start: Int, chunkEnd end: Int, completesPrompt: Bool,
        decodeSessions b: Double, decodeKVBytes: Double, decodeAttentionFLOPs: Double
    ) -> Double {
        let linearDecode = decodeLinearFLOPs(batch: b)
        if end > start {
            let prefix = start > 0 ? heldKVBytes(tokens: Double(start)) : 0
            let bytes = weightsBytes + replicatedWeightsBytes + decodeKVBytes + prefix
            var linear = 2 * parameters.activeNonEmbedding * Double(end - start) + linearDecode
            if completesPrompt { linear += logitFLOPsPerToken }
            let attention = prefillAttentionFLOPs(tokens: Double(end)) - prefillAttentionFLOPs(tokens: Double(start)) + decodeAttentionFLOPs
            let communication = gpus > 1 ? self.communication(tokens: Double(end - start) + b).seconds : 0
            return max(bytes / memoryBytesPerSecond, linear / matmulFLOPsPerSecond + attention / attentionFLOPsPerSecond) + communication
        }
        guard b > 0 else { return 0 }
        let bytes = weightsReadBytes(batch: b) + replicatedWeightsBytes + decodeKVBytes
        let compute = linearDecode / matmulFLOPsPerSecond + decodeAttentionFLOPs / attentionFLOPsPerSecond
        let communication = gpus > 1 ? self.communication(tokens: b).seconds : 0
        return max(bytes / memoryBytesPerSecond, compute) + communication
    }
}
