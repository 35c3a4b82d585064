/// Every figure kvplan reports for one scenario at one context length.
public struct Estimate: Sendable, Equatable {
    public var context: Int
    public var outputTokens: Int
    public var regime: Regime
    public var beyondMaxContext: Bool

    public var totalParams: Double
    public var activeParams: Double
    public var weightsBytes: Double
    public var weightsReadBytes: Double
    /// `KV(n)/n`: the average bytes per token at this context (exact per-token size for full attention).
    public var kvBytesPerToken: Double
    public var kvBytes: Double
    public var availableKVBytes: Double
    /// The paper's figure: sessions admitted at n tokens.
    public var concurrency: Int
    /// Sessions that still fit at their last token, n + m (the decode batch's ceiling).
    public var concurrencySustained: Int
    /// Bytes one session occupies over all ranks per byte of `KV(n)` (tensor-parallel replication).
    public var kvReplication: Double
    /// Bytes one session's KV cache occupies over all its ranks, ρ·KV(n): what HBM actually holds.
    public var heldKVBytes: Double { kvReplication * kvBytes }
    public var hostSessions: Int?
    /// Peak activation bytes per GPU of the prefill (of one chunk when chunked).
    public var prefillPeakMemoryBytes: Double
    /// Whether one session and its prefill's activations in one piece fit beside the weights.
    public var prefillFitsUnchunked: Bool

    public var prefillLinearFLOPs: Double
    public var prefillAttentionFLOPs: Double
    public var prefill: PhaseTime

    /// Communication inside the prefill (tensor, pipeline and expert parallel parts).
    public var prefillCommunication: CommunicationTime

    /// The decode batch reported: `min(users, max_batch, max(1, concurrency_sustained))`.
    public var decodeBatch: Int
    /// Share of the pipeline stages idle in a decode step, `1 − min(b, pp)/pp` (0 without `pp`).
    public var pipelineBubble: Double
    /// One step at c = n.
    public var decodeStep: PhaseTime
    /// m tokens after the prompt, summed in closed form.
    public var decodeSeconds: Double
    public var decodeTokensPerSecond: Double
    /// FLOPs of one decode step of the batch: linear layers for b tokens plus b sessions' attention over c.
    public var decodeStepFLOPs: Double

    public var contextSwitchSeconds: Double
    public var session: SessionCost
    /// Speculative decoding at this context and batch; nil without `speculative`.
    public var speculative: SpeculativeEstimate? {
        get { rarelyFilled?.speculative }
        set { rarelyFilled = EstimateRarelyFilled.boxing(traces: traces, comparable: comparable, speculative: newValue) }
    }
    /// `cost(n) / cost(baseline)` in GPU-seconds per session; nil without a baseline.
    public var relativeCost: Double?

    /// Roofline: FLOPs per byte of each phase against the ridge point `peak / hbm_bw` (prefill:
    /// per byte of weights read, as in `t_prefill`'s memory floor; decode: per byte of the step).
    public var prefillIntensity: Double
    public var decodeIntensity: Double
    public var ridgePoint: Double

    /// The formula behind each figure, filled only when asked for (`estimate(context:traced:)`):
    /// building them formats strings, which the hot path must not do.
    public var traces: [FormulaTrace] {
        get { rarelyFilled?.traces ?? [] }
        set { rarelyFilled = EstimateRarelyFilled.boxing(traces: newValue, comparable: comparable, speculative: speculative) }
    }
    /// Figures that compare scenarios (whole-replica cost, price, decode alone), filled only when
    /// asked for (`Estimator.comparing`): reports need them, the hot path does not.
    public var comparable: ComparableCost? {
        get { rarelyFilled?.comparable }
        set { rarelyFilled = EstimateRarelyFilled.boxing(traces: traces, comparable: newValue, speculative: speculative) }
    }

    /// `traces`, `comparable` and `speculative` in one box, nil when all three are empty (the hot
    /// path: nothing to allocate, 8 bytes to store instead of about 150, and no array to release).
    /// Stored last, so the memberwise initializer takes it last.
    var rarelyFilled: EstimateRarelyFilled? = nil

    public var prefillFLOPs: Double { prefillLinearFLOPs + prefillAttentionFLOPs }
}

/// The figures an `Estimate` rarely carries, boxed so that the estimate every call writes stays
/// small. Immutable: a setter on `Estimate` makes a new box, so copies of an estimate never share
/// a change.
final class EstimateRarelyFilled: Sendable, Equatable {
    let traces: [FormulaTrace]
    let comparable: ComparableCost?
    let speculative: SpeculativeEstimate?

    private init(traces: [FormulaTrace], comparable: ComparableCost?, speculative: SpeculativeEstimate?) {
        self.traces = traces
        self.comparable = comparable
        self.speculative = speculative
    }

    /// The box for these three, nil when all are empty (so the hot path allocates nothing).
    @inline(__always) static func boxing(
        traces: [FormulaTrace], comparable: ComparableCost?, speculative: SpeculativeEstimate?
    ) -> EstimateRarelyFilled? {
        traces.isEmpty && comparable == nil && speculative == nil
            ? nil : EstimateRarelyFilled(traces: traces, comparable: comparable, speculative: speculative)
    }

    static func == (a: EstimateRarelyFilled, b: EstimateRarelyFilled) -> Bool {
        a.traces == b.traces && a.comparable == b.comparable && a.speculative == b.speculative
    }
}

