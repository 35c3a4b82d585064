import KVEstimator

/// One scenario's figures as ordered key/value pairs: the JSON lines of `kvplan estimate --json`,
/// the rows of the CSV downloads and the appendix table all come from here.
public enum EstimateRecord {
    /// Keys documented in the README, in output order.
    public static func fields(
        _ scenario: Scenario, _ estimate: Estimate, compressionNeeded: CompressionNeeded? = nil, sharing: SharingEstimate? = nil
    ) -> [(String, JSONValue)] {
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
            ("available_kv_bytes", ifServable(estimate.availableKVBytes)),
            ("concurrency", .integer(estimate.concurrency)),
            ("host_sessions", estimate.hostSessions.map { .integer($0) } ?? .null),
            ("prefill_flops", .finite(estimate.prefillFLOPs)),
            ("prefill_linear_flops", .finite(estimate.prefillLinearFLOPs)),
            ("prefill_attention_flops", .finite(estimate.prefillAttentionFLOPs)),
            ("prefill_seconds", ifServable(estimate.prefill.seconds)),
            ("decode_batch", .integer(estimate.decodeBatch)),
            ("decode_step_seconds", ifServable(estimate.decodeStep.seconds)),
            ("decode_seconds", ifServable(estimate.decodeSeconds)),
            ("decode_tokens_per_second", ifServable(estimate.decodeTokensPerSecond)),
            ("context_switch_seconds", ifServable(estimate.contextSwitchSeconds)),
            ("session_gpu_seconds", ifServable(estimate.session.gpuSeconds)),
            ("relative_cost", servable ? .finite(estimate.relativeCost) : .null),
            ("bound_prefill", servable ? .string(estimate.prefill.bound.rawValue) : .null),
            ("bound_decode", servable ? .string(estimate.decodeStep.bound.rawValue) : .null),
            ("prefill_intensity_flops_per_byte", .finite(estimate.prefillIntensity)),
            ("decode_intensity_flops_per_byte", ifServable(estimate.decodeIntensity)),
            ("ridge_point_flops_per_byte", .finite(estimate.ridgePoint)),
        ]
        fields += deploymentFields(scenario, estimate)
        if let compressionNeeded {
            switch servable ? compressionNeeded : .impossible("the weights do not fit") {
            case .reduction(let factor):
                fields.append(("compression_needed", .finite(factor)))
                fields.append(("compression_needed_reason", .null))
            case .impossible(let reason):
                fields.append(("compression_needed", .null))
                fields.append(("compression_needed_reason", .string(reason)))
            }
        }
        if let sharing { fields += sharingFields(sharing) }
        return fields
    }

    /// The deployment figures (issue 11): the parallel layout, sessions through their last token,
    /// KV replication over ranks, prefill activations, communication and speculative decoding.
    public static func deploymentFields(_ scenario: Scenario, _ e: Estimate) -> [(String, JSONValue)] {
        let layout = scenario.hardware.parallel
        var fields: [(String, JSONValue)] = [
            ("tensor_parallel", .integer(scenario.hardware.tensorParallel)),
            ("pipeline_stages", .integer(layout.pipelineStages)),
            ("expert_parallel", .integer(layout.expertParallel)),
            ("attention_parallel", .string(layout.attention.rawValue)),
            ("concurrency_sustained", .integer(e.concurrencySustained)),
            ("kv_replication", .finite(e.kvReplication)),
            ("prefill_peak_memory_bytes", .finite(e.prefillPeakMemoryBytes)),
            ("prefill_fits_unchunked", .bool(e.prefillFitsUnchunked)),
            ("communication_seconds", .finite(e.prefillCommunication.seconds)),
            ("communication_tensor_seconds", .finite(e.prefillCommunication.tensor)),
            ("communication_pipeline_seconds", .finite(e.prefillCommunication.pipeline)),
            ("communication_expert_seconds", .finite(e.prefillCommunication.expert)),
            ("decode_step_communication_seconds", e.regime == .weightsDoNotFit ? .null : .finite(e.decodeStep.communication)),
            ("pipeline_bubble", .finite(e.pipelineBubble)),
        ]
        if let s = e.speculative {
            fields += [
                ("speculative_draft", .string(s.draftName)),
                ("speculative_tokens_per_step", .finite(s.tokensPerStep)),
                ("speculative_step_seconds", .finite(s.stepSeconds)),
                ("speculative_decode_seconds", .finite(s.decodeSeconds)),
                ("speculative_speedup", .finite(s.speedup)),
                ("speculative_pays_off_from_batch", .integer(s.paysOffFromBatch)),
                ("speculative_pays_off_up_to_batch", .integer(s.paysOffUpToBatch)),
            ]
        }
        return fields
    }

    /// The "sharing the GPU" figures (issue 6): interference, the short requests' TTFT under a
    /// mixed workload (null when the prefill queue saturates), paged KV and disaggregation.
    public static func sharingFields(_ s: SharingEstimate) -> [(String, JSONValue)] {
        let breakEven: JSONValue = switch s.kvTransferBreakEven {
        case .from(let context): .integer(context)
        case .alwaysWins, .neverWins, .none: .null
        }
        let breakEvenNote: JSONValue = switch s.kvTransferBreakEven {
        case .alwaysWins: .string("transfer always beats recomputing the prefill")
        case .neverWins: .string("recomputing the prefill always beats the transfer")
        case .from: .string("transfer beats recomputing from this context on")
        case .none: .string("the hardware has no network figure")
        }
        return [
            ("short_context", .integer(s.workload.shortContextTokens)),
            ("long_fraction", .finite(s.workload.longFraction)),
            ("arrival_rate", .finite(s.workload.arrivalsPerSecond)),
            ("chunk", .integer(s.workload.chunkTokens)),
            ("kv_block", .integer(s.workload.kvBlockTokens)),
            ("prefill_stall_seconds", .finite(s.prefillStallSeconds)),
            ("chunked_prefill_seconds", .finite(s.chunkedPrefillSeconds)),
            ("chunked_step_seconds", .finite(s.chunkedStepSeconds)),
            ("chunked_iterations", .integer(s.chunkedIterations)),
            ("prefill_utilization", .finite(s.prefillUtilization)),
            ("saturated", .bool(s.isSaturated)),
            ("ttft_short_mean_seconds", .finite(s.ttftShortMeanSeconds)),
            ("ttft_short_p99_seconds", .finite(s.ttftShortP99Seconds)),
            ("concurrency_paged", .integer(s.concurrencyPaged)),
            ("concurrency_reserved", .integer(s.concurrencyReserved)),
            ("paged_waste_tokens", .integer(s.pagedWasteTokens)),
            ("kv_transfer_seconds", .finite(s.kvTransferSeconds)),
            ("kv_transfer_breakeven_context", breakEven),
            ("kv_transfer_breakeven", breakEvenNote),
        ]
    }
}
