import KVEstimator
import KVStudy

/// What the report's deployment sections (issue 11: communication, prefill memory, speculative
/// decoding) read beside each estimate: which scenarios they concern, and speculative decoding's
/// speed-up against the batch.
extension StudyEvaluation {
    /// The first compared scenario's speed-up from speculative decoding at one context, over
    /// batches from 1 to the sessions that fit through their last token.
    public struct SpeculativeSweep: Sendable {
        public var label: String
        public var context: Int
        public var points: [(batch: Int, speedup: Double)]
    }

    /// Scenarios whose replica spans more than one GPU: those that communicate.
    public var multiGPU: [ScenarioSeries] {
        compared.filter { $0.scenario.hardware.gpus > 1 }
    }

    /// Whether the prefill's activations matter to this study: it takes them from the KV budget
    /// (`activation_memory`), chunks prefill, or has a prompt that does not fit in one piece beside
    /// its session (the paper's peak ignores activations, so most studies do not).
    public var prefillMemoryMatters: Bool {
        let workload = study.workload
        if workload.activationMemory || workload.prefillChunk != nil { return true }
        return compared.contains { $0.estimates.contains(where: Self.forcesChunking) }
    }

    /// Whether a prompt must be prefilled in chunks: a session of it fits in HBM, but not beside
    /// the activations of its prefill in one piece. (Where not even one session fits, chunking
    /// does not help.)
    public static func forcesChunking(_ e: Estimate) -> Bool {
        e.regime != .weightsDoNotFit && !e.prefillFitsUnchunked && e.concurrency >= 1
    }

    /// The first scenario and context at which one prefill's activations over the replica's GPUs
    /// are as large as one session's KV over its ranks: taking them out of the KV budget would
    /// cost at least one session.
    public var activationsRivalSession: (series: ScenarioSeries, estimate: Estimate)? {
        for series in compared {
            let gpus = Double(series.scenario.hardware.gpus)
            if let e = series.estimates.first(where: {
                $0.regime != .weightsDoNotFit && gpus * $0.prefillPeakMemoryBytes >= $0.heldKVBytes
            }) { return (series, e) }
        }
        return nil
    }

    /// Speed-up against the batch for the first compared scenario at each laid-out context
    /// where its sessions fit: batches 1, 2, 4, … up to the sessions that fit through their last token.
    static func speculativeSweeps(_ study: Study, _ contexts: [Int], _ series: [ScenarioSeries], _ estimators: [Estimator]) -> [SpeculativeSweep] {
        guard study.workload.speculative != nil,
              let index = series.indices.first(where: { study.mode != .both || series[$0].scenario.mode == .calibrated }),
              series[index].estimates.first?.regime != .weightsDoNotFit else { return [] }
        let entry = series[index], estimator = estimators[index]
        return contexts.compactMap { context -> SpeculativeSweep? in
            guard let estimate = entry.estimates.first(where: { $0.context == context }), estimate.regime == .hbm else { return nil }
            let top = max(1, estimate.concurrencySustained)
            var batches: [Int] = []
            var batch = 1
            while batch < top { batches.append(batch); batch *= 2 }
            batches.append(top)
            return SpeculativeSweep(label: entry.label, context: context, points: batches.compactMap { b in
                estimator.speculativeSpeedup(prompt: context, batch: b).map { (b, $0) }
            })
        }
    }
}
