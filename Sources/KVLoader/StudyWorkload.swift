import KVEstimator

/// What a study's `workload` map resolves to: the estimator's workload and the optional mix.
struct StudyWorkload {
    var workload: Workload
    var mix: WorkloadMix?
}

extension StudyReader {
    /// `workload`: output length, users, batching, precisions, reserve, and the mixed-workload
    /// keys. Absent means all defaults; nil only after an error.
    func workload(_ study: MapReader) -> StudyWorkload? {
        guard study.has("workload") else { return StudyWorkload(workload: Workload(), mix: nil) }
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
        let mix = WorkloadMix(
            shortContextTokens: map.tokens("short_context"), longFraction: map.fraction("long_fraction"),
            arrivalsPerSecond: map.number("arrival_rate"), chunkTokens: map.tokens("chunk"), kvBlockTokens: map.tokens("kv_block"))
        guard source.log.errorCount == errorsBefore else { return nil }
        return StudyWorkload(workload: workload, mix: mix == WorkloadMix() ? nil : mix)
    }
}
