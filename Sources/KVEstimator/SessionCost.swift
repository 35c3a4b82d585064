/// The paper's concurrent framework: what one session (a prefill of n tokens and m output tokens)
/// costs when U users share the GPU (SPEC §3, "Session cost").
public struct SessionCost: Sendable, Equatable {
    /// Sessions resident in HBM and decoded together, `b* = min(U, concurrency_sustained, max_batch)`.
    public var residentSessions: Int
    public var prefillSeconds: Double
    /// `T_decode(n, m at b*) / b*`: the session's share of the batched decode.
    public var decodeSeconds: Double
    /// `t_switch(n)` once per turn when U > b*, else 0.
    public var switchSeconds: Double

    /// GPU-seconds per session (per GPU of the tensor-parallel group).
    public var gpuSeconds: Double { prefillSeconds + decodeSeconds + switchSeconds }
}

extension Estimator {
    /// `gpu_seconds_per_session = t_prefill(n) + T_decode(n, m at b*)/b* + switches·t_switch(n)`,
    /// with b* the sessions that fit through their last token (`concurrency_sustained`), and the
    /// offload regime's decode at b = 1 when b* = 0.
    public func sessionCost(tokens n: Int) -> SessionCost {
        let tokens = Double(n)
        let sustained = concurrencySustained(prompt: n, outputTokens: outputTokens)
        let resident = min(users, sustained, maxBatch)
        let batch = Double(max(1, resident))
        let decode = withDecoder(prompt: n) { $0.decodeTime(batch: batch, prompt: n, outputTokens: outputTokens) } / batch
        return SessionCost(
            residentSessions: resident,
            prefillSeconds: prefillTime(tokens: tokens).seconds,
            decodeSeconds: decode,
            switchSeconds: users > resident ? contextSwitchSeconds(tokens: tokens) : 0
        )
    }

    /// Money per session: `gpu_seconds · g · price_per_hour / 3600`; nil without a price.
    public func sessionPrice(tokens n: Int) -> Double? {
        guard let price = scenario.hardware.pricePerHour else { return nil }
        return sessionCost(tokens: n).gpuSeconds * gpus * price / 3600
    }

    /// The KV reduction (a factor ≥ 1: "the KV cache must shrink 12×") that brings a session at n
    /// tokens down to `target` GPU-seconds, or why none can (SPEC §3, `compression_needed`).
    /// Found by bisection on the KV scale, since the session cost is monotone in it.
    public func compressionNeeded(tokens n: Int, targetGPUSeconds target: Double) -> CompressionNeeded {
        compressionNeeded(tokens: n, targetGPUSeconds: target, sessionGPUSeconds: sessionCost(tokens: n).gpuSeconds)
    }

    /// `compressionNeeded(tokens:targetGPUSeconds:)` given the session's cost at n, which an
    /// estimate has already computed. The bisection reuses one copy of the estimator and the
    /// prefill time, which no KV scale changes: the same comparisons, a fraction of the work.
    public func compressionNeeded(tokens n: Int, targetGPUSeconds target: Double, sessionGPUSeconds: Double) -> CompressionNeeded {
        if sessionGPUSeconds <= target { return .reduction(1) }
        let prefillSeconds = prefillTime(tokens: Double(n)).seconds
        if prefillSeconds >= target {
            return .impossible("prefill alone takes longer than the baseline session; no KV reduction shortens prefill")
        }
        var trial = self
        func cost(scale: Double) -> Double {
            trial.kvCache.scale = scale
            return trial.sessionGPUSeconds(tokens: n, prefillSeconds: prefillSeconds)
        }
        if cost(scale: 1e-9) > target {
            return .impossible("even with no KV cache at all, reading the weights and computing keep the session above the baseline")
        }
        var low = 1e-9, high = 1.0  // scale: cost(low) ≤ target < cost(high)
        for _ in 0..<100 where high / low > 1 + 1e-6 {
            let mid = (low * high).squareRoot()
            if cost(scale: mid) <= target { low = mid } else { high = mid }
        }
        return .reduction(1 / low)
    }

    /// `sessionCost(tokens:).gpuSeconds`, the same arithmetic in the same order, with the prefill
    /// time given.
    func sessionGPUSeconds(tokens n: Int, prefillSeconds: Double) -> Double {
        let sustained = concurrencySustained(prompt: n, outputTokens: outputTokens)
        let resident = min(users, sustained, maxBatch)
        let batch = Double(max(1, resident))
        let decode = withDecoder(prompt: n) { $0.decodeTime(batch: batch, prompt: n, outputTokens: outputTokens) } / batch
        let switchSeconds = users > resident ? contextSwitchSeconds(tokens: Double(n)) : 0
        return prefillSeconds + decode + switchSeconds
    }
}

public enum CompressionNeeded: Sendable, Equatable {
    /// Shrink the KV cache by this factor (1 = already as cheap as the baseline).
    case reduction(Double)
    case impossible(String)
}
