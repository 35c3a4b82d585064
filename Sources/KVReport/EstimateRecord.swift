import KVEstimator

/// One scenario's figures as ordered key/value pairs: the JSON lines of `kvplan estimate --json`,
/// the rows of the CSV downloads and the appendix table all come from here.
///
/// The pairs go to a `Sink` one by one: a JSON writer streams them as bytes (no array of pairs
/// per point), `fields` collects them.
public enum EstimateRecord {
    /// Where a record's pairs go, in order.
    public protocol Sink {
        /// Keys are literals (ASCII, nothing to escape), which a writer copies without scanning.
        mutating func field(_ key: StaticString, _ value: JSONValue)
    }

    /// Collects the pairs into an array.
    struct Pairs: Sink {
        var pairs: [(String, JSONValue)] = []
        mutating func field(_ key: StaticString, _ value: JSONValue) { pairs.append((key.description, value)) }
    }

    /// Keys documented in the README, in output order.
    public static func fields(
        _ scenario: Scenario, _ estimate: Estimate, compressionNeeded: CompressionNeeded? = nil, sharing: SharingEstimate? = nil
    ) -> [(String, JSONValue)] {
        var collected = Pairs()
        collected.pairs.reserveCapacity(64)
        write(scenario, estimate, compressionNeeded: compressionNeeded, sharing: sharing, to: &collected)
        return collected.pairs
    }

    /// The record's pairs, in `fields`' order, into `sink`.
    public static func write<S: Sink>(
        _ scenario: Scenario, _ estimate: Estimate, compressionNeeded: CompressionNeeded? = nil, sharing: SharingEstimate? = nil,
        to sink: inout S
    ) {
        let servable = estimate.regime != .weightsDoNotFit
        func ifServable(_ value: Double) -> JSONValue { servable ? .finite(value) : .null }
        sink.field("model", .string(scenario.model.name))
        sink.field("hardware", .string(scenario.hardware.name))
        sink.field("gpus", .integer(scenario.hardware.gpus))
        sink.field("compression", .string(scenario.compression.name))
        sink.field("mode", .string(scenario.mode.rawValue))
        sink.field("context", .integer(estimate.context))
        sink.field("output_tokens", .integer(estimate.outputTokens))
        sink.field("regime", .string(estimate.regime.rawValue))
        sink.field("beyond_max_context", .bool(estimate.beyondMaxContext))
        sink.field("total_params", .finite(estimate.totalParams))
        sink.field("active_params", .finite(estimate.activeParams))
        sink.field("weights_bytes", .finite(estimate.weightsBytes))
        sink.field("weights_read_bytes", .finite(estimate.weightsReadBytes))
        sink.field("kv_bytes_per_token", .finite(estimate.kvBytesPerToken))
        sink.field("kv_bytes", .finite(estimate.kvBytes))
        sink.field("available_kv_bytes", ifServable(estimate.availableKVBytes))
        sink.field("concurrency", .integer(estimate.concurrency))
        sink.field("host_sessions", estimate.hostSessions.map { .integer($0) } ?? .null)
        sink.field("prefill_flops", .finite(estimate.prefillFLOPs))
        sink.field("prefill_linear_flops", .finite(estimate.prefillLinearFLOPs))
        sink.field("prefill_attention_flops", .finite(estimate.prefillAttentionFLOPs))
        sink.field("prefill_seconds", ifServable(estimate.prefill.seconds))
        sink.field("decode_batch", .integer(estimate.decodeBatch))
        sink.field("decode_step_seconds", ifServable(estimate.decodeStep.seconds))
        sink.field("decode_seconds", ifServable(estimate.decodeSeconds))
        sink.field("decode_tokens_per_second", ifServable(estimate.decodeTokensPerSecond))
        sink.field("context_switch_seconds", ifServable(estimate.contextSwitchSeconds))
        sink.field("session_gpu_seconds", ifServable(estimate.session.gpuSeconds))
        sink.field("relative_cost", servable ? .finite(estimate.relativeCost) : .null)
        sink.field("bound_prefill", servable ? .string(estimate.prefill.bound.rawValue) : .null)
        sink.field("bound_decode", servable ? .string(estimate.decodeStep.bound.rawValue) : .null)
        sink.field("prefill_intensity_flops_per_byte", .finite(estimate.prefillIntensity))
        sink.field("decode_intensity_flops_per_byte", ifServable(estimate.decodeIntensity))
        sink.field("ridge_point_flops_per_byte", .finite(estimate.ridgePoint))
        writeDeployment(scenario, estimate, to: &sink)
        if let compressionNeeded {
            switch servable ? compressionNeeded : .impossible("the weights do not fit") {
            case .reduction(let factor):
                sink.field("compression_needed", .finite(factor))
                sink.field("compression_needed_reason", .null)
            case .impossible(let reason):
                sink.field("compression_needed", .null)
                sink.field("compression_needed_reason", .string(reason))
            }
        }
        if let sharing { writeSharing(sharing, to: &sink) }
    }

