/// Storage precision of weights or KV elements.
public enum Precision: String, Sendable, Equatable, CaseIterable {
    case fp32, bf16, fp16, fp8, int8, int4, fp4

    public var bytes: Double {
        switch self {
        case .fp32: 4
        case .bf16, .fp16: 2
        case .fp8, .int8: 1
        case .int4, .fp4: 0.5
        }
    }
}

/// What the GPU serves: output length, users, batching limit, precisions and a memory reserve.
public struct Workload: Sendable, Equatable {
    /// Tokens generated per session (m); the paper's "one screen" is 250.
    public var outputTokens: Int
    /// Concurrent users U competing for the GPU.
    public var users: Int
    /// Largest decode batch the server runs; nil = unlimited.
    public var maxBatch: Int?
    public var weightPrecision: Precision
    public var kvPrecision: Precision
    /// HBM held back per GPU for the runtime and activations (0 in peak mode).
    public var reserveBytes: Double
    /// What shares the GPU with the scenario's sessions (SPEC §3, "Sharing the GPU"); nil = nothing.
    public var sharing: SharingWorkload?
    /// Share of each GPU's HBM the engine may use (vLLM's `gpu_memory_utilization`, 0.9 by
    /// default there; 1 here, the paper's peak). The reserve comes out of this share.
    public var memoryUtilization: Double = 1
    /// Prompt tokens per prefill iteration when prefill is chunked (vLLM's
    /// `max_num_batched_tokens`); nil: the whole prompt at once.
    public var prefillChunk: Int?
    /// Whether the prefill's peak activation memory comes out of the KV budget (off in the
    /// paper's peak mode, where `reserve` stands for activations and runtime).
    public var activationMemory: Bool = false
    /// Speculative decoding; nil: plain decode.
    public var speculative: SpeculativeDecoding?

    public init(
        outputTokens: Int = 250, users: Int = 1, maxBatch: Int? = nil, weightPrecision: Precision = .bf16,
        kvPrecision: Precision = .bf16, reserveBytes: Double = 0, sharing: SharingWorkload? = nil
    ) {
        self.outputTokens = outputTokens
        self.users = users
        self.maxBatch = maxBatch
        self.weightPrecision = weightPrecision
        self.kvPrecision = kvPrecision
        self.reserveBytes = reserveBytes
        self.sharing = sharing
    }

    public func validate() throws(EstimatorInputError) {
        try Check.positive(outputTokens, "workload.output_tokens")
        try Check.positive(users, "workload.users")
        if let maxBatch { try Check.positive(maxBatch, "workload.max_batch") }
        try Check.nonNegative(reserveBytes, "workload.reserve")
        try Check.fraction(memoryUtilization, "workload.memory_utilization")
        if let prefillChunk { try Check.positive(prefillChunk, "workload.prefill_chunk") }
        try sharing?.validate()
        try speculative?.validate()
    }
}

/// Peak ignores efficiency factors; calibrated applies them (SPEC §3).
public enum Mode: String, Sendable, Equatable, CaseIterable {
    case peak, calibrated
}
