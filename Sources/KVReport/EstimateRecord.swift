import KVEstimator

/// One scenario's figures as ordered key/value pairs: the JSON lines of `kvplan estimate --json`,
/// the rows of the CSV downloads and the appendix table all come from here.
public enum EstimateRecord {
    /// Keys documented in the README, in output order.
    public static func fields(_ scenario: Scenario, _ estimate: Estimate, compressionNeeded: CompressionNeeded? = nil) -> [(String, JSONValue)] {
        let servable = estimate.regime != .weightsDoNotFit
        func ifServable(_ value: Double) -> JSONValue { servable ? .finite(value) : .null }
        var fields: [(String, JSONValue)] = [
            ("model", .string(scenario.model.name)),
            ("hardware", .string(scenario.hardware.name)),
            ("gpus", .integer(scenario.hardware.gpus)),
            ("compression", .string(scenario.compression.name)),
            ("mode", .string(scenario.mode.rawValue)),
            ("context", .integer(estimate.context)),
            ("output_tokens", .integer(estimate.outputTokens)),
            ("regime", .string(estimate.regime.rawValue)),
            ("beyond_max_context", .bool(estimate.beyondMaxContext)),
            ("total_params", .finite(estimate.totalParams)),
            ("active_params", .finite(estimate.activeParams)),
            ("weights_bytes", .finite(estimate.weightsBytes)),
            ("weights_read_bytes", .finite(estimate.weightsReadBytes)),
            ("kv_bytes_per_token", .finite(estimate.kvBytesPerToken)),
            ("kv_bytes", .finite(estimate.kvBytes)),
            ("available_kv_bytes", .finite(estimate.availableKVBytes)),
            ("concurrency", .integer(estimate.concurrency)),
            ("host_sessions", estimate.hostSessions.map { .integer($0) } ?? .null),
            ("prefill_flops", .finite(estimate.prefillFLOPs)),
            ("prefill_linear_flops", .finite(estimate.prefillLinearFLOPs)),
            ("prefill_attention_flops", .finite(estimate.prefillAttentionFLOPs)),
            ("prefill_seconds", .finite(estimate.prefill.seconds)),
            ("decode_batch", .integer(estimate.decodeBatch)),
            ("decode_step_seconds", ifServable(estimate.decodeStep.seconds)),
            ("decode_seconds", ifServable(estimate.decodeSeconds)),
            ("decode_tokens_per_second", ifServable(estimate.decodeTokensPerSecond)),
            ("context_switch_seconds", .finite(estimate.contextSwitchSeconds)),
            ("session_gpu_seconds", ifServable(estimate.session.gpuSeconds)),
            ("relative_cost", servable ? .finite(estimate.relativeCost) : .null),
            ("bound_prefill", .string(estimate.prefill.bound.rawValue)),
            ("bound_decode", servable ? .string(estimate.decodeStep.bound.rawValue) : .null),
            ("prefill_intensity_flops_per_byte", .finite(estimate.prefillIntensity)),
            ("decode_intensity_flops_per_byte", ifServable(estimate.decodeIntensity)),
            ("ridge_point_flops_per_byte", .finite(estimate.ridgePoint)),
        ]
        if let compressionNeeded {
            switch compressionNeeded {
            case .reduction(let factor):
                fields.append(("compression_needed", .finite(factor)))
                fields.append(("compression_needed_reason", .null))
            case .impossible(let reason):
                fields.append(("compression_needed", .null))
                fields.append(("compression_needed_reason", .string(reason)))
            }
        }
        return fields
    }
}
