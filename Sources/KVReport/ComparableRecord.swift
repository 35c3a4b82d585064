import KVEstimator

/// The figures that compare scenarios (`ComparableCost`) as JSON fields, beside an estimate's own
/// in the study's results download: what the comparison charts and findings show. Written pair by
/// pair into a sink (a large study's JSON writes them for every one of its points).
enum ComparableRecord {
    static func write<S: EstimateRecord.Sink>(_ estimate: Estimate, to sink: inout S) {
        let cost = estimate.regime == .weightsDoNotFit ? nil : estimate.comparable
        sink.field("replica_gpu_seconds_per_session", cost.map { .finite($0.gpuSeconds) } ?? .null)
        sink.field("price_per_session", cost.map { .finite($0.price) } ?? .null)
        sink.field("gpu_seconds_per_million_tokens", cost.map { .finite($0.gpuSecondsPerMillionTokens) } ?? .null)
        sink.field("price_per_million_tokens", cost.map { .finite($0.pricePerMillionTokens) } ?? .null)
        sink.field("decode_seconds_alone", cost.map { .finite($0.decodeSecondsAlone) } ?? .null)
        sink.field("cost_relative_to_study_baseline", cost.map { .finite($0.studyRelativeCost) } ?? .null)
    }
}
