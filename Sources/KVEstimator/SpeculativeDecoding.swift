/// Speculative decoding: a cheap draft proposes γ tokens, the target model verifies them in one
/// step over γ + 1 positions and keeps the accepted prefix plus one token of its own (Leviathan
/// et al. 2023, "Fast Inference from Transformers via Speculative Decoding"; Chen et al. 2023).
/// The paper's TriForce (Sun et al. 2024) drafts with the target itself on a compressed KV;
/// MagicDec (Chen et al. 2024) shows that this pays off even for large batches once contexts are
/// long, because decode is then bound by reading the KV, which a short draft cache avoids.
public struct SpeculativeDecoding: Sendable, Equatable {
    public enum Draft: Sendable, Equatable {
        /// A small model of the same family (its own weights and KV are read each draft step).
        case model(Model)
        /// The target itself on a compressed KV of `kvBudget` tokens (TriForce, MagicDec's
        /// StreamingLLM draft): weights read in full, KV capped.
        case selfSpeculation(kvBudget: Int)
        /// Multi-token-prediction heads (DeepSeek-V3 §2.2): one extra transformer block and the
        /// shared LM head per drafted token.
        case multiTokenPrediction
    }

    public var draft: Draft
    /// γ: tokens the draft proposes per target step.
    public var draftTokens: Int
    /// α: probability that the target accepts one drafted token (i.i.d., as in Leviathan et al.).
    public var acceptance: Double

    public init(draft: Draft, draftTokens: Int, acceptance: Double) {
        (self.draft, self.draftTokens, self.acceptance) = (draft, draftTokens, acceptance)
    }

    /// Expected tokens per target step, `(1 − α^(γ+1)) / (1 − α)` (Leviathan et al. 2023, eq. 1);
    /// γ + 1 when every token is accepted.
    public var expectedTokensPerStep: Double {
        let a = acceptance, g = Double(draftTokens)
        guard a < 1 else { return g + 1 }
        return (1 - pow(a, g + 1)) / (1 - a)
    }

    public var name: String {
        switch draft {
        case .model(let model): model.name
        case .selfSpeculation(let budget): "self-\(budget)"
        case .multiTokenPrediction: "mtp"
        }
    }

    func validate() throws(EstimatorInputError) {
        try Check.positive(draftTokens, "workload.speculative.draft_tokens")
        guard acceptance.isFinite, acceptance >= 0, acceptance <= 1 else {
            throw EstimatorInputError(field: "workload.speculative.acceptance", "must be a probability in [0, 1], got \(acceptance)")
        }
        switch draft {
        case .model(let model): try model.validate()
        case .selfSpeculation(let budget): try Check.positive(budget, "workload.speculative.draft")
        case .multiTokenPrediction: break
        }
    }
}

/// What speculative decoding does to the decode of one scenario at one context and batch.
public struct SpeculativeEstimate: Sendable, Equatable {
    public var draftName: String
    /// `(1 − α^(γ+1)) / (1 − α)`.
    public var tokensPerStep: Double
    /// One target step over γ + 1 positions plus γ draft steps, at c = n.
    public var stepSeconds: Double
    public var verifySeconds: Double
    public var draftStepSeconds: Double
    /// m tokens after the prompt: `Σ_s t_spec(n + s·E)` over ⌈m/E⌉ steps.
    public var decodeSeconds: Double
    /// Plain decode time over speculative decode time at the same batch (> 1: it pays off).
    public var speedup: Double
    /// The smallest batch (up to the sustained concurrency) at which it pays off; 0 when it pays
    /// off at none.
    public var paysOffFromBatch: Int
    /// The largest batch (up to the sustained concurrency) at which it still pays off; 0 when it
    /// pays off at none.
    public var paysOffUpToBatch: Int
}

