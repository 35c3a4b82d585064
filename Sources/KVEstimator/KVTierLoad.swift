/// Time to first token of a returning session of n cached tokens and u new ones, when its KV comes
/// back from a tier below HBM, against recomputing the whole prompt.
public struct KVTierLoad: Sendable, Equatable {
    /// The tier's name.
    public var tier: String
    /// `g · min(read, host_link) · e_link`, bytes/s over the replica.
    public var readBytesPerSecond: Double
    /// `G·ρ·KV(n) / read`: moving the cached KV up.
    public var loadSeconds: Double
    /// Prefill of the u new tokens attending to all n + u.
    public var newTokensSeconds: Double
    /// The returning turn's time to first token from this tier.
    public var ttftSeconds: Double
    /// Prefill of all n + u tokens, as if nothing were cached.
    public var recomputeSeconds: Double
    /// `G·ρ·KV(n) / write`: writing the session down after its turn (off the critical path).
    public var offloadSeconds: Double

    /// Loading is faster than recomputing at this context.
    public var loadingWins: Bool { ttftSeconds < recomputeSeconds }
}

extension Estimator {
    /// `bw_tier = g · min(read, host_link) · e_link`: every tier reaches the GPU through its host
    /// link (KVTier), and calibrated mode applies the link's efficiency to it.
    public func tierReadBytesPerSecond(_ tier: KVTier) -> Double {
        let link = scenario.hardware.hostLink.bytesPerSecond
        return linkBytesPerSecond / link * min(tier.readBytesPerSecond ?? link, link)
    }

    /// The same for writing a session down.
    public func tierWriteBytesPerSecond(_ tier: KVTier) -> Double {
        let link = scenario.hardware.hostLink.bytesPerSecond
        return linkBytesPerSecond / link * min(tier.writeBytesPerSecond ?? link, link)
    }

    /// Bytes a returning session of n tokens moves: `G·ρ·KV(n)`, each rank its own heads over its own
    /// link (as `contextSwitchSeconds`).
    public func returningKVBytes(tokens n: Double) -> Double { sessionGroups * heldKVBytes(tokens: n) }

    /// Prefill of u new tokens after n cached ones: linear FLOPs of u tokens plus the attention
    /// pairs they add, `A(n + u) − A(n)` (each new token attends to everything before it), timed as
    /// any prefill — `max(compute, W/HBM_bw)`, so a short turn still reads every weight once.
    public func prefillTime(newTokens u: Double, after n: Double) -> PhaseTime {
        prefillTime(tokens: u, linearFLOPs: prefillLinearFLOPs(tokens: u),
                    attentionFLOPs: prefillAttentionFLOPs(tokens: n + u) - prefillAttentionFLOPs(tokens: n),
                    communication: gpus > 1 ? prefillCommunication(tokens: u) : CommunicationTime())
    }

    /// `TTFT_tier(n, u)`: the load of KV(n) and the prefill of u new tokens over n + u.
    ///
    /// - `none`: `t_load + t_new`, the load ends before the forward pass starts.
    /// - `layerwise`: with L layers, `t_load/L + (L − 1)·max(t_load, t_new)/L + t_new/L` — a pipeline of
    ///   L stages where layer l + 1's KV loads while layer l computes: the first load and the last
    ///   compute are exposed, the slower of the two streams sets the pace in between. LMCache loads
    ///   and stores KV "on a layer granularity" so that the forward pass can "stagger" through
    ///   each layer as its KV arrives (LMCache docs, "Layerwise KV Transfer"; vLLM's KV connector
    ///   `wait_for_layer_load(layer_name)` blocks each attention layer on its own KV only); Mooncake
    ///   overlaps the loading and storing of KVCache with prefill layer by layer (Mooncake, Qin et
    ///   al. 2024, arXiv 2407.00079, "layer-wise prefill").
    public func returningTTFT(from tier: KVTier, cached n: Int, newTokens u: Int, overlap: KVLoadOverlap) -> KVTierLoad {
        let bytes = returningKVBytes(tokens: Double(n))
        let read = tierReadBytesPerSecond(tier)
        let load = bytes / read
        let new = prefillTime(newTokens: Double(u), after: Double(n)).seconds
        let ttft: Double
        switch overlap {
        case .none:
            ttft = load + new
        case .layerwise:
            let layers = Double(max(1, scenario.model.layers))
            ttft = load / layers + (layers - 1) * max(load, new) / layers + new / layers
        }
        return KVTierLoad(
            tier: tier.name, readBytesPerSecond: read, loadSeconds: load, newTokensSeconds: new, ttftSeconds: ttft,
            recomputeSeconds: prefillTime(tokens: Double(n + u)).seconds, offloadSeconds: bytes / tierWriteBytesPerSecond(tier))
    }

    /// The break-even context of a tier: the fewest cached tokens n (1 … `limit`) from which loading
    /// KV(n) from it gives a shorter TTFT than recomputing the prefill of n + u at every longer
    /// context up to `limit`; nil when loading does not win at `limit`. Loading costs `KV(n)/bw`
    /// (linear in n) while recomputing costs linear FLOPs plus attention (quadratic in n), so long
    /// contexts end up on loading's side; in between the two can cross more than once (a layer-wise
    /// load hidden behind a long turn's prefill at short contexts, exposed at middling ones). The
    /// last losing point of a geometric grid (2% steps) is found first, then the crossing after it
    /// by bisection.
    public func breakEvenContext(for tier: KVTier, newTokens u: Int, overlap: KVLoadOverlap, limit: Int) -> Int? {
        func wins(_ n: Int) -> Bool { returningTTFT(from: tier, cached: n, newTokens: u, overlap: overlap).loadingWins }
        guard limit >= 1, wins(limit) else { return nil }
        var grid: [Int] = [1]
        while let last = grid.last, last < limit { grid.append(min(limit, max(last + 1, Int((Double(last) * 1.02).rounded(.up))))) }
        guard let lastLosing = grid.lastIndex(where: { !wins($0) }) else { return 1 }
        var (losing, winning) = (grid[lastLosing], grid[lastLosing + 1])
        while winning - losing > 1 {
            let middle = losing + (winning - losing) / 2
            if wins(middle) { winning = middle } else { losing = middle }
        }
        return winning
    }
}
