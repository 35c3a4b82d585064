import KVEstimator

/// A study's `plan:` block (issue 14): the traffic to serve, its latency targets, and the
/// deployments to search beside the study's hardware and compression lists.
public struct PlanStudy: Sendable {
    /// The model the traffic is served by (`model:`, or the study's only model).
    public var model: Model
    /// Arrivals, prompt and output mixes, targets.
    public var traffic: PlanWorkload
    /// GPUs per replica to try, each a tensor-parallel group (`gpus_per_replica`).
    public var gpusPerReplica: [Int]
    /// Weight and KV precisions to try (`precisions`); the study's workload precision by default.
    public var precisions: [PrecisionPair]
    /// Prefill chunk sizes to try (`chunks`), tokens.
    public var chunks: [Int]
    /// Where the arrival rate came from: nil for `arrival_rate`, the hourly profile for `daily_profile`.
    public var dailyProfile: [Double]?

    public init(model: Model, traffic: PlanWorkload, gpusPerReplica: [Int] = [1, 2, 4, 8], precisions: [PrecisionPair],
                chunks: [Int] = [2048], dailyProfile: [Double]? = nil) {
        self.model = model
        self.traffic = traffic
        self.gpusPerReplica = gpusPerReplica
        self.precisions = precisions
        self.chunks = chunks
        self.dailyProfile = dailyProfile
    }

    /// What the planner searches for this study: its hardware (with their prices), its
    /// compressions, these GPU counts, precisions and chunks, under the study's workload settings.
    public func space(of study: Study) -> PlanSpace {
        PlanSpace(model: model, hardware: study.hardware, gpusPerReplica: gpusPerReplica, compressions: study.compressions,
                  precisions: precisions.map { ($0.weights, $0.kv) }, chunks: chunks, workload: study.workload,
                  mode: study.modes.last ?? .peak)
    }
}

/// Storage precisions of weights and KV cache, tried together.
public struct PrecisionPair: Sendable, Equatable {
    public var weights: Precision
    public var kv: Precision

    public init(weights: Precision, kv: Precision) {
        self.weights = weights
        self.kv = kv
    }
}