extension Estimator {
    /// The target's verify step: b sessions each scoring q = γ + 1 positions at context c. The
    /// bytes are one decode step's (weights and KV read once); linear and attention FLOPs and the
    /// collectives' tokens are q times a step's.
    public func verifyStepTime(batch b: Double, context c: Double, positions q: Double) -> PhaseTime {
        var step = decodeStepTime(batch: b, context: c)
        let pp = pipelineStages
        let micro = pp > 1 ? min(max(b, 1), pp) : 1
        let part = b / micro
        step.compute = pp * (decodeLinearFLOPs(batch: part * q) / matmulFLOPsPerSecond
            + decodeAttentionFLOPs(context: c) * part * q / attentionFLOPsPerSecond)
        // MoE: q tokens per session reach more distinct experts than one.
        step.memory += pp * (weightsReadBytes(batch: part * q) - weightsReadBytes(batch: part)) / memoryBytesPerSecond
        if gpus > 1 { step.communication = decodeCommunicationSeconds(batch: b * q) }
        return step
    }

    /// The estimator of a draft model: the same GPUs, workload and mode, without speculation; nil
    /// for the other drafts (or a draft model that cannot run there).
    func draftEstimator(_ draft: SpeculativeDecoding.Draft) -> Estimator? {
        guard case .model(let model) = draft else { return nil }
        var scenario = self.scenario
        scenario.model = model
        scenario.compression = .none
        scenario.workload.speculative = nil
        return try? Estimator(scenario)
    }

    /// One draft step for b sessions at context c:
    /// - a draft model: its own decode step on the same GPUs (`drafter`; its weights and KV beside
    ///   the target's are not taken out of the KV budget: a 1B draft is ≈2% of an 80 GB GPU);
    /// - self-speculation: the target's decode step with the KV capped at the budget;
    /// - MTP: `1/L` of the target's step (one more block) plus the LM head read, `V·d·bw/(g·bw_hbm)`.
    public func draftStepSeconds(batch b: Double, context c: Double, draft: SpeculativeDecoding.Draft, drafter: Estimator? = nil) -> Double {
        switch draft {
        case .model:
            return modelDraftStepSeconds(batch: b, context: c, draft: draft, drafter: drafter)
        case .selfSpeculation(let budget):
            return decodeStepTime(batch: b, context: min(c, Double(budget))).seconds
        case .multiTokenPrediction:
            let head = parameters.logitParams * weightBytesPerParam / memoryBytesPerSecond
            return decodeStepTime(batch: b, context: c).seconds / Double(scenario.model.layers) + head
        }
    }

    /// A draft model's own decode step, out of line: unwrapping the optional drafter (an estimator
    /// of ≈ 2 KB) inside `draftStepSeconds` made every call copy it, self-speculation's too.
    @inline(never) func modelDraftStepSeconds(batch b: Double, context c: Double, draft: SpeculativeDecoding.Draft, drafter: Estimator?) -> Double {
        guard let drafter = drafter ?? draftEstimator(draft) else { return .infinity }
        return drafter.decodeStepTime(batch: b, context: c).seconds
    }

    /// `t_spec(c) = t_verify(b, c, γ + 1) + γ·t_draft(b, c)`.
    public func speculativeStepSeconds(batch b: Double, context c: Double, _ spec: SpeculativeDecoding, drafter: Estimator? = nil) -> Double {
        verifyStepTime(batch: b, context: c, positions: Double(spec.draftTokens + 1)).seconds
            + Double(spec.draftTokens) * draftStepSeconds(batch: b, context: c, draft: spec.draft, drafter: drafter)
    }

    /// m tokens by speculative steps, each advancing E tokens on average:
    /// `Σ_{s=0}^{⌈m/E⌉−1} t_spec(n + s·E)`.
    public func speculativeDecodeSeconds(batch b: Double, prompt n: Int, outputTokens m: Int, _ spec: SpeculativeDecoding, drafter: Estimator? = nil) -> Double {
        let drafter = drafter ?? draftEstimator(spec.draft)
        let perStep = spec.expectedTokensPerStep
        let steps = Int((Double(m) / perStep).rounded(.up))
        var total = 0.0
        for s in 0..<steps {
            total += speculativeStepSeconds(batch: b, context: Double(n) + Double(s) * perStep, spec, drafter: drafter)
        }
        return total
    }

