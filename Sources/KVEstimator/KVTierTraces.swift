extension Estimator {
    /// The formulas of where the KV lives at n cached tokens, with this scenario's values (`--explain`
    /// and the report's formula box): each tier's load and TTFT against recomputing, the shared
    /// prefix, and the population's hit rate.
    public func kvPlacementTraces(
        tiers: [KVTier], cached n: Int, newTokens u: Int, overlap: KVLoadOverlap, prefix: Int?,
        population: SessionPopulation?, targetHitRate: Double
    ) -> [FormulaTrace] {
        var traces: [FormulaTrace] = []
        let recompute = prefillTime(tokens: Double(n + u)).seconds
        traces.append(FormulaTrace(
            "Recompute a returning turn", "t_prefill(n + u)", "t_prefill(\(n) + \(u))", "\(sig(recompute)) s"))
        let layers = scenario.model.layers
        for tier in tiers {
            let load = returningTTFT(from: tier, cached: n, newTokens: u, overlap: overlap)
            traces.append(FormulaTrace(
                "Load from \(tier.name)", "t_load = G·ρ·KV(n) / (g · min(read, host_link) · e_link)",
                "\(sig(returningKVBytes(tokens: Double(n)))) B / \(sig(load.readBytesPerSecond)) B/s", "\(sig(load.loadSeconds)) s"))
            let formula = overlap == .none
                ? "TTFT = t_load + t_new(u | n)"
                : "TTFT = t_load/L + (L − 1)·max(t_load, t_new)/L + t_new/L (layer-wise, LMCache and Mooncake)"
            let values = overlap == .none
                ? "\(sig(load.loadSeconds)) + \(sig(load.newTokensSeconds))"
                : "\(sig(load.loadSeconds))/\(layers) + \(layers - 1)·max(\(sig(load.loadSeconds)), \(sig(load.newTokensSeconds)))/\(layers) + \(sig(load.newTokensSeconds))/\(layers)"
            traces.append(FormulaTrace(
                "TTFT from \(tier.name)", formula, values,
                "\(sig(load.ttftSeconds)) s (\(load.loadingWins ? "loading wins" : "recomputing wins"))"))
        }
        if let prefix {
            let reuse = prefixReuse(prefix: prefix, context: n)
            traces.append(FormulaTrace(
                "Concurrency with a shared prefix", "⌊(available − ρ·KV(s)) / (ρ·(KV(n) − KV(s)))⌋",
                "⌊(\(sig(kvBudget(prompt: Double(n)))) − \(sig(heldKVBytes(tokens: Double(reuse.prefixTokens))))) / (\(sig(heldKVBytes(tokens: Double(n)))) − \(sig(heldKVBytes(tokens: Double(reuse.prefixTokens)))))⌋",
                "\(reuse.concurrency) sessions (\(reuse.concurrencyUnshared) without sharing)"))
            traces.append(FormulaTrace(
                "Prefill saved by the prefix", "t_prefill(n) − t_new(n − s | s)",
                "\(sig(reuse.prefillSeconds)) − \(sig(reuse.suffixPrefillSeconds))", "\(sig(reuse.prefillSecondsSaved)) s per request"))
        }
        if let population {
            // The first alternative below HBM (host DRAM, when listed): its levels have finite
            // capacities, so each step of Che's fill equation can be reproduced by hand.
            let levels = KVTierAlternatives.of(tiers).first ?? []
            let turns = returningTurns(population: population, tiers: levels, cached: n, newTokens: u, overlap: overlap, targetHitRate: targetHitRate)
            let bytes = returningKVBytes(tokens: Double(n))
            let objects = population.objects(bytes: bytes)
            var largest = 0.0
            for source in turns.sources.dropLast() {
                largest = max(largest, source.capacityBytes)
                let t = LRUHitRate.characteristicTime(objects, capacityBytes: largest)
                traces.append(FormulaTrace(
                    "LRU hit rate through \(source.name) (Che's approximation)",
                    "N·KV·(1 − e^(−T_C/think)) = C, C the largest capacity so far (levels are inclusive); h = 1 − e^(−T_C/think)",
                    "N = \(population.sessions), KV = \(sig(bytes)) B, think = \(sig(population.thinkSeconds)) s, C = \(largest.isFinite ? sig(largest) : "∞") B, T_C = \(t.isFinite ? sig(t) : "∞") s",
                    "h = \(sig(source.coveredThrough)); served from \(source.name): \(sig(source.fraction))"))
            }
            traces.append(FormulaTrace(
                "Expected turn with \(levels.isEmpty ? "HBM only" : (["HBM"] + levels.map(\.name)).joined(separator: " → "))", "Σ_places P(place) · TTFT(place); GPU-s = Σ P · g · t_compute",
                turns.sources.map { "\(sig($0.fraction))·\(sig($0.ttftSeconds))" }.joined(separator: " + "),
                "\(sig(turns.ttftSeconds)) s TTFT, \(sig(turns.gpuSeconds)) GPU-s"))
        }
        return traces
    }
}
