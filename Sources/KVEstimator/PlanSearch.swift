/// One deployment the planner may choose: a GPU type, GPUs per replica (tensor parallel),
/// a compression, weight and KV precisions and a prefill chunk, and the replica model built from it.
public struct PlanCandidate: Sendable {
    public var scenario: Scenario
    public var chunkTokens: Int
    public var replica: ReplicaModel

    public var hardware: Hardware { scenario.hardware }
    public var compression: Compression { scenario.compression }
    public var gpusPerReplica: Int { scenario.hardware.gpus }
    public var weightPrecision: Precision { scenario.workload.weightPrecision }
    public var kvPrecision: Precision { scenario.workload.kvPrecision }
    /// Price of one GPU-hour, nil when the study gives none for this hardware.
    public var pricePerGPUHour: Double? { scenario.hardware.pricePerHour }

    /// "8× h200-sxm, fp8 weights, fp8 KV, chunk 2048" (the study's names); a compression that
    /// quantizes the KV (`kv_bits`) replaces its precision: "8× h200-sxm, fp8 weights, kivi-2bit, …".
    public var label: String {
        var parts = ["\(gpusPerReplica)× \(hardware.name)", "\(weightPrecision.rawValue) weights"]
        if compression.kvBits == nil { parts.append("\(kvPrecision.rawValue) KV") }
        if compression.name != Compression.none.name { parts.append(compression.name) }
        parts.append("chunk \(chunkTokens)")
        return parts.joined(separator: ", ")
    }
}

/// What the planner searches: every combination of these that makes a valid scenario.
public struct PlanSpace: Sendable {
    public var model: Model
    public var hardware: [Hardware]
    public var gpusPerReplica: [Int]
    public var compressions: [Compression]
    public var precisions: [(weights: Precision, kv: Precision)]
    public var chunks: [Int]
    /// Reserve, memory utilisation and the other settings every candidate shares.
    public var workload: Workload
    public var mode: Mode

    public init(model: Model, hardware: [Hardware], gpusPerReplica: [Int] = [1, 2, 4, 8], compressions: [Compression] = [.none],
                precisions: [(weights: Precision, kv: Precision)] = [(.bf16, .bf16)], chunks: [Int] = [2048],
                workload: Workload = Workload(), mode: Mode = .peak) {
        self.model = model
        self.hardware = hardware
        self.gpusPerReplica = gpusPerReplica
        self.compressions = compressions
        self.precisions = precisions
        self.chunks = chunks
        self.workload = workload
        self.mode = mode
    }

    /// The valid scenarios, hardware outermost: a tensor-parallel degree must divide the query
    /// heads and fill whole nodes (`Scenario.validate`); the rest are skipped.
    public func scenarios() -> [Scenario] {
        var result: [Scenario] = []
        for base in hardware {
            for gpus in gpusPerReplica {
                var hardware = base
                hardware.gpus = gpus
                hardware.parallel = ParallelLayout()
                for compression in compressions {
                    for precision in precisions {
                        var workload = workload
                        workload.weightPrecision = precision.weights
                        workload.kvPrecision = precision.kv
                        workload.sharing = nil
                        workload.prefillChunk = nil
                        workload.speculative = nil
                        let scenario = Scenario(model: model, hardware: hardware, compression: compression, workload: workload, mode: mode)
                        if (try? scenario.validate()) != nil { result.append(scenario) }
                    }
                }
            }
        }
        return result
    }

    /// Every candidate for `traffic`: the valid scenarios × the chunk sizes.
    public func candidates(for traffic: PlanWorkload) -> [PlanCandidate] {
        var result: [PlanCandidate] = []
        for scenario in scenarios() {
            guard let estimator = try? Estimator(scenario) else { continue }
            for chunk in chunks {
                result.append(PlanCandidate(scenario: scenario, chunkTokens: chunk,
                                            replica: ReplicaModel(estimator: estimator, workload: traffic, chunkTokens: chunk)))
            }
        }
        return result
    }
}

/// One candidate's answer: the replicas it needs for the whole traffic, what that costs, and what
/// binds it.
public struct PlanOption: Sendable {
    public var candidate: PlanCandidate
    /// Replicas that meet every target; nil when no number of replicas does.
    public var replicas: Int?
    /// With `replicas`: the constraint that needed the last replica (the one violated with one
    /// fewer), or, with one replica, the tightest. Without: the constraint no replica count meets.
    public var binding: PlanConstraint
    /// The binding constraint's value over its limit where it was found (> 1 for an unmet one).
    public var bindingRatio: Double
    /// For a binding TTFT target, the prompt class (its tokens) that binds.
    public var bindingPromptTokens: Int? = nil
    /// One replica at its share of the traffic (at a vanishing rate when no count of replicas works).
    public var load: ReplicaLoad
    /// Replica evaluations the search took.
    public var evaluations: Int

