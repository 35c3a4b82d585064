import KVEstimator
import KVStudy

/// Where the KV lives (`kv_tiers`), evaluated once: for each compared scenario, a returning turn's
/// TTFT from each tier and by recomputing at every context, each tier's break-even context, the
/// shared prefix's effect, the population's hit rates and the capacity they need; and the "whole
/// HBM vs half HBM + half host" comparison for the primary scenario. Numbers only.
public struct KVPlacementEvaluation: Sendable {
    public var placement: KVPlacement
    public var scenarios: [ScenarioPlacement]
    /// The places below HBM a population's turns are evaluated with, one alternative at a time.
    public var alternatives: [Alternative]
    /// The same GPU with all its HBM, against half of it plus as much host DRAM.
    public var split: HBMSplit?

    /// One way to build the levels below HBM from the study's tiers (`KVTierAlternatives`).
    public struct Alternative: Sendable {
        /// "host-dram + nvme-gen5".
        public var name: String
        /// The levels below HBM, fastest first (host DRAM, then the alternative's own tier).
        public var tiers: [KVTier]
        /// The tier this alternative evaluates (its last level).
        public var tier: KVTier { tiers[tiers.count - 1] }
    }

    public static func alternatives(_ tiers: [KVTier]) -> [Alternative] {
        KVTierAlternatives.of(tiers).map { Alternative(name: $0.map(\.name).joined(separator: " + "), tiers: $0) }
    }

    public struct ScenarioPlacement: Sendable {
        public var scenario: Scenario
        public var label: String
        /// The study's contexts (n, cached tokens of the returning session) of which one session fits in HBM.
        public var contexts: [Int]
        /// `[context][tier]`, tiers in the study's order.
        public var loads: [[KVTierLoad]]
        /// Per tier: the fewest cached tokens from which loading beats recomputing; nil: never up to `breakEvenLimit`.
        public var breakEvens: [Int?]
        /// The model's maximum context (the study's longest when it states none), or the longest
        /// context of which one session still fits in HBM when that is shorter.
        public var breakEvenLimit: Int
        /// Per tier: its capacity over the replica (`.infinity` when unbounded).
        public var tierCapacities: [Double]
        /// Per context, with a shared prefix (nil at contexts not longer than it); empty without one.
        public var prefix: [PrefixReuse?]
        /// `[context][alternative]`, with a population; empty without one.
        public var turns: [[ReturningTurns]]
        /// `[context][alternative]`: how busy those turns keep each tier, the host link and the replica.
        public var traffic: [[TurnTraffic]]
        /// At `sweepContext`: the population's turns as the capacity below HBM varies; empty without one.
        public var capacitySweep: [CapacityPoint]
        public var sweepContext: Int
        /// Formulas at the shortest and longest context.
        public var traces: [(context: Int, traces: [FormulaTrace])]
    }

    /// One capacity of the tiers below HBM (all of them together, inclusive), and what turns cost with it.
    public struct CapacityPoint: Sendable {
        public var capacityBytes: Double
        public var hitRate: Double
        public var gpuSeconds: Double
        public var ttftSeconds: Double
    }

    /// "80 GB GPU vs 40 GB GPU + 40 GB host" for the primary scenario at `context`.
    public struct HBMSplit: Sendable {
        public var label: String
        public var context: Int
        public var whole: Side
        public var half: Side
        /// Host DRAM the half side adds, per GPU.
        public var hostBytesPerGPU: Double

        public struct Side: Sendable {
            public var hbmBytesPerGPU: Double
            public var weightsFit: Bool
            public var concurrency: Int
            /// HBM left for KV over the replica.
            public var kvBytes: Double
            /// With a population; nil without.
            public var turns: ReturningTurns?
            /// A returning turn from host DRAM (the half side) or from HBM (the whole side).
            public var returningTTFTSeconds: Double
        }
    }

    public init(study: Study, placement: KVPlacement) throws(EstimatorInputError) {
        self.placement = placement
        for tier in placement.tiers { try tier.validate() }
        try placement.population?.validate()
        let dimensions = VaryingDimensions(study)
        var scenarios: [ScenarioPlacement] = []
        for mode in study.modes where study.mode != .both || mode == .calibrated {
            for scenario in study.scenarios(mode: mode) {
                let estimator = try Estimator(scenario)
                guard let entry = Self.evaluate(estimator, label: dimensions.label(scenario), study: study, placement: placement) else { continue }
                scenarios.append(entry)
            }
        }
        self.scenarios = scenarios
        alternatives = Self.alternatives(placement.tiers)
        if let first = scenarios.first {
            split = try Self.split(first.scenario, label: "\(first.scenario.model.label) on \(first.scenario.hardware.label)", context: first.sweepContext, placement: placement)
        }
    }

