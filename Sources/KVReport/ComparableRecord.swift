import KVEstimator

/// The figures that compare scenarios (`ComparableCost`) as JSON fields, beside an estimate's own
/// in the study's results download: what the comparison charts and findings show.
enum ComparableRecord {
    static func fields(_ estimate: Estimate) -> [(String, JSONValue)] {
        guard let cost = estimate.comparable, estimate.regime != .weightsDoNotFit else {
            return ["replica_gpu_seconds_per_session", "price_per_session", "gpu_seconds_per_million_tokens",
                    "price_per_million_tokens", "decode_seconds_alone", "cost_relative_to_study_baseline"].map { ($0, .null) }
        }
        return [
            ("replica_gpu_seconds_per_session", .finite(cost.gpuSeconds)),
            ("price_per_session", .finite(cost.price)),
            ("gpu_seconds_per_million_tokens", .finite(cost.gpuSecondsPerMillionTokens)),
            ("price_per_million_tokens", .finite(cost.pricePerMillionTokens)),
            ("decode_seconds_alone", .finite(cost.decodeSecondsAlone)),
            ("cost_relative_to_study_baseline", .finite(cost.studyRelativeCost)),
        ]
    }
}
