import Testing
@testable import KVEstimator

/// The estimator's hot path (`estimate(context:)`, `decodeTime`, `decodeStepTime`,
/// `concurrencySustained`, `kvBytes`) is tuned for speed: quantities shared instead of recomputed,
/// the decode sum's first linear piece found without scanning the breakpoints, `KV(c)` of a
/// layout that is proportional to c evaluated without the operations that are exact identities
/// there. Each of these must leave every figure bit for bit as the plain formulas give it. The
/// reference below is those formulas written straightforwardly (as they stood before the tuning,
/// main 835c791), using only the general `KVCacheLayout.bytes(tokens:)` and `nextBreakpoint(after:)`;
/// the test compares every field's bits over many random scenarios.
@Suite("Estimate equals the reference evaluation, bit for bit")
struct ReferenceEstimateTests {
    static let models: [Model] = [
        Fixtures.yi34b, Fixtures.llama2_7b, Fixtures.llama31_8b, Fixtures.llama31_70b, Fixtures.mistral7b,
        Fixtures.mixtral8x7b, Fixtures.deepseekV3, Fixtures.jamba, Fixtures.qwen25_7b_1m,
        Model(name: "gemma-3-27b", layers: 62, hidden: 5376, heads: 32, kvHeads: 16, headDim: 128, ffn: 21504,
              vocab: 262_208, tiedEmbeddings: true, maxContext: 131_072,
              attention: AttentionLayout(slidingWindow: 1024, layerPattern: "LLLLLG")),
        Model(name: "llama-4-scout", layers: 48, hidden: 5120, heads: 40, kvHeads: 8, headDim: 128, ffn: 8192,
              vocab: 202_048, maxContext: 10_000_000,
              moe: MixtureOfExperts(experts: 16, active: 1, shared: 1, expertFFN: 8192),
              attention: AttentionLayout(chunkSize: 8192, layerPattern: "CCCG")),
        // A window on a model whose layers are all global: a breakpoint that changes nothing.
        Model(name: "global-with-window", layers: 24, hidden: 2048, heads: 16, kvHeads: 4, headDim: 128, ffn: 8192,
              vocab: 50_000, maxContext: nil, attention: AttentionLayout(slidingWindow: 2048, layerPattern: "G")),
    ]

    static let compressions: [Compression] = [
        .none,
        Compression(name: "kivi", kvBits: 2, groupSize: 32, residualTokens: 128),
        Compression(name: "kv-int4", kvBits: 4),
        Compression(name: "snap+duo", retrievalHeads: 0.25, streamingWindow: 320, tokenKeep: 0.3, tokenBudget: 1000),
        Compression(name: "h2o+kivi", tokenKeep: 0.2, kvBits: 2, groupSize: 32, residualTokens: 128),
        Compression(name: "snapkv", tokenBudget: 2048, promptOnly: true),
        Compression(name: "snapkv-keep", tokenKeep: 0.25, promptOnly: true),
        Compression(name: "snapkv+kivi", tokenKeep: 0.4, tokenBudget: 512, promptOnly: true, kvBits: 2, groupSize: 64, residualTokens: 32),
        Compression(name: "cla", layerShare: 2),
        Compression(name: "kv-layers", kvLayers: 0.75),
        Compression(name: "low-rank", kvRank: 0.3),
        Compression(name: "duo-all", retrievalHeads: 1, streamingWindow: 512),
    ]

    static let hardware: [Hardware] = {
        var hgx = Fixtures.h100HGX
        hgx.hostMemoryBytes = 2e12
        hgx.pricePerHour = 3
        var calibrated = Fixtures.h200HGX
        calibrated.efficiency = Efficiency(matmul: 0.7, attention: 0.5, memory: 0.8, link: 0.9, kernelOverheadSecondsPerLayer: 5e-6)
        var fullDuplex = Fixtures.a100
        fullDuplex.hostLink = HostLink(name: "full duplex", bytesPerSecond: 25e9, duplex: .full)
        return [Fixtures.a100, Fixtures.h100, hgx, calibrated, fullDuplex]
    }()