    /// The deployment figures (issue 11): the parallel layout, sessions through their last token,
    /// KV replication over ranks, prefill activations, communication and speculative decoding.
    public static func deploymentFields(_ scenario: Scenario, _ e: Estimate) -> [(String, JSONValue)] {
        var collected = Pairs()
        writeDeployment(scenario, e, to: &collected)
        return collected.pairs
    }

    static func writeDeployment<S: Sink>(_ scenario: Scenario, _ e: Estimate, to sink: inout S) {
        let layout = scenario.hardware.parallel
        sink.field("tensor_parallel", .integer(scenario.hardware.tensorParallel))
        sink.field("pipeline_stages", .integer(layout.pipelineStages))
        sink.field("expert_parallel", .integer(layout.expertParallel))
        sink.field("attention_parallel", .string(layout.attention.rawValue))
        sink.field("concurrency_sustained", .integer(e.concurrencySustained))
        sink.field("kv_replication", .finite(e.kvReplication))
        sink.field("prefill_peak_memory_bytes", .finite(e.prefillPeakMemoryBytes))
        sink.field("prefill_fits_unchunked", .bool(e.prefillFitsUnchunked))
        sink.field("communication_seconds", .finite(e.prefillCommunication.seconds))
        sink.field("communication_tensor_seconds", .finite(e.prefillCommunication.tensor))
        sink.field("communication_pipeline_seconds", .finite(e.prefillCommunication.pipeline))
        sink.field("communication_expert_seconds", .finite(e.prefillCommunication.expert))
        sink.field("decode_step_communication_seconds", e.regime == .weightsDoNotFit ? .null : .finite(e.decodeStep.communication))
        sink.field("pipeline_bubble", .finite(e.pipelineBubble))
        if let s = e.speculative {
            sink.field("speculative_draft", .string(s.draftName))
            sink.field("speculative_tokens_per_step", .finite(s.tokensPerStep))
            sink.field("speculative_step_seconds", .finite(s.stepSeconds))
            sink.field("speculative_decode_seconds", .finite(s.decodeSeconds))
            sink.field("speculative_speedup", .finite(s.speedup))
            sink.field("speculative_pays_off_from_batch", .integer(s.paysOffFromBatch))
            sink.field("speculative_pays_off_up_to_batch", .integer(s.paysOffUpToBatch))
        }
    }

    /// The "sharing the GPU" figures (issue 6): interference, the short requests' TTFT under a
    /// mixed workload (null when the prefill queue saturates), paged KV and disaggregation.
    public static func sharingFields(_ s: SharingEstimate) -> [(String, JSONValue)] {
        var collected = Pairs()
        writeSharing(s, to: &collected)
        return collected.pairs
    }

    static func writeSharing<S: Sink>(_ s: SharingEstimate, to sink: inout S) {
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
        sink.field("short_context", .integer(s.workload.shortContextTokens))
        sink.field("long_fraction", .finite(s.workload.longFraction))
        sink.field("arrival_rate", .finite(s.workload.arrivalsPerSecond))
        sink.field("chunk", .integer(s.workload.chunkTokens))
        sink.field("kv_block", .integer(s.workload.kvBlockTokens))
        sink.field("prefill_stall_seconds", .finite(s.prefillStallSeconds))
        sink.field("chunked_prefill_seconds", .finite(s.chunkedPrefillSeconds))
        sink.field("chunked_step_seconds", .finite(s.chunkedStepSeconds))
        sink.field("chunked_iterations", .integer(s.chunkedIterations))
        sink.field("prefill_utilization", .finite(s.prefillUtilization))
        sink.field("saturated", .bool(s.isSaturated))
        sink.field("ttft_short_mean_seconds", .finite(s.ttftShortMeanSeconds))
        sink.field("ttft_short_p99_seconds", .finite(s.ttftShortP99Seconds))
        sink.field("concurrency_paged", .integer(s.concurrencyPaged))
        sink.field("concurrency_reserved", .integer(s.concurrencyReserved))
        sink.field("paged_waste_tokens", .integer(s.pagedWasteTokens))
        sink.field("kv_transfer_seconds", .finite(s.kvTransferSeconds))
        sink.field("kv_transfer_breakeven_context", breakEven)
        sink.field("kv_transfer_breakeven", breakEvenNote)
    }
}
