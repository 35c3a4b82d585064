import KVEstimator

/// Where the KV lives (`kv_tiers:` in a study): the tiers below HBM a returning session's KV can
/// come back from, and the workload that returns to them — each session's new tokens per turn, a
/// shared prefix, a population of conversations and the hit rate to size the tiers for.
public struct KVPlacement: Sendable, Equatable {
    /// Fastest first; each entry's `name` is unique.
    public var tiers: [KVTier]
    /// u: new tokens a returning turn adds to its n cached ones.
    public var newTokens: Int
    /// s: tokens of a prefix every session shares; nil: none.
    public var prefixTokens: Int?
    /// Conversations returning to the replica; nil: no population (no hit rates).
    public var population: SessionPopulation?
    /// The hit rate the smallest sufficient capacity is sized for.
    public var targetHitRate: Double
    public var overlap: KVLoadOverlap

    public init(tiers: [KVTier], newTokens: Int = 512, prefixTokens: Int? = nil, population: SessionPopulation? = nil,
                targetHitRate: Double = 0.9, overlap: KVLoadOverlap = .layerwise) {
        (self.tiers, self.newTokens, self.prefixTokens, self.population) = (tiers, newTokens, prefixTokens, population)
        (self.targetHitRate, self.overlap) = (targetHitRate, overlap)
    }
}