    /// A random scenario: any model, compression and GPU, 1–16 GPUs as tensor × pipeline (× expert,
    /// data-parallel attention), any workload knob.
    static func scenario(_ random: inout SplitMix64) -> Scenario {
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        func chance(_ p: Double) -> Bool { Double(random.next() % 1000) < p * 1000 }
        let model = pick(models)
        var hardware = pick(hardware)
        hardware.gpus = pick([1, 1, 2, 4, 8, 16])
        let stages = pick([1, 1, 2, 4].filter { hardware.gpus % $0 == 0 && $0 <= hardware.gpus })
        hardware.parallel = ParallelLayout(
            pipelineStages: stages,
            expertParallel: model.moe != nil && chance(0.5) ? hardware.gpus / stages : 1,
            attention: model.mla != nil && chance(0.5) ? .data : .tensor)
        var workload = Workload(
            outputTokens: pick([1, 2, 17, 250, 1000, 4000]), users: pick([1, 1, 3, 8, 64, 512]),
            maxBatch: pick([nil, nil, 1, 16, 256]), weightPrecision: pick([.bf16, .fp8]),
            kvPrecision: pick([.bf16, .fp8]), reserveBytes: pick([0, 2e9]))
        workload.memoryUtilization = pick([1, 0.9])
        workload.prefillChunk = pick([nil, 512, 8192])
        workload.activationMemory = chance(0.5)
        if chance(0.25) {
            workload.speculative = SpeculativeDecoding(
                draft: pick([.multiTokenPrediction, .selfSpeculation(kvBudget: 2048), .model(Fixtures.llama2_7b)]),
                draftTokens: pick([1, 3, 5]), acceptance: pick([0.6, 0.8]))
        }
        return Scenario(model: model, hardware: hardware, compression: pick(compressions), workload: workload,
                        mode: chance(0.5) ? .calibrated : .peak)
    }

    @Test func everyFieldOfEveryEstimateIsTheReferences() throws {
        var random = SplitMix64(seed: 13)
        var compared = 0, offload = 0, promptOnly = 0, parallel = 0, proportional = 0, pieces = 0
        while compared < 1500 {
            let scenario = Self.scenario(&random)
            guard let estimator = try? Estimator(scenario) else { continue }
            let maxContext = scenario.model.maxContext ?? 1_000_000
            for _ in 0..<8 {
                // Small, large and past the model's limit; around the window and chunk sizes.
                let n = Int(1 + random.next() % UInt64(random.next() % 2 == 0 ? 9000 : maxContext + maxContext / 4))
                let baseline: Double? = random.next() % 2 == 0 ? nil : 0.5
                let fast = estimator.estimate(context: n, baselineGPUSeconds: baseline)
                let reference = estimator.referenceEstimate(context: n, baselineGPUSeconds: baseline)
                let differences = BitwiseFields.differences(fast, reference)
                #expect(differences.isEmpty, "\(scenario.model.name) \(scenario.compression.name) g=\(scenario.hardware.gpus) n=\(n): \(differences)")
                for b in [1.0, 7, 64] {
                    let m = scenario.workload.outputTokens
                    #expect(estimator.decodeTime(batch: b, prompt: n, outputTokens: m).bitPattern
                            == estimator.referenceDecodeTime(batch: b, prompt: n, outputTokens: m).bitPattern)
                    let decoder = estimator.decoding(prompt: n)
                    #expect(decoder.decodeTime(batch: b, prompt: n, outputTokens: m).bitPattern
                            == decoder.referenceDecodeTime(batch: b, prompt: n, outputTokens: m).bitPattern)
                    #expect(BitwiseFields.differences(estimator.decodeStepTime(batch: b, context: Double(n)),
                                                      estimator.referenceDecodeStepTime(batch: b, context: Double(n))).isEmpty)
                }
                #expect(estimator.kvBytes(tokens: Double(n)).bitPattern == estimator.kvCache.bytes(tokens: Double(n)).bitPattern)
                #expect(estimator.concurrencySustained(prompt: n, outputTokens: scenario.workload.outputTokens)
                        == estimator.referenceConcurrencySustained(prompt: n, outputTokens: scenario.workload.outputTokens))
                compared += 1
                if fast.regime == .offload { offload += 1 }
                if estimator.kvCache.isProportional { proportional += 1 }
                if scenario.compression.promptOnly { promptOnly += 1 }
                if scenario.hardware.gpus > 1 { parallel += 1 }
                let decoder = estimator.decoding(prompt: n)
                if decoder.kvCache.nextBreakpoint(after: Double(n)) < Double(n + scenario.workload.outputTokens) { pieces += 1 }
            }
        }
        // The draw covers every path the tuning touches (so the test cannot pass on one kind alone).
        #expect(offload > 20 && promptOnly > 100 && parallel > 300 && proportional > 100 && pieces > 20,
                "offload \(offload), prompt-only \(promptOnly), parallel \(parallel), proportional \(proportional), several pieces \(pieces)")
    }

    /// The comparison itself finds a difference in the last bit, and in a nested figure.
    @Test func theComparisonSeesOneBit() throws {
        let estimate = try Fixtures.estimator(Fixtures.yi34b).estimate(context: 4096)
        var changed = estimate
        changed.decodeSeconds = Double(bitPattern: estimate.decodeSeconds.bitPattern + 1)
        #expect(BitwiseFields.differences(changed, estimate) == ["decodeSeconds"])
        changed = estimate
        changed.prefill.memory = -0.0 * estimate.prefill.memory
        #expect(BitwiseFields.differences(changed, estimate) == ["prefill.memory"])
        #expect(BitwiseFields.differences(estimate, estimate).isEmpty)
    }
}

