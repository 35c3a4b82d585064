/// A mixed workload sharing one GPU (SPEC §3, "Sharing the GPU"): short sessions beside a
/// fraction of long ones, arriving at a rate, prefilled in chunks, their KV cache paged in
/// blocks. Every field is optional; the sharing figures use the ones a study gives.
public struct WorkloadMix: Sendable, Equatable {
    /// Context of the short sessions the long ones share the GPU with (`short_context`), tokens.
    public var shortContextTokens: Int?
    /// Fraction p of arriving sessions that are long (`long_fraction`), in (0, 1].
    public var longFraction: Double?
    /// Sessions arriving per second, λ (`arrival_rate`).
    public var arrivalsPerSecond: Double?
    /// Prompt tokens per chunked-prefill iteration (`chunk`).
    public var chunkTokens: Int?
    /// Tokens per paged-KV block, B (`kv_block`).
    public var kvBlockTokens: Int?

    public init(
        shortContextTokens: Int? = nil, longFraction: Double? = nil, arrivalsPerSecond: Double? = nil,
        chunkTokens: Int? = nil, kvBlockTokens: Int? = nil
    ) {
        self.shortContextTokens = shortContextTokens
        self.longFraction = longFraction
        self.arrivalsPerSecond = arrivalsPerSecond
        self.chunkTokens = chunkTokens
        self.kvBlockTokens = kvBlockTokens
    }
}
