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
        if sessionCost(tokens: n).gpuSeconds <= target { return .reduction(1) }
        if prefillTime(tokens: Double(n)).seconds >= target {
            return .impossible("prefill alone takes longer than the baseline session; no KV reduction shortens prefill")
        }
        var smallest = self
        smallest.kvCache.scale = 1e-9
        if smallest.sessionCost(tokens: n).gpuSeconds > target {
            return .impossible("even with no KV cache at all, reading the weights and computing keep the session above the baseline")
        }
        var low = 1e-9, high = 1.0  // scale: cost(low) ≤ target < cost(high)
        for _ in 0..<100 where high / low > 1 + 1e-6 {
            let mid = (low * high).squareRoot()
            var trial = self
            trial.kvCache.scale = mid
            if trial.sessionCost(tokens: n).gpuSeconds <= target { low = mid } else { high = mid }
        }
        return .reduction(1 / low)
    }
}

public enum CompressionNeeded: Sendable, Equatable {
    /// Shrink the KV cache by this factor (1 = already as cheap as the baseline).
    case reduction(Double)
    case impossible(String)
}