    /// Plain decode time over speculative decode time of m tokens after an n-token prompt at
    /// batch b (> 1: speculation pays off there).
    public func speculativeSpeedup(prompt n: Int, batch b: Int) -> Double? {
        guard let spec = scenario.workload.speculative else { return nil }
        let decoder = decoding(prompt: n)
        return decoder.speculativeSpeedup(prompt: n, batch: b, spec, drafter: draftEstimator(spec.draft))
    }

    func speculativeSpeedup(prompt n: Int, batch: Int, _ spec: SpeculativeDecoding, drafter: Estimator?) -> Double {
        let m = scenario.workload.outputTokens, b = Double(max(1, batch))
        return decodeTime(batch: b, prompt: n, outputTokens: m)
            / speculativeDecodeSeconds(batch: b, prompt: n, outputTokens: m, spec, drafter: drafter)
    }

    /// Speculative decoding at context n and batch b against plain decode, and the batches (up to
    /// `maxBatch`) at which it pays off. The speed-up is not monotone in the batch: at a long
    /// context a self-draft gains as the batch grows, because the KV it skips outweighs the
    /// weights it re-reads; past some batch the verify step turns compute-bound and the gain falls
    /// (Chen et al. 2024, MagicDec §3). So the batches where it pays off form one range: found on
    /// a doubling grid of batches, its ends refined by bisection.
    public func speculative(prompt n: Int, batch b: Int, maxBatch: Int) -> SpeculativeEstimate? {
        guard let spec = scenario.workload.speculative else { return nil }
        let m = scenario.workload.outputTokens
        let decoder = decoding(prompt: n)
        let drafter = draftEstimator(spec.draft)
        func paysOff(_ batch: Int) -> Bool {
            decoder.speculativeSpeedup(prompt: n, batch: batch, spec, drafter: drafter) > 1
        }
        let batch = Double(max(1, b)), c = Double(n)
        let speculativeSeconds = decoder.speculativeDecodeSeconds(batch: batch, prompt: n, outputTokens: m, spec, drafter: drafter)
        let top = max(1, maxBatch)
        var grid: [Int] = []
        var next = 1
        while next < top { grid.append(next); next *= 2 }
        grid.append(top)
        let pays = grid.map(paysOff)
        var from = 0, upTo = 0
        if let first = pays.firstIndex(of: true), let last = pays.lastIndex(of: true) {
            // paysOff(low) is false and paysOff(high) true: the first batch that pays off lies in (low, high].
            var low = first > 0 ? grid[first - 1] : 0, high = grid[first]
            while high - low > 1 {
                let mid = (low + high) / 2
                if paysOff(mid) { high = mid } else { low = mid }
            }
            from = high
            // paysOff(low) is true and paysOff(high) false: the last batch that pays off lies in [low, high).
            low = grid[last]
            high = last + 1 < grid.count ? grid[last + 1] : grid[last] + 1
            while high - low > 1 {
                let mid = (low + high) / 2
                if paysOff(mid) { low = mid } else { high = mid }
            }
            upTo = low
        }
        return SpeculativeEstimate(
            draftName: spec.name,
            tokensPerStep: spec.expectedTokensPerStep,
            stepSeconds: decoder.speculativeStepSeconds(batch: batch, context: c, spec, drafter: drafter),
            verifySeconds: decoder.verifyStepTime(batch: batch, context: c, positions: Double(spec.draftTokens + 1)).seconds,
            draftStepSeconds: decoder.draftStepSeconds(batch: batch, context: c, draft: spec.draft, drafter: drafter),
            decodeSeconds: speculativeSeconds,
            speedup: decoder.decodeTime(batch: batch, prompt: n, outputTokens: m) / speculativeSeconds,
            paysOffFromBatch: from,
            paysOffUpToBatch: upTo)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