    public var meets: Bool { replicas != nil }
    public var gpus: Int? { replicas.map { $0 * candidate.gpusPerReplica } }
    public var dollarsPerHour: Double? {
        guard let gpus, let price = candidate.pricePerGPUHour else { return nil }
        return Double(gpus) * price
    }
}

/// The planner (issue 14): for every candidate the fewest replicas that meet the targets, the
/// cheapest candidate, the Pareto frontier of cost against TTFT p99 and TPOT p99.
public struct Plan: Sendable {
    public var traffic: PlanWorkload
    /// Every candidate's answer, in the order of `PlanSpace.candidates`.
    public var options: [PlanOption]
    /// The options that meet every target, cheapest first (by $/hour when every candidate has a
    /// price, else by GPUs; at equal cost without KV compression first, then by the typical
    /// class's TTFT p99, then TPOT p99).
    public var ranked: [PlanOption]
    /// Indices into `ranked` of the options no other beats on cost, TTFT p99 and TPOT p99 at once.
    public var frontier: [Int]
    /// Whether every candidate has a price per GPU-hour (else the ranking is by GPUs).
    public var priced: Bool
    /// Replica evaluations the whole search took.
    public var evaluations: Int

    public var cheapest: PlanOption? { ranked.first }

    /// When nothing meets the targets: the candidate closest to them at a vanishing rate (the
    /// smallest violation of its binding constraint), to say what fails. A candidate that holds
    /// the longest session comes before any that cannot hold it at all, so the answer names the
    /// obstacle more GPUs would not remove (a prefill too slow) rather than one they would.
    public var closest: PlanOption? {
        func key(_ option: PlanOption) -> (Int, Double, Int) {
            (option.binding == .memory ? 1 : 0, option.bindingRatio, option.candidate.gpusPerReplica)
        }
        return options.min { key($0) < key($1) }
    }

    /// `$/hour / (3600·λ·E[m]) · 10⁶`: the whole bill charged to output tokens, as serving prices are quoted.
    public func dollarsPerMillionOutputTokens(_ option: PlanOption) -> Double? {
        option.dollarsPerHour.map { $0 / (3600 * traffic.arrivalsPerSecond * traffic.meanOutputTokens) * 1e6 }
    }

    /// The same charged to input (prompt) tokens.
    public func dollarsPerMillionInputTokens(_ option: PlanOption) -> Double? {
        option.dollarsPerHour.map { $0 / (3600 * traffic.arrivalsPerSecond * traffic.meanPromptTokens) * 1e6 }
    }

    /// The cost the ranking uses: $/hour when priced, else GPUs.
    public func cost(_ option: PlanOption) -> Double {
        (priced ? option.dollarsPerHour : option.gpus.map(Double.init)) ?? .infinity
    }

    /// The TTFT p99 of the class most requests belong to, seconds (the frontier's axis).
    public func typicalTTFTP99(_ option: PlanOption) -> Double {
        let typical = traffic.typicalPrompt.tokens
        return option.load.classes.first { $0.promptTokens == typical }?.ttftP99Seconds ?? .infinity
    }

    public init(traffic: PlanWorkload, candidates: [PlanCandidate], maxReplicas: Int = 1 << 20) {
        self.traffic = traffic
        options = candidates.map { Plan.replicas(for: $0, traffic: traffic, maxReplicas: maxReplicas) }
        evaluations = options.reduce(0) { $0 + $1.evaluations }
        priced = !candidates.isEmpty && candidates.allSatisfy { $0.pricePerGPUHour != nil }
        ranked = []
        frontier = []
        // At equal cost the option without KV compression first: a compression that buys nothing
        // here still costs accuracy, which the planner does not price.
        let keyed = options.filter(\.meets).map {
            ($0, cost($0), $0.candidate.compression.name == Compression.none.name ? 0 : 1, typicalTTFTP99($0), $0.load.tpotP99Seconds)
        }
        ranked = keyed.sorted { ($0.1, $0.2, $0.3, $0.4) < ($1.1, $1.2, $1.3, $1.4) }.map(\.0)
        // An option is on the frontier when no other is as good on cost, TTFT and TPOT at once and
        // better on one of them (the first of equal options stands for them).
        let points = ranked.map { (cost($0), typicalTTFTP99($0), $0.load.tpotP99Seconds) }
        for (index, point) in points.enumerated() {
            let dominated = points.indices.contains { other in
                let p = points[other]
                guard other != index, p.0 <= point.0, p.1 <= point.1, p.2 <= point.2 else { return false }
                return other < index || p.0 < point.0 || p.1 < point.1 || p.2 < point.2
            }
            if !dominated { frontier.append(index) }
        }
    }

