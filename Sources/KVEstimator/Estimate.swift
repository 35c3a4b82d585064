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
    public var concurrency: Int
    public var hostSessions: Int?

    public var prefillLinearFLOPs: Double
    public var prefillAttentionFLOPs: Double
    public var prefill: PhaseTime

    /// The decode batch reported: `min(users, max_batch, max(1, concurrency))`.
    public var decodeBatch: Int
    /// One step at c = n.
    public var decodeStep: PhaseTime
    /// m tokens after the prompt, summed in closed form.
    public var decodeSeconds: Double
    public var decodeTokensPerSecond: Double

    public var contextSwitchSeconds: Double
    public var session: SessionCost
    /// `cost(n) / cost(baseline)` in GPU-seconds per session; nil without a baseline.
    public var relativeCost: Double?

    /// Roofline: FLOPs per byte of each phase against the ridge point `peak / hbm_bw` (prefill:
    /// per byte of weights read, as in `t_prefill`'s memory floor; decode: per byte of the step).
    public var prefillIntensity: Double
    public var decodeIntensity: Double
    public var ridgePoint: Double

    public var prefillFLOPs: Double { prefillLinearFLOPs + prefillAttentionFLOPs }
}

/// Where a scenario's sessions live.
public enum Regime: String, Sendable, Equatable {
    /// At least one session's KV fits in HBM beside the weights.
    case hbm
    /// Not even one session fits: decode streams KV over the host link (SPEC §3.4).
    case offload
    /// The weights alone exceed the HBM of g GPUs: nothing can be served.
    case weightsDoNotFit = "weights-do-not-fit"
}

extension Estimator {
    /// Everything at context n. `baselineGPUSeconds` (a session's cost at the baseline) turns into
    /// `relativeCost`.
    public func estimate(context n: Int, baselineGPUSeconds: Double? = nil) -> Estimate {
        let tokens = Double(n)
        let workload = scenario.workload
        let kv = kvBytes(tokens: tokens)
        let sessions = concurrency(tokens: tokens)
        let regime: Regime = !weightsFit ? .weightsDoNotFit : (sessions == 0 ? .offload : .hbm)
        let batch = min(workload.users, workload.maxBatch ?? Int.max, max(1, sessions))
        let b = Double(batch)
        let step = decodeStepTime(batch: b, context: tokens)
        let session = sessionCost(tokens: n)
        let linear = prefillLinearFLOPs(tokens: tokens), attention = prefillAttentionFLOPs(tokens: tokens)
        let stepBytes = weightsReadBytes(batch: b) + b * kv
        let stepFLOPs = decodeLinearFLOPs(batch: b) + decodeAttentionFLOPs(context: tokens) * b
        return Estimate(
            context: n,
            outputTokens: workload.outputTokens,
            regime: regime,
            beyondMaxContext: n > (scenario.model.maxContext ?? .max),
            totalParams: parameters.total,
            activeParams: parameters.active,
            weightsBytes: weightsBytes,
            weightsReadBytes: weightsReadBytes(batch: b),
            kvBytesPerToken: kv / tokens,
            kvBytes: kv,
            availableKVBytes: availableKVBytes,
            concurrency: sessions,
            hostSessions: hostSessions(tokens: tokens),
            prefillLinearFLOPs: linear,
            prefillAttentionFLOPs: attention,
            prefill: prefillTime(tokens: tokens),
            decodeBatch: batch,
            decodeStep: step,
            decodeSeconds: decodeTime(batch: b, prompt: n, outputTokens: workload.outputTokens),
            decodeTokensPerSecond: b / step.seconds,
            contextSwitchSeconds: contextSwitchSeconds(tokens: tokens),
            session: session,
            relativeCost: baselineGPUSeconds.map { session.gpuSeconds / $0 },
            prefillIntensity: (linear + attention) / weightsBytes,
            decodeIntensity: stepFLOPs / stepBytes,
            ridgePoint: matmulFLOPsPerSecond / memoryBytesPerSecond
        )
    }
}
