/// A GPU shared by many tenants (SPEC §3, "Sharing the GPU"; seed 004): short sessions beside a
/// fraction of long ones, arriving at random, the long prompts prefilled in chunks beside the
/// short sessions' decode, every session's KV cache paged in blocks.
///
/// The long sessions are the scenario's own context; this type says what shares the GPU with
/// them. (Named apart from the loader's `WorkloadMix`, whose keys are all optional: the loader
/// or the CLI fills the defaults below and hands the estimator this complete value.)
public struct SharingWorkload: Sendable, Equatable {
    /// Context of the short sessions (`short_context`), tokens.
    public var shortContextTokens: Int
    /// Fraction p of arriving requests that are long (`long_fraction`), in [0, 1].
    public var longFraction: Double
    /// Poisson arrival rate λ of requests, short and long together (`arrival_rate`), per second.
    public var arrivalsPerSecond: Double
    /// Prompt tokens per chunked-prefill iteration (`chunk`), c. The default, 2048, is the issue's
    /// acceptance setting and within the 512–2048 Sarathi-Serve evaluates (arXiv 2403.02310 §5).
    public var chunkTokens: Int
    /// Tokens per paged-KV block (`kv_block`), B. vLLM's default block is 16 tokens
    /// (Kwon et al. 2023, arXiv 2309.06180 §7.2).
    public var kvBlockTokens: Int

    public init(
        shortContextTokens: Int, longFraction: Double, arrivalsPerSecond: Double,
        chunkTokens: Int = 2048, kvBlockTokens: Int = 16
    ) {
        self.shortContextTokens = shortContextTokens
        self.longFraction = longFraction
        self.arrivalsPerSecond = arrivalsPerSecond
        self.chunkTokens = chunkTokens
        self.kvBlockTokens = kvBlockTokens
    }

    public func validate() throws(EstimatorInputError) {
        try Check.positive(shortContextTokens, "workload.short_context")
        guard longFraction.isFinite, longFraction >= 0, longFraction <= 1 else {
            throw EstimatorInputError(field: "workload.long_fraction", "must be a fraction in [0, 1], got \(longFraction)")
        }
        try Check.positive(arrivalsPerSecond, "workload.arrival_rate")
        try Check.positive(chunkTokens, "workload.chunk")
        try Check.positive(kvBlockTokens, "workload.kv_block")
    }
}
