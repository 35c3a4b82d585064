import KVStudy
import KVEstimator

extension StudyReader {
    /// `workload`: output length, users, batching, precisions, reserve, and the mixed-workload
    /// keys (all of `short_context`, `long_fraction`, `arrival_rate` when any is given; `chunk`
    /// and `kv_block` default to 2048 and 16). Absent means all defaults; nil only after an error.
    func workload(_ study: MapReader) -> Workload? {
        guard study.has("workload") else { return Workload() }
        guard let map = study.map("workload", Schema.workload) else { return nil }
        let errorsBefore = source.log.errorCount
        var workload = Workload()
        if let value = map.integer("output_tokens") { workload.outputTokens = value }
        if let value = map.integer("users") { workload.users = value }
        if let value = map.integer("max_batch") { workload.maxBatch = value }
        if let value = map.bytes("reserve", allowZero: true) { workload.reserveBytes = value }
        if let precision = map.map("precision", Schema.precision) {
            let names = Precision.allCases.map(\.rawValue)
            if let value = precision.choice("weights", names).flatMap(Precision.init(rawValue:)) { workload.weightPrecision = value }
            if let value = precision.choice("kv", names).flatMap(Precision.init(rawValue:)) { workload.kvPrecision = value }
        }
        if let value = map.fraction("memory_utilization") { workload.memoryUtilization = value }
        if let value = map.tokens("prefill_chunk") { workload.prefillChunk = value }
        if let value = map.bool("activation_memory") { workload.activationMemory = value }
        if let spec = map.map("speculative", Schema.speculative) { workload.speculative = speculative(spec) }
        let short = map.tokens("short_context"), fraction = map.fraction("long_fraction")
        let rate = map.number("arrival_rate"), chunk = map.tokens("chunk"), block = map.tokens("kv_block")
        guard source.log.errorCount == errorsBefore else { return nil }
        let mixKeys = ["short_context", "long_fraction", "arrival_rate", "chunk", "kv_block"]
        if mixKeys.contains(where: map.has) {
            guard let short, let fraction, let rate else {
                let missing = ["short_context", "long_fraction", "arrival_rate"].filter { !map.has($0) }
                source.error(at: map.node, "a mixed workload needs \(missing.map { "`\($0)`" }.joined(separator: " and ")) too (short_context, long_fraction and arrival_rate go together)")
                return nil
            }
            var sharing = SharingWorkload(shortContextTokens: short, longFraction: fraction, arrivalsPerSecond: rate)
            if let chunk { sharing.chunkTokens = chunk }
            if let block { sharing.kvBlockTokens = block }
            workload.sharing = sharing
        }
        return workload
    }

    /// `speculative: {draft, draft_tokens, acceptance}`; the draft is a catalog model, `self-<tokens>`
    /// or `mtp`.
    func speculative(_ map: MapReader) -> SpeculativeDecoding? {
        guard let (text, node) = map.text("draft") else {
            if !map.has("draft") { map.missing("draft", "`speculative`") }
            return nil
        }
        let tokens = map.integer("draft_tokens") ?? 4
        var acceptance = 0.7
        if map.has("acceptance") {
            guard let (value, valueNode) = map.text("acceptance") else { return nil }
            guard let number = Double(value), number >= 0, number <= 1 else {
                source.error(at: valueNode, "`acceptance` must be a probability in [0, 1], got `\(value)`")
                return nil
            }
            acceptance = number
        }
        let draft: SpeculativeDecoding.Draft
        if text == "mtp" {
            draft = .multiTokenPrediction
        } else if text.hasPrefix("self-") {
            guard let budget = try? Units.tokens(String(text.dropFirst(5))), budget > 0 else {
                source.error(at: node, "`draft: \(text)` needs a KV budget in tokens after `self-`, such as `self-4K`")
                return nil
            }
            draft = .selfSpeculation(kvBudget: budget)
        } else if let model = catalog.models.first(where: { $0.name == text }) {
            draft = .model(model)
        } else {
            let names = catalog.models.map(\.name)
            source.error(at: node, "unknown draft `\(text)`: use a catalog model\(didYouMean(text, among: names)), `self-<tokens>` (such as `self-4K`) or `mtp`")
            return nil
        }
        return SpeculativeDecoding(draft: draft, draftTokens: tokens, acceptance: acceptance)
    }
}