    /// nil when not one session of the study's shortest context (plus the new tokens) fits in HBM:
    /// a KV that cannot be held cannot be loaded back either.
    static func evaluate(_ e: Estimator, label: String, study: Study, placement p: KVPlacement) -> ScenarioPlacement? {
        let u = p.newTokens
        let fits = { (n: Int) in e.concurrency(tokens: Double(n + u)) >= 1 }
        let contexts = study.contexts.filter(fits)
        guard let longest = contexts.last else { return nil }
        // The break-even is searched up to the model's maximum (or the study's longest context),
        // but no further than one session still fits.
        var limit = max(e.scenario.model.maxContext ?? longest, longest)
        if !fits(limit) {
            var (fitting, over) = (longest, limit)
            while over - fitting > 1 {
                let middle = fitting + (over - fitting) / 2
                if fits(middle) { fitting = middle } else { over = middle }
            }
            limit = fitting
        }
        let within = contexts.last { $0 <= (e.scenario.model.maxContext ?? Int.max) } ?? longest
        let alternatives = Self.alternatives(p.tiers)
        var turns: [[ReturningTurns]] = [], traffic: [[TurnTraffic]] = []
        if let population = p.population {
            turns = contexts.map { n in
                alternatives.map { e.returningTurns(population: population, tiers: $0.tiers, cached: n, newTokens: u, overlap: p.overlap, targetHitRate: p.targetHitRate) }
            }
            traffic = zip(contexts, turns).map { n, row in
                zip(alternatives, row).map { e.turnTraffic($1, population: population, tiers: $0.tiers, cached: n, newTokens: u) }
            }
        }
        var sweep: [CapacityPoint] = []
        if let population = p.population {
            let total = LRUHitRate.totalBytes(population.objects(bytes: e.returningKVBytes(tokens: Double(within))))
            sweep = (0...24).map { step in
                let capacity = total * 1.2 * Double(step) / 24
                let tier = KVTier(name: "below HBM", capacityBytes: capacity / e.gpus, readBytesPerSecond: p.tiers.first?.readBytesPerSecond)
                let t = e.returningTurns(population: population, tiers: [tier], cached: within, newTokens: u, overlap: p.overlap, targetHitRate: p.targetHitRate)
                return CapacityPoint(capacityBytes: capacity, hitRate: t.hitRate, gpuSeconds: t.gpuSeconds, ttftSeconds: t.ttftSeconds)
            }
        }
        let traced = Array(Set([contexts.first, contexts.last].compactMap { $0 })).sorted()
        return ScenarioPlacement(
            scenario: e.scenario, label: label, contexts: contexts,
            loads: contexts.map { n in p.tiers.map { e.returningTTFT(from: $0, cached: n, newTokens: u, overlap: p.overlap) } },
            breakEvens: p.tiers.map { e.breakEvenContext(for: $0, newTokens: u, overlap: p.overlap, limit: limit) },
            breakEvenLimit: limit,
            tierCapacities: p.tiers.map(e.tierCapacityBytes),
            prefix: p.prefixTokens.map { s in contexts.map { $0 > s ? e.prefixReuse(prefix: s, context: $0) : nil } } ?? [],
            turns: turns, traffic: traffic, capacitySweep: sweep, sweepContext: within,
            traces: traced.map { n in
                (n, e.kvPlacementTraces(tiers: p.tiers, cached: n, newTokens: u, overlap: p.overlap, prefix: p.prefixTokens.flatMap { $0 < n ? $0 : nil },
                                        population: p.population, targetHitRate: p.targetHitRate))
            })
    }

    /// The scenario's GPU with all its HBM and no tier, against the same GPU with half the HBM and
    /// the other half as host DRAM over its own host link (same FLOP/s and HBM bandwidth: only
    /// where the bytes sit changes).
    static func split(_ scenario: Scenario, label: String, context n: Int, placement p: KVPlacement) throws(EstimatorInputError) -> HBMSplit {
        let hbm = scenario.hardware.hbmBytes
        var halfScenario = scenario
        halfScenario.hardware.hbmBytes = hbm / 2
        halfScenario.workload.reserveBytes = min(scenario.workload.reserveBytes, hbm / 4)
        let host = KVTier(name: "host-dram", label: "Host DRAM", capacityBytes: hbm / 2)
        func side(_ s: Scenario, tiers: [KVTier]) throws(EstimatorInputError) -> HBMSplit.Side {
            let e = try Estimator(s)
            let turns = p.population.flatMap { e.weightsFit ? e.returningTurns(population: $0, tiers: tiers, cached: n, newTokens: p.newTokens, overlap: p.overlap, targetHitRate: p.targetHitRate) : nil }
            let returning = tiers.first.map { e.returningTTFT(from: $0, cached: n, newTokens: p.newTokens, overlap: p.overlap).ttftSeconds }
                ?? e.prefillTime(newTokens: Double(p.newTokens), after: Double(n)).seconds
            return HBMSplit.Side(hbmBytesPerGPU: s.hardware.hbmBytes, weightsFit: e.weightsFit, concurrency: e.concurrency(tokens: Double(n)),
                                 kvBytes: max(0, e.availableKVBytes), turns: turns, returningTTFTSeconds: returning)
        }
        return HBMSplit(label: label, context: n, whole: try side(scenario, tiers: []), half: try side(halfScenario, tiers: [host]), hostBytesPerGPU: hbm / 2)
    }

    /// The formulas of one scenario at one context (`kvplan estimate --explain`), computed on demand.
    public func traces(_ scenario: Scenario, context n: Int) -> [FormulaTrace] {
        guard point(scenario, context: n) != nil, let e = try? Estimator(scenario) else { return [] }
        let p = placement
        return e.kvPlacementTraces(tiers: p.tiers, cached: n, newTokens: p.newTokens, overlap: p.overlap, prefix: p.prefixTokens.flatMap { $0 < n ? $0 : nil },
                                   population: p.population, targetHitRate: p.targetHitRate)
    }

    /// The figures of one scenario at one context (`kvplan estimate --json`).
    public func point(_ scenario: Scenario, context: Int) -> (ScenarioPlacement, Int)? {
        guard let entry = scenarios.first(where: { $0.scenario == scenario }), let index = entry.contexts.firstIndex(of: context) else { return nil }
        return (entry, index)
    }
}
