/// A population of multi-turn conversations sharing one replica: `sessions` conversations, each
/// returning for another turn after a think time of `thinkSeconds` on average (exponentially
/// distributed, so returns are the Poisson streams Che's approximation assumes).
public struct SessionPopulation: Sendable, Equatable {
    public var sessions: Int
    public var thinkSeconds: Double

    public init(sessions: Int, thinkSeconds: Double) {
        (self.sessions, self.thinkSeconds) = (sessions, thinkSeconds)
    }

    public func validate() throws(EstimatorInputError) {
        try Check.positive(sessions, "sessions")
        try Check.positive(thinkSeconds, "think_time")
    }

    /// The conversations as one group of alike objects of `bytes` each.
    public func objects(bytes: Double) -> [CachedObjects] {
        [CachedObjects(count: Double(sessions), bytes: bytes, requestsPerSecond: 1 / thinkSeconds)]
    }
}

/// Where a returning turn finds its KV, and what the turn costs on average.
public struct ReturningTurns: Sendable, Equatable {
    /// One place a turn can be served from: HBM, a tier, or nowhere (recompute).
    public struct Source: Sendable, Equatable {
        /// "HBM", a tier's name, or "recompute".
        public var name: String
        /// Bytes this place holds for the replica (HBM: the KV space; `.infinity`: unbounded).
        public var capacityBytes: Double
        /// Share of turns served from here.
        public var fraction: Double
        public var ttftSeconds: Double
        /// GPU-seconds of the replica the turn's prefill computes.
        public var gpuSeconds: Double
        /// Moving the session's KV up from here (0 for HBM and recompute): `G·ρ·KV(n) / bw`.
        public var loadSeconds: Double = 0
        /// Share of turns whose KV is here or in a place above (inclusive: this place holds it).
        public var coveredThrough: Double = 0
    }

    public var sources: [Source]
    /// Turns whose KV is found anywhere (HBM or a tier).
    public var hitRate: Double
    public var ttftSeconds: Double
    public var gpuSeconds: Double
    /// The least capacity (bytes, replica) whose LRU reaches the study's target hit rate.
    public var capacityForTarget: Double
}

extension Estimator {
    /// Capacity of a tier over the replica: `g · capacity`, host DRAM defaulting to `host_memory`;
    /// `.infinity` when neither states one.
    public func tierCapacityBytes(_ tier: KVTier) -> Double {
        let perGPU = tier.capacityBytes ?? (tier.isHostMemory ? hostMemoryBytes : nil)
        return perGPU.map { gpus * $0 } ?? .infinity
    }

    /// Expected time to first token and GPU-seconds of a returning turn over a population. The
    /// places form an inclusive hierarchy, fastest first — HBM (the KV space the weights leave,
    /// where vLLM's prefix cache keeps finished sessions' blocks), then the tiers in the order
    /// given; every turn's KV is written through to every tier (LMCache stores each chunk to each
    /// configured backend, CPU DRAM as the hot cache and disk or a remote store as the large one),
    /// so the places up to k hold the sessions of an LRU of their largest capacity
    /// (Che's `h(C)`, `LRUHitRate`), and a turn is served from place k with probability
    /// `h(max C_1..C_k) − h(max C_1..C_(k−1))`. A hit in HBM prefills only the new tokens; a hit in a
    /// tier costs `returningTTFT` — even where recomputing would be faster, as engines load
    /// whatever they find — and a miss recomputes n + u. GPU-seconds count the replica's compute:
    /// `g · prefill` of what the turn computes (the load is a copy engine's work).
    public func returningTurns(
        population: SessionPopulation, tiers: [KVTier], cached n: Int, newTokens u: Int, overlap: KVLoadOverlap,
        targetHitRate: Double
    ) -> ReturningTurns {
        let objects = population.objects(bytes: returningKVBytes(tokens: Double(n)))
        let hbmOnly = prefillTime(newTokens: Double(u), after: Double(n)).seconds
        let recompute = prefillTime(tokens: Double(n + u)).seconds
        var sources: [ReturningTurns.Source] = []
        var largest = 0.0, covered = 0.0
        func add(_ name: String, capacity: Double, ttft: Double, compute: Double, load: Double = 0) {
            largest = max(largest, capacity)
            let reached = LRUHitRate.hitRate(objects, capacityBytes: largest)
            let fraction = max(0, reached - covered)
            covered = max(covered, reached)
            sources.append(.init(name: name, capacityBytes: capacity, fraction: fraction, ttftSeconds: ttft, gpuSeconds: gpus * compute, loadSeconds: load, coveredThrough: covered))
        }
        add("HBM", capacity: max(0, availableKVBytes), ttft: hbmOnly, compute: hbmOnly)
        for tier in tiers {
            let load = returningTTFT(from: tier, cached: n, newTokens: u, overlap: overlap)
            add(tier.name, capacity: tierCapacityBytes(tier), ttft: load.ttftSeconds, compute: load.newTokensSeconds, load: load.loadSeconds)
        }
        sources.append(.init(name: "recompute", capacityBytes: 0, fraction: max(0, 1 - covered), ttftSeconds: recompute, gpuSeconds: gpus * recompute, coveredThrough: 1))
        return ReturningTurns(
            sources: sources, hitRate: covered,
            ttftSeconds: sources.reduce(0) { $0 + $1.fraction * $1.ttftSeconds },
            gpuSeconds: sources.reduce(0) { $0 + $1.fraction * $1.gpuSeconds },
            capacityForTarget: LRUHitRate.capacity(forHitRate: targetHitRate, objects))
    }
}