/// Where a scenario's sessions live.
public enum Regime: String, Sendable, Equatable {
    /// At least one session's KV fits in HBM beside the weights through its last token.
    case hbm
    /// Not even one session fits through its last token: decode streams the KV that does not fit
    /// over the host link (SPEC §3.4). The only regime in which a batch spills.
    case offload
    /// The weights alone exceed the HBM of g GPUs: nothing can be served.
    case weightsDoNotFit = "weights-do-not-fit"
}

extension Estimator {
    /// Everything at context n. `baselineGPUSeconds` (a session's cost at the baseline) turns into
    /// `relativeCost`; `traced` also fills `traces`.
    public func estimate(context n: Int, baselineGPUSeconds: Double? = nil, traced: Bool = false) -> Estimate {
        // Every figure below is computed once and shared: the decode sum, the largest cost, serves
        // both the decode time and the session cost (the same batch: users and max_batch are ≥ 1).
        let tokens = Double(n)
        let m = outputTokens
        let kv = kvBytes(tokens: tokens)
        let held = kvReplication * kv  // heldKVBytes(tokens: n)
        let budget = kvBudget(prompt: tokens)
        let sessions = availableKVBytes > 0 ? self.sessions(budget: budget, held: held) : 0
        // concurrencySustained(prompt: n, outputTokens: m), with the budget at n computed once.
        let sustained = availableKVBytes > 0 ? self.sessions(budget: budget, held: heldKVBytesAtLastToken(prompt: n, outputTokens: m)) : 0
        let regime: Regime = !weightsFit ? .weightsDoNotFit : (sustained == 0 ? .offload : .hbm)
        let batch = min(users, maxBatch, max(1, sustained))
        let resident = min(users, sustained, maxBatch)
        let b = Double(batch)
        // At c = n a prompt-only eviction has kept what token eviction keeps, so the step is self's.
        let attentionPerSession = decodeAttentionFLOPs(context: tokens)
        let decodeBatch = self.decodeBatch(b)
        let step = decodeStepTime(decodeBatch, heldBytes: held, attentionFLOPs: attentionPerSession)
        let linear = prefillLinearFLOPs(tokens: tokens), attention = prefillAttentionFLOPs(tokens: tokens)
        // One GPU communicates nothing (every term of `communication` is 0 there).
        let communication = gpus > 1 ? prefillCommunication(tokens: tokens) : CommunicationTime()
        let prefill = prefillTime(tokens: tokens, linearFLOPs: linear, attentionFLOPs: attention, communication: communication)
        let decodeSeconds = promptOnly
            ? decoding(prompt: n).decodeTime(decodeBatch, prompt: n, outputTokens: m, first: nil)
            : decodeTime(decodeBatch, prompt: n, outputTokens: m, first: (step, held))
        let switchSeconds = contextSwitchSeconds(heldBytes: held)
        let session = SessionCost(
            residentSessions: resident, prefillSeconds: prefill.seconds, decodeSeconds: decodeSeconds / b,
            switchSeconds: users > resident ? switchSeconds : 0)
        // W_read(b): the micro-batch's when there is one micro-batch (b/1 = b).
        let weightsRead = decodeBatch.microBatches == 1 ? decodeBatch.weightsReadBytes : weightsReadBytes(batch: b)
        let stepBytes = weightsRead + replicatedWeightsBytes + b * held
        let stepFLOPs = decodeLinearFLOPs(batch: b) + attentionPerSession * b
        let peakMemory = prefillPeakMemoryBytes(tokens: tokens)
        // The rarely filled figures, boxed before the estimate is built, so that it is built in
        // place in the caller's memory (setting them afterwards copied the struct twice).
        let rarelyFilled: EstimateRarelyFilled? = !hasSpeculative && !traced ? nil : .boxing(
            traces: traced ? traces(context: n) : [], comparable: nil,
            speculative: hasSpeculative ? speculative(prompt: n, batch: batch, maxBatch: max(1, sustained)) : nil)
        return Estimate(
            context: n,
            outputTokens: m,
            regime: regime,
            beyondMaxContext: n > maxContext,
            totalParams: parameters.total,
            activeParams: parameters.active,
            weightsBytes: weightsBytes,
            weightsReadBytes: weightsRead,
            kvBytesPerToken: kv / tokens,
            kvBytes: kv,
            availableKVBytes: availableKVBytes,
            concurrency: sessions,
            concurrencySustained: sustained,
            kvReplication: kvReplication,
            hostSessions: hostMemoryBytes.map { Int((gpus * $0 / kv).rounded(.down)) },
            prefillPeakMemoryBytes: peakMemory,
            prefillFitsUnchunked: self.sessions(budget: availableKVBytes - gpus * activationBytes(iterationTokens: tokens), held: held) >= 1,
            prefillLinearFLOPs: linear,
            prefillAttentionFLOPs: attention,
            prefill: prefill,
            prefillCommunication: communication,
            decodeBatch: batch,
            pipelineBubble: 1 - min(b, pipelineStages) / pipelineStages,
            decodeStep: step,
            decodeSeconds: decodeSeconds,
            decodeTokensPerSecond: b / step.seconds,
            decodeStepFLOPs: stepFLOPs,
            contextSwitchSeconds: switchSeconds,
            session: session,
            relativeCost: baselineGPUSeconds.map { session.gpuSeconds / $0 },
            prefillIntensity: (linear + attention) / weightsBytes,
            decodeIntensity: stepFLOPs / stepBytes,
            ridgePoint: matmulFLOPsPerSecond / memoryBytesPerSecond,
            rarelyFilled: rarelyFilled
        )
    }
}
