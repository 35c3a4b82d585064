import KVEstimator
import KVStudy

/// How the setup table states a replica's parallel layout and the links its GPUs talk over
/// (`tp`, `pp`, `ep`, `attention_parallel`, `gpus_per_node`, `interconnect`, `network`).
enum ParallelLayoutSummary {
    /// "TP 8 × PP 2, EP 8, data-parallel attention", or "one GPU".
    static func layout(_ hardware: Hardware) -> String {
        guard hardware.gpus > 1 else { return "one GPU" }
        let parallel = hardware.parallel
        var parts = ["TP \(hardware.tensorParallel)" + (parallel.pipelineStages > 1 ? " × PP \(parallel.pipelineStages)" : "")]
        if parallel.expertParallel > 1 { parts.append("EP \(parallel.expertParallel)") }
        parts.append(parallel.attention == .data ? "data-parallel attention" : "tensor-parallel attention")
        return parts.joined(separator: ", ")
    }

    /// "8 per node; interconnect 900 GB/s, network 50 GB/s per GPU" (bandwidths as the entry quotes
    /// them). A figure the entry leaves out is said to be missing, with the link the estimator uses
    /// in its place (Communication.swift: the host link, within a node and across nodes alike).
    static func links(_ hardware: Hardware) -> String {
        guard hardware.gpus > 1 else { return "—" }
        let bandwidth = { (value: Double) in "\(Format.fixed(value / 1e9, significant: 3)) GB/s" }
        switch (hardware.interconnectBytesPerSecond, hardware.networkBytesPerSecond) {
        case let (interconnect?, network?):
            return "\(hardware.nodeSize) per node; interconnect \(bandwidth(interconnect)), network \(bandwidth(network)) per GPU"
        case let (interconnect?, nil):
            return "\(hardware.nodeSize) per node; interconnect \(bandwidth(interconnect)); no network figure (cross-node traffic would use the host link)"
        case let (nil, network?):
            return "\(hardware.nodeSize) per node; no interconnect figure (GPUs in a node would talk over the host link); network \(bandwidth(network)) per GPU"
        case (nil, nil):
            return "\(hardware.nodeSize) per node; no interconnect or network figure (all traffic between GPUs would use the host link)"
        }
    }

    /// How many times a session's KV is held over the ranks: "8×", "1.13×".
    static func replication(_ factor: Double) -> String {
        factor == factor.rounded() ? "\(Int(factor))×" : Format.factor(factor)
    }

    /// The workload's deployment settings beside the paper's, as a sentence; nil when none is set.
    static func workload(_ workload: Workload, format: Format) -> String? {
        var parts: [String] = []
        if workload.memoryUtilization != 1 {
            parts.append("the engine uses \(Format.fixed(100 * workload.memoryUtilization, significant: 3))% of each GPU's HBM (memory_utilization)")
        }
        if let chunk = workload.prefillChunk { parts.append("prefill runs in chunks of \(Format.tokens(chunk)) tokens") }
        if workload.activationMemory { parts.append("the prefill's peak activation memory comes out of the KV budget") }
        if let spec = workload.speculative {
            parts.append("speculative decoding drafts \(spec.draftTokens) token\(spec.draftTokens == 1 ? "" : "s") per step with \(spec.name) at acceptance \(spec.acceptance)")
        }
        guard !parts.isEmpty else { return nil }
        return "Deployment settings: " + parts.joined(separator: "; ") + "."
    }
}