/// Field-by-field comparison through `Mirror`: `Double`s by their bits (so −0 ≠ 0 and NaN = NaN of
/// the same payload), everything else by its description.
enum BitwiseFields {
    static func differences(_ a: Any, _ b: Any, path: String = "") -> [String] {
        if let x = a as? Double, let y = b as? Double {
            return x.bitPattern == y.bitPattern ? [] : [path]
        }
        let left = Mirror(reflecting: a), right = Mirror(reflecting: b)
        if left.displayStyle == .optional {
            let l = left.children.first?.value, r = right.children.first?.value
            switch (l, r) {
            case (nil, nil): return []
            case let (l?, r?): return differences(l, r, path: path)
            default: return [path]
            }
        }
        if left.children.isEmpty || left.displayStyle == .enum {
            return String(describing: a) == String(describing: b) ? [] : [path]
        }
        guard left.children.count == right.children.count else { return [path] }
        var found: [String] = []
        for (l, r) in zip(left.children, right.children) {
            let name = l.label ?? "?"
            found += differences(l.value, r.value, path: path.isEmpty ? name : "\(path).\(name)")
        }
        return found
    }
}

/// main 835c791's memberwise initializer, `speculative` among the stored figures (now boxed with
/// the other rarely filled ones), so that the reference below builds its estimates as it did.
extension Estimate {
    init(
        context: Int, outputTokens: Int, regime: Regime, beyondMaxContext: Bool,
        totalParams: Double, activeParams: Double, weightsBytes: Double, weightsReadBytes: Double,
        kvBytesPerToken: Double, kvBytes: Double, availableKVBytes: Double,
        concurrency: Int, concurrencySustained: Int, kvReplication: Double, hostSessions: Int?,
        prefillPeakMemoryBytes: Double, prefillFitsUnchunked: Bool,
        prefillLinearFLOPs: Double, prefillAttentionFLOPs: Double, prefill: PhaseTime, prefillCommunication: CommunicationTime,
        decodeBatch: Int, pipelineBubble: Double, decodeStep: PhaseTime, decodeSeconds: Double,
        decodeTokensPerSecond: Double, decodeStepFLOPs: Double, contextSwitchSeconds: Double, session: SessionCost,
        speculative: SpeculativeEstimate?, relativeCost: Double?,
        prefillIntensity: Double, decodeIntensity: Double, ridgePoint: Double
    ) {
        self.init(
            context: context, outputTokens: outputTokens, regime: regime, beyondMaxContext: beyondMaxContext,
            totalParams: totalParams, activeParams: activeParams, weightsBytes: weightsBytes, weightsReadBytes: weightsReadBytes,
            kvBytesPerToken: kvBytesPerToken, kvBytes: kvBytes, availableKVBytes: availableKVBytes,
            concurrency: concurrency, concurrencySustained: concurrencySustained, kvReplication: kvReplication,
            hostSessions: hostSessions, prefillPeakMemoryBytes: prefillPeakMemoryBytes, prefillFitsUnchunked: prefillFitsUnchunked,
            prefillLinearFLOPs: prefillLinearFLOPs, prefillAttentionFLOPs: prefillAttentionFLOPs, prefill: prefill,
            prefillCommunication: prefillCommunication, decodeBatch: decodeBatch, pipelineBubble: pipelineBubble,
            decodeStep: decodeStep, decodeSeconds: decodeSeconds, decodeTokensPerSecond: decodeTokensPerSecond,
            decodeStepFLOPs: decodeStepFLOPs, contextSwitchSeconds: contextSwitchSeconds, session: session,
            relativeCost: relativeCost, prefillIntensity: prefillIntensity, decodeIntensity: decodeIntensity,
            ridgePoint: ridgePoint)
        self.speculative = speculative
    }
}

