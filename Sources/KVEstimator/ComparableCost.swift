/// The figures that compare scenarios with each other rather than a context with the baseline:
/// a session's cost over the whole replica (every GPU it occupies), in money when the hardware has
/// a price, per session and per million tokens, and decode at one stated batch (a session alone).
/// Filled by `Estimator.comparing(_:)` for reports; the hot path leaves them nil.
public struct ComparableCost: Sendable, Equatable {
    /// `gpu_seconds · g`: the session's GPU-seconds summed over the g GPUs of its replica, so that
    /// one 8-GPU second counts eight times (SPEC §3, session cost).
    public var gpuSeconds: Double
    /// `gpu_seconds · g · price_per_hour / 3600`; nil without a price.
    public var price: Double?
    /// Tokens a session processes: the prompt n plus the m output tokens.
    public var tokens: Int
    /// `T_decode(n, m at b = 1)`: the output decoded by one session alone — a stated batch, so the
    /// figure grows with the context on every GPU (the batched figure falls when fewer sessions fit).
    public var decodeSecondsAlone: Double?
    /// This session's cost (money when every GPU of the study has a price, GPU-seconds otherwise)
    /// over the study's one baseline session; filled by the study's evaluation.
    public var studyRelativeCost: Double?

    /// `gpu_seconds · g / (n + m) · 10⁶`.
    public var gpuSecondsPerMillionTokens: Double { gpuSeconds / Double(tokens) * 1e6 }
    /// `price / (n + m) · 10⁶`; nil without a price.
    public var pricePerMillionTokens: Double? { price.map { $0 / Double(tokens) * 1e6 } }

    public init(gpuSeconds: Double, price: Double?, tokens: Int, decodeSecondsAlone: Double?) {
        self.gpuSeconds = gpuSeconds
        self.price = price
        self.tokens = tokens
        self.decodeSecondsAlone = decodeSecondsAlone
    }
}

extension Estimator {
    /// `estimate` with its `comparable` figures filled: the session over the whole replica (and
    /// its price) and decode of one session alone. Not on the hot path: it decodes once more.
    public func comparing(_ estimate: Estimate) -> Estimate {
        var estimate = estimate
        let n = estimate.context
        let alone: Double? = estimate.regime == .weightsDoNotFit ? nil
            : withDecoder(prompt: n) { $0.decodeTime(batch: 1, prompt: n, outputTokens: scenario.workload.outputTokens) }
        let gpuSeconds = estimate.session.gpuSeconds * gpus
        estimate.comparable = ComparableCost(
            gpuSeconds: gpuSeconds,
            price: scenario.hardware.pricePerHour.map { gpuSeconds * $0 / 3600 },
            tokens: n + scenario.workload.outputTokens,
            decodeSecondsAlone: alone)
        return estimate
    }
}
