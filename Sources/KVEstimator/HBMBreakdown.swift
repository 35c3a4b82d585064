/// Where the HBM of one replica goes with one session of a scenario in it, in bytes summed over
/// the replica's GPUs — the paper's concurrency budget (Fu 2024 §2.2: HBM = weights + KV of the
/// sessions) with the deployment terms of this estimator beside it:
///
///     g · HBM = W + g · reserve + held back + activations + ρ · KV(n) + free
///
/// `held back` is what neither the weights, the reserve nor the KV budget takes (HBM beyond
/// `memory_utilization`, vLLM's `gpu_memory_utilization`, and the attention weights every rank
/// repeats under data-parallel attention); `activations` is one prefill's peak on every GPU when
/// the workload counts it; ρ · KV(n) is one session's KV as its ranks hold it (replicated when the
/// tensor-parallel degree exceeds the KV heads, or an MLA latent on every rank).
public struct HBMBreakdown: Sendable, Equatable {
    public var weightsBytes: Double
    public var reserveBytes: Double
    public var heldBackBytes: Double
    public var activationBytes: Double
    public var sessionKVBytes: Double
    public var freeBytes: Double

    public init(_ estimate: Estimate, scenario: Scenario) {
        let gpus = Double(scenario.hardware.gpus)
        let total = gpus * scenario.hardware.hbmBytes
        let budget = max(0, estimate.availableKVBytes)
        weightsBytes = min(estimate.weightsBytes, total)
        reserveBytes = gpus * scenario.workload.reserveBytes
        heldBackBytes = max(0, total - estimate.weightsBytes - reserveBytes - budget)
        activationBytes = scenario.workload.activationMemory ? min(gpus * estimate.prefillPeakMemoryBytes, budget) : 0
        sessionKVBytes = max(0, min(estimate.kvBytes * estimate.kvReplication, budget - activationBytes))
        freeBytes = max(0, budget - activationBytes - sessionKVBytes)
    }
}