/// The formulas as plainly written (main 835c791's `estimate`, `decodeTime`, `sumOfMaximum`,
/// `decodeStepTime` and `concurrencySustained`, unchanged).
extension Estimator {
    func referenceEstimate(context n: Int, baselineGPUSeconds: Double? = nil) -> Estimate {
        let tokens = Double(n)
        let m = outputTokens
        let kv = kvCache.bytes(tokens: tokens)
        let held = kvReplication * kv
        let budget = kvBudget(prompt: tokens)
        let sessions = availableKVBytes > 0 ? self.sessions(budget: budget, held: held) : 0
        let sustained = referenceConcurrencySustained(prompt: n, outputTokens: m)
        let regime: Regime = !weightsFit ? .weightsDoNotFit : (sustained == 0 ? .offload : .hbm)
        let batch = min(users, maxBatch, max(1, sustained))
        let resident = min(users, sustained, maxBatch)
        let b = Double(batch)
        let attentionPerSession = referenceDecodeAttentionFLOPs(context: tokens)
        let step = referenceDecodeStepTime(batch: b, heldBytes: held, attentionFLOPs: attentionPerSession)
        let linear = prefillLinearFLOPs(tokens: tokens), attention = prefillAttentionFLOPs(tokens: tokens)
        let communication = gpus > 1 ? prefillCommunication(tokens: tokens) : CommunicationTime()
        let prefill = prefillTime(tokens: tokens, linearFLOPs: linear, attentionFLOPs: attention, communication: communication)
        let decodeSeconds = promptOnly
            ? decoding(prompt: n).referenceDecodeTime(batch: b, prompt: n, outputTokens: m)
            : referenceDecodeTime(batch: b, prompt: n, outputTokens: m, firstStep: step)
        let switchSeconds = contextSwitchSeconds(heldBytes: held)
        let session = SessionCost(
            residentSessions: resident, prefillSeconds: prefill.seconds, decodeSeconds: decodeSeconds / b,
            switchSeconds: users > resident ? switchSeconds : 0)
        let weightsRead = weightsReadBytes(batch: b)
        let stepBytes = weightsRead + replicatedWeightsBytes + b * held
        let stepFLOPs = decodeLinearFLOPs(batch: b) + attentionPerSession * b
        return Estimate(
            context: n, outputTokens: m, regime: regime, beyondMaxContext: n > maxContext,
            totalParams: parameters.total, activeParams: parameters.active, weightsBytes: weightsBytes,
            weightsReadBytes: weightsRead, kvBytesPerToken: kv / tokens, kvBytes: kv, availableKVBytes: availableKVBytes,
            concurrency: sessions, concurrencySustained: sustained, kvReplication: kvReplication,
            hostSessions: hostMemoryBytes.map { Int((gpus * $0 / kv).rounded(.down)) },
            prefillPeakMemoryBytes: prefillPeakMemoryBytes(tokens: tokens),
            prefillFitsUnchunked: self.sessions(budget: availableKVBytes - gpus * activationBytes(iterationTokens: tokens), held: held) >= 1,
            prefillLinearFLOPs: linear, prefillAttentionFLOPs: attention, prefill: prefill,
            prefillCommunication: communication, decodeBatch: batch,
            pipelineBubble: 1 - min(b, pipelineStages) / pipelineStages, decodeStep: step,
            decodeSeconds: decodeSeconds, decodeTokensPerSecond: b / step.seconds, decodeStepFLOPs: stepFLOPs,
            contextSwitchSeconds: switchSeconds, session: session,
            speculative: !hasSpeculative ? nil : speculative(prompt: n, batch: batch, maxBatch: max(1, sustained)),
            relativeCost: baselineGPUSeconds.map { session.gpuSeconds / $0 },
            prefillIntensity: (linear + attention) / weightsBytes, decodeIntensity: stepFLOPs / stepBytes,
            ridgePoint: matmulFLOPsPerSecond / memoryBytesPerSecond)
    }