    /// The fewest replicas of `candidate` that meet the targets when the traffic is split evenly
    /// over them (each a Poisson stream of λ/r): doubling until met, then bisection, since a replica
    /// at a lower rate is never worse on any constraint. A candidate that fails at a vanishing
    /// rate fails for every count.
    public static func replicas(for candidate: PlanCandidate, traffic: PlanWorkload, maxReplicas: Int = 1 << 20) -> PlanOption {
        let replica = candidate.replica, targets = traffic.targets, lambda = traffic.arrivalsPerSecond
        var evaluations = 1
        let limit = replica.verdict(arrivalsPerSecond: 0, targets: targets)
        guard limit.meets else {
            return PlanOption(candidate: candidate, replicas: nil, binding: limit.binding, bindingRatio: limit.ratio,
                              bindingPromptTokens: limit.promptTokens, load: replica.load(arrivalsPerSecond: 0), evaluations: evaluations)
        }
        func verdict(_ r: Int) -> PlanVerdict {
            evaluations += 1
            return replica.verdict(arrivalsPerSecond: lambda / Double(r), targets: targets)
        }
        var met = verdict(1)
        var high = 1, low = 0, short = met
        while !met.meets {
            low = high
            short = met
            guard high < maxReplicas else {
                return PlanOption(candidate: candidate, replicas: nil, binding: short.binding, bindingRatio: short.ratio,
                                  bindingPromptTokens: short.promptTokens, load: replica.load(arrivalsPerSecond: lambda / Double(high)), evaluations: evaluations)
            }
            high = min(maxReplicas, high * 2)
            met = verdict(high)
        }
        while high - low > 1 {  // low fails (or is 0), high meets
            let mid = (low + high) / 2
            let v = verdict(mid)
            if v.meets { high = mid; met = v } else { low = mid; short = v }
        }
        let binding = high == 1 ? met : short
        return PlanOption(candidate: candidate, replicas: high, binding: binding.binding, bindingRatio: binding.ratio,
                          bindingPromptTokens: binding.promptTokens, load: replica.load(arrivalsPerSecond: lambda / Double(high)), evaluations: evaluations)
    }
}

/// How the answer moves when the longest prompts grow (the paper's question asked the planner's
/// way): the cheapest deployment of the same traffic with its longest class at each context,
/// with no compression and with each of the space's compressions alone.
public struct PlanContextSweep: Sendable {
    public struct Point: Sendable {
        public var contextTokens: Int
        public var compression: Compression
        public var cheapest: PlanOption?
        /// The closest candidate when none meets the targets.
        public var closest: PlanOption?
        public var priced: Bool
        public var cost: Double?
        public var dollarsPerMillionOutputTokens: Double?
    }

    public var points: [Point]

    /// Whether, at every context, each compression costs the same as no compression wherever both
    /// meet the targets (a chart's lines then coincide: compression buys nothing for this traffic).
    public var compressionsCostTheSame: Bool {
        let none = Compression.none.name
        return points.allSatisfy { point in
            guard point.compression.name != none, let cost = point.cost,
                  let base = points.first(where: { $0.contextTokens == point.contextTokens && $0.compression.name == none })?.cost else { return true }
            return cost == base
        }
    }

    public init(space: PlanSpace, traffic: PlanWorkload, contexts: [Int]) {
        var compressions = [Compression.none]
        for compression in space.compressions where compression.name != Compression.none.name { compressions.append(compression) }
        points = []
        for context in contexts {
            let shifted = traffic.withLongestPrompt(tokens: context)
            for compression in compressions {
                var one = space
                one.compressions = [compression]
                let plan = Plan(traffic: shifted, candidates: one.candidates(for: shifted))
                points.append(Point(
                    contextTokens: context, compression: compression, cheapest: plan.cheapest,
                    closest: plan.cheapest == nil ? plan.closest : nil, priced: plan.priced,
                    cost: plan.cheapest.map(plan.cost), dollarsPerMillionOutputTokens: plan.cheapest.flatMap(plan.dollarsPerMillionOutputTokens)))
            }
        }
    }
}
