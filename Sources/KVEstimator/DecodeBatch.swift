/// The terms of a decode step of b sessions that do not depend on the context: the weights a
/// micro-batch reads, its linear layers' time and the step's collectives. The decode sum evaluates
/// the step at several contexts for one batch (at its first and last token, at each piece's ends),
/// so these are computed once per batch; the step is then `decodeStepTime(_:heldBytes:attentionFLOPs:)`,
/// the same arithmetic as `decodeStepTime(batch:context:)` in the same order.
struct DecodeBatch {
    /// b: sessions decoded together.
    let sessions: Double
    /// `M = min(max(b, 1), pp)` micro-batches with `pp` pipeline stages, else 1.
    let microBatches: Double
    /// `b/M`: sessions of one micro-batch.
    let perMicroBatch: Double
    /// `W_read(b/M)`: weight bytes one micro-batch's step reads (MoE: the experts it activates).
    let weightsReadBytes: Double
    /// `(2·active_nonembedding + 2·d·V)·(b/M) / (g·peak·e_matmul)`: its linear layers' time.
    let linearSeconds: Double
    /// The step's collectives and stage sends (0 on one GPU).
    let communicationSeconds: Double
}

extension Estimator {
    /// The context-free terms of a decode step of b sessions.
    @inline(__always) func decodeBatch(_ b: Double) -> DecodeBatch {
        let micro = pipelineStages > 1 ? min(max(b, 1), pipelineStages) : 1
        let part = b / micro
        return DecodeBatch(
            sessions: b, microBatches: micro, perMicroBatch: part,
            weightsReadBytes: weightsReadBytes(batch: part),
            linearSeconds: decodeLinearFLOPs(batch: part) / matmulFLOPsPerSecond,
            communicationSeconds: gpus > 1 ? decodeCommunicationSeconds(batch: b) : 0)
    }

    /// `decodeStepTime(batch:context:)` of `batch` from one session's held bytes `ρ·KV(c)` and
    /// attention FLOPs at c (its formula and sources are there).
    @inline(__always) func decodeStepTime(_ batch: DecodeBatch, heldBytes: Double, attentionFLOPs: Double) -> PhaseTime {
        let kv = batch.sessions * heldBytes
        let resident = min(kv, max(0, availableKVBytes))
        let pp = pipelineStages, micro = batch.microBatches, part = batch.perMicroBatch
        let memory = pp * (batch.weightsReadBytes + replicatedWeightsBytes + resident / micro) / memoryBytesPerSecond
        let link = (kv - resident) / linkBytesPerSecond
        let compute = pp * (batch.linearSeconds + attentionFLOPs * part / attentionFLOPsPerSecond)
        return PhaseTime(compute: compute, memory: memory, link: link, communication: batch.communicationSeconds,
                         overhead: decodeStepOverheadSeconds)
    }
}