    func referenceConcurrencySustained(prompt n: Int, outputTokens m: Int) -> Int {
        guard availableKVBytes > 0 else { return 0 }
        let layout = promptOnly ? kvCache.afterPrompt(Double(n)) : kvCache
        return sessions(budget: kvBudget(prompt: Double(n)), held: kvReplication * layout.bytes(tokens: Double(n + m)))
    }

    func referenceDecodeAttentionFLOPs(context c: Double) -> Double {
        let layout = kvCache
        var tokens = layout.globalLayers * layout.attendedTokens(c, cap: .infinity)
        if layout.localLayers > 0 { tokens += layout.localLayers * layout.attendedTokens(c, cap: layout.window) }
        if layout.chunkedLayers > 0 { tokens += layout.chunkedLayers * layout.attendedTokens(c, cap: layout.chunk) }
        return decodeAttentionFLOPsPerPair * tokens
    }

    func referenceDecodeStepTime(batch b: Double, context c: Double) -> PhaseTime {
        referenceDecodeStepTime(batch: b, heldBytes: kvReplication * kvCache.bytes(tokens: c), attentionFLOPs: referenceDecodeAttentionFLOPs(context: c))
    }

    func referenceDecodeStepTime(batch b: Double, heldBytes: Double, attentionFLOPs: Double) -> PhaseTime {
        let kv = b * heldBytes
        let resident = min(kv, max(0, availableKVBytes))
        let pp = pipelineStages
        let micro = pp > 1 ? min(max(b, 1), pp) : 1
        let part = b / micro
        let memory = pp * (weightsReadBytes(batch: part) + replicatedWeightsBytes + resident / micro) / memoryBytesPerSecond
        let link = (kv - resident) / linkBytesPerSecond
        let compute = pp * (decodeLinearFLOPs(batch: part) / matmulFLOPsPerSecond
            + attentionFLOPs * part / attentionFLOPsPerSecond)
        return PhaseTime(compute: compute, memory: memory, link: link,
                         communication: gpus > 1 ? decodeCommunicationSeconds(batch: b) : 0,
                         overhead: decodeStepOverheadSeconds)
    }

