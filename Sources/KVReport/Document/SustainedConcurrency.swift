import KVEstimator
import KVStudy

/// The concurrency section's deployment sentences (issue 11): sessions grow from n to n + m tokens,
/// so the decode batch counts those that fit through their last token; and tensor parallelism
/// may hold a session's KV more than once.
struct SustainedConcurrency {
    let layout: Layout
    var evaluation: StudyEvaluation { layout.evaluation }

    func blocks() -> [Block] {
        [growth(), replication()].compactMap { $0.map(Block.paragraph) }
    }

    /// Admitted, sustained and batched sessions of the primary scenario at the shortest and longest context.
    func growth() -> String? {
        let first = evaluation.primary, workload = evaluation.study.workload
        let contexts = Array(Set([evaluation.contexts.first, evaluation.contexts.last].compactMap { $0 })).sorted()
        let parts = contexts.compactMap { context -> String? in
            guard let e = first.estimates.first(where: { $0.context == context }), e.regime != .weightsDoNotFit else { return nil }
            let admitted = "\(Format.integer(e.concurrency)) admitted at \(Format.tokens(context))"
            if e.regime == .offload {
                return "\(admitted), none fits through its last token, so decode streams the KV that does not fit over the host link (offload)"
            }
            return "\(admitted), \(Format.integer(e.concurrencySustained)) through \(Format.tokens(context)) + \(Format.integer(e.outputTokens)), a decode batch of \(Format.integer(e.decodeBatch))"
        }
        guard !parts.isEmpty else { return nil }
        return "A session admitted at n tokens holds KV(n + m) by its last token, so the table counts both: the paper's sessions admitted at n, and those that still fit at n + m (m = \(workload.outputTokens)). The decode batch is the smallest of the users (\(workload.users))\(workload.maxBatch.map { ", max_batch (\($0))" } ?? ""), and the sessions through n + m. For \(first.label): " + parts.joined(separator: "; ") + "."
    }

    /// Scenarios whose ranks hold a session's KV more than once, and why, model by model.
    func replication() -> String? {
        let replicated = evaluation.compared.filter { ($0.estimates.first?.kvReplication ?? 1) > 1 }
        guard !replicated.isEmpty else { return nil }
        var models: [String] = []
        for series in replicated where !models.contains(series.scenario.model.name) { models.append(series.scenario.model.name) }
        let parts = models.map { name -> String in
            let entries = replicated.filter { $0.scenario.model.name == name }
            let model = entries[0].scenario.model
            let factors = entries.map { series in
                let rho = series.estimates[0].kvReplication
                return "\(series.label) \(ParallelLayoutSummary.replication(rho)) over \(series.scenario.hardware.tensorParallel) ranks"
            }
            let why = model.mla != nil
                ? "an MLA latent has no heads to split, so every rank caches it whole"
                : "\(model.kvHeads) KV heads do not divide evenly among the ranks, so some are held on more than one"
            return factors.joined(separator: ", ") + " (\(why))"
        }
        return "Under tensor parallelism a rank caches the KV of the heads it computes, so a session's KV is held more than once: " + parts.joined(separator: "; ")
            + ". The concurrency above divides the free memory by the replicated size (vLLM's and SGLang's cache shapes); data-parallel attention keeps each session on one rank instead."
    }
}
