/// How busy a population's returning turns keep each tier, the host link and the replica itself —
/// a utilisation ρ = (work arriving per second) × (seconds each takes). At ρ ≥ 1 the place is
/// saturated: queues grow without bound and the TTFT computed for an idle tier cannot hold; about
/// ⌈ρ⌉ drives, links or replicas (each taking 1/⌈ρ⌉ of the turns) bring it under 1.
///
/// Turns arrive at `λ = N / think` per second (Little's law over the population).
/// - A tier's reads: `λ · P(served from the tier) · t_load`, `t_load = G·ρ·KV(n) / (g·min(read, host_link)·e_link)`.
/// - Its writes (write-through, `ReturningTurns`): a turn whose KV the tier already held appends
///   the new tokens' KV, `KV(n + u) − KV(n)`; any other writes the whole `KV(n + u)` — LMCache's
///   `store` indexes chunks by prefix hash and skips those already stored (LMCache developer docs,
///   "LMCache Engine", `skip_existing`).
///   `λ · bytes / (g·min(write, host_link)·e_link)`; a drive serves reads and writes in turn, so
///   its utilisation is their sum.
/// - The host link, one direction each (PCIe and NVLink-C2C are full duplex): host → GPU carries
///   every tier's reads, GPU → host each turn's written bytes once (the first tier's; lower tiers
///   are filled from host memory, not over the GPU's link).
/// - The replica: `λ · (t_prefill + T_decode / b)` — the expected prefill of a turn (new tokens on
///   a hit, the whole prompt on a miss) plus its share of a decode batch of `b = concurrency_sustained`
///   sessions emitting the workload's output tokens; prefill and decode share the GPUs' time.
public struct TurnTraffic: Sendable, Equatable {
    public struct TierUse: Sendable, Equatable {
        public var name: String
        public var readUtilisation: Double
        public var writeUtilisation: Double
        /// Host DRAM is reached over the host link only: its own load is the link's.
        public var isHostMemory: Bool
        public var utilisation: Double { readUtilisation + writeUtilisation }
    }

    public var turnsPerSecond: Double
    public var tiers: [TierUse]
    public var hostLinkToGPU: Double
    public var hostLinkFromGPU: Double
    public var prefill: Double
    public var decode: Double

    public var hostLink: Double { max(hostLinkToGPU, hostLinkFromGPU) }
    public var replica: Double { prefill + decode }

    /// The busiest place: its name ("replica", "host link" or a tier's) and utilisation.
    public var busiest: (name: String, utilisation: Double) {
        let places = [("replica", replica), ("host link", hostLink)] + tiers.filter { !$0.isHostMemory }.map { ($0.name, $0.utilisation) }
        return places.max { $0.1 < $1.1 } ?? ("replica", replica)
    }

    /// `⌈ρ⌉`: how many of a saturated place bring each under 1 (1 when it is not saturated).
    public static func needed(_ utilisation: Double) -> Int {
        utilisation.isFinite ? max(1, Int(utilisation.rounded(.up))) : Int.max
    }
}

extension Estimator {
    /// The traffic of `turns` (from `returningTurns` over the same tiers, cached tokens and new
    /// tokens): see `TurnTraffic` for the formulas and their sources.
    public func turnTraffic(_ turns: ReturningTurns, population: SessionPopulation, tiers: [KVTier], cached n: Int, newTokens u: Int) -> TurnTraffic {
        let lambda = Double(population.sessions) / population.thinkSeconds
        let loaded = returningKVBytes(tokens: Double(n))
        let session = returningKVBytes(tokens: Double(n + u))
        let appended = session - loaded
        var uses: [TurnTraffic.TierUse] = []
        var toGPU = 0.0
        var fromGPU = 0.0
        for (tier, source) in zip(tiers, turns.sources.dropFirst()) {
            let written = (1 - source.coveredThrough) * session + source.coveredThrough * appended
            if uses.isEmpty { fromGPU = lambda * written }
            toGPU += lambda * source.fraction * loaded
            uses.append(.init(name: tier.name, readUtilisation: lambda * source.fraction * source.loadSeconds,
                              writeUtilisation: lambda * written / tierWriteBytesPerSecond(tier), isHostMemory: tier.isHostMemory))
        }
        let m = outputTokens
        let batch = Double(max(1, concurrencySustained(prompt: n + u, outputTokens: m)))
        let decodePerTurn = m > 0 ? decodeTime(batch: batch, prompt: n + u, outputTokens: m) / batch : 0
        return TurnTraffic(turnsPerSecond: lambda, tiers: uses, hostLinkToGPU: toGPU / linkBytesPerSecond, hostLinkFromGPU: fromGPU / linkBytesPerSecond,
                           prefill: lambda * turns.gpuSeconds / gpus, decode: lambda * decodePerTurn)
    }
}