    func referenceDecodeTime(batch b: Double, prompt n: Int, outputTokens m: Int, firstStep: PhaseTime? = nil) -> Double {
        var firstStep = firstStep
        var total = 0.0
        var start = Double(n)
        let end = Double(n) + Double(m)
        while start < end {
            var pieceEnd = kvCache.nextBreakpoint(after: start)
            let kv0 = b * (kvReplication * kvCache.bytes(tokens: start)), kv1 = b * (kvReplication * kvCache.bytes(tokens: start + 1))
            let capacity = max(0, availableKVBytes)
            if kv0 <= capacity, kv1 > kv0 {
                let spill = start + (capacity - kv0) / (kv1 - kv0)
                if spill > start, spill < pieceEnd { pieceEnd = spill }
            }
            let stop = min(end, pieceEnd.rounded(.down) + 1)
            total += referenceSumOfMaximum(batch: b, from: start, to: stop, first: firstStep)
            firstStep = nil
            start = stop
        }
        return total
    }

    func referenceSumOfMaximum(batch b: Double, from: Double, to: Double, first: PhaseTime?) -> Double {
        let last = to - 1
        let first = first ?? referenceDecodeStepTime(batch: b, context: from)
        if last <= from { return first.seconds }
        let communication = (first.communication + first.overhead) * (to - from)
        let final = referenceDecodeStepTime(batch: b, context: last)
        let memory = Line(from, first.memory, last, final.memory)
        let link = Line(from, first.link, last, final.link)
        let compute = Line(from, first.compute, last, final.compute)
        var cuts = (
            memory.crossing(link, within: from, last),
            memory.crossing(compute, within: from, last),
            link.crossing(compute, within: from, last)
        )
        if cuts.0 > cuts.1 { swap(&cuts.0, &cuts.1) }
        if cuts.1 > cuts.2 { swap(&cuts.1, &cuts.2) }
        if cuts.0 > cuts.1 { swap(&cuts.0, &cuts.1) }
        var total = 0.0, lower = from
        func sumRun(through cut: Double) {
            guard cut.isFinite else { return }
            let upper = min(to, cut.rounded(.down) + 1)
            guard upper > lower else { return }
            let mid = (lower + upper - 1) / 2
            var top = memory
            if link.value(mid) > top.value(mid) { top = link }
            if compute.value(mid) > top.value(mid) { top = compute }
            total += top.sum(from: lower, to: upper)
            lower = upper
        }
        sumRun(through: cuts.0)
        sumRun(through: cuts.1)
        sumRun(through: cuts.2)
        sumRun(through: last)
        return total + communication
    }
}

/// `recalibrated(_:)` is the estimator `init` builds for the same scenario with those factors.
@Suite("An estimator re-rated for other efficiency factors equals one built with them")
struct RecalibratedEstimatorTests {
    @Test func everyFieldEqualsTheFreshEstimators() throws {
        var random = SplitMix64(seed: 2612)
        var compared = 0
        while compared < 300 {
            var scenario = ReferenceEstimateTests.scenario(&random)
            guard let base = try? Estimator(scenario) else { continue }
            func factor() -> Double { 0.05 + Double(random.next() % 950) / 1000 }
            let efficiency = Efficiency(matmul: factor(), attention: factor(), memory: factor(), link: factor(),
                                        kernelOverheadSecondsPerLayer: Double(random.next() % 3) * 4e-6)
            scenario.hardware.efficiency = efficiency
            let fresh = try Estimator(scenario)
            let rerated = try base.recalibrated(efficiency)
            #expect(BitwiseFields.differences(rerated, fresh).isEmpty, "\(scenario.model.name) on \(scenario.hardware.name): \(BitwiseFields.differences(rerated, fresh))")
            let n = Int(1 + random.next() % 200_000)
            #expect(BitwiseFields.differences(rerated.estimate(context: n), fresh.estimate(context: n)).isEmpty)
            compared += 1
        }
    }

    @Test func aFactorOutOfRangeIsRefusedAsInit() throws {
        let base = try Estimator(Scenario(model: Fixtures.llama2_7b, hardware: Fixtures.a100))
        #expect(throws: EstimatorInputError.self) { try base.recalibrated(Efficiency(memory: 1.5)) }
    }
}
