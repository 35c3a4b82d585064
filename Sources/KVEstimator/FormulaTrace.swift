/// A number with the formula that produced it and the values substituted, so that a reader can
/// audit every figure of a report (SPEC §3, "Formula trace"). Built on demand, off the hot path.
public struct FormulaTrace: Sendable, Equatable {
    /// The quantity, e.g. "KV cache per session".
    public var quantity: String
    /// The formula in the paper's notation.
    public var formula: String
    /// The formula with this scenario's values in place of the symbols.
    public var substituted: String
    /// The result with its unit.
    public var result: String

    public init(_ quantity: String, _ formula: String, _ substituted: String, _ result: String) {
        self.quantity = quantity
        self.formula = formula
        self.substituted = substituted
        self.result = result
    }
}

extension Estimator {
    /// The traces of every headline figure at context n.
    public func traces(context n: Int) -> [FormulaTrace] {
        let e = estimate(context: n)
        let model = scenario.model, hardware = scenario.hardware
        let g = hardware.gpus
        var traces: [FormulaTrace] = []

        traces.append(FormulaTrace(
            "Weights", "W = params · bw",
            "\(sig(parameters.total)) · \(sig(scenario.workload.weightPrecision.bytes)) B", "\(sig(weightsBytes)) B"))

        let layout = kvCache
        let perLayer = layout.elementsPerTokenPerLayer
        let kvFormula = model.mla == nil ? "KV(n) = Σ_layers 2 · Hkv · dh · tokens_kept(n) · bkv" : "KV(n) = Σ_layers (r + dr) · tokens_kept(n) · bkv"
        let layers = layout.storedGlobalLayers + layout.storedLocalLayers + layout.storedChunkedLayers
        traces.append(FormulaTrace(
            "KV cache per session", kvFormula,
            "\(sig(layers)) layers · \(sig(perLayer)) elements · tokens_kept(\(n)) · \(sig(layout.fullBytesPerElement)) B"
                + (scenario.compression.isNone ? "" : " (after \(scenario.compression.name))"),
            "\(sig(e.kvBytes)) B (\(sig(e.kvBytesPerToken)) B/token)"))

        let workload = scenario.workload
        let usable = workload.memoryUtilization == 1 ? "HBM" : "\(sig(workload.memoryUtilization)) · HBM"
        let usableValue = workload.memoryUtilization == 1 ? sig(hardware.hbmBytes) : "\(sig(workload.memoryUtilization)) · \(sig(hardware.hbmBytes))"
        let replicated = replicatedWeightsBytes > 0 ? " − \(sig(replicatedWeightsBytes))" : ""
        let activation = workload.activationMemory ? " − g · act(n)" : ""
        let activationValue = workload.activationMemory ? " − \(g) · \(sig(e.prefillPeakMemoryBytes))" : ""
        let rho = kvReplication == 1 ? "" : "ρ · "
        let rhoValue = kvReplication == 1 ? "" : "\(sig(kvReplication)) · "
        traces.append(FormulaTrace(
            "Concurrency", "⌊(g · (\(usable) − reserve) − W\(replicatedWeightsBytes > 0 ? " − W_attn·(g−1)" : "")\(activation)) / \(rho.isEmpty ? (sessionGroups > 1 ? "(G · KV(n))⌋ · G" : "KV(n)⌋") : "(ρ · KV(n))⌋")",
            "⌊(\(g) · (\(usableValue) − \(sig(workload.reserveBytes))) − \(sig(weightsBytes))\(replicated)\(activationValue)) / \(rho.isEmpty ? (sessionGroups > 1 ? "(\(Int(sessionGroups)) · \(sig(e.kvBytes)))⌋ · \(Int(sessionGroups))" : "\(sig(e.kvBytes))⌋") : "(\(rhoValue)\(sig(e.kvBytes)))⌋")",
            e.concurrency == 1 ? "1 session" : "\(e.concurrency) sessions"))

        let grown = decoding(prompt: n).kvBytes(tokens: Double(n + e.outputTokens))
        traces.append(FormulaTrace(
            "Concurrency through the last token", "⌊(g · (\(usable) − reserve) − W\(replicatedWeightsBytes > 0 ? " − W_attn·(g−1)" : "")\(activation)) / \(rho.isEmpty ? (sessionGroups > 1 ? "(G · KV(n + m))⌋ · G" : "KV(n + m)⌋") : "(ρ · KV(n + m))⌋"); decode batch = min(users, max_batch, max(1, that))",
            "⌊\(sig(kvBudget(prompt: Double(n)))) / \(rho.isEmpty ? (sessionGroups > 1 ? "(\(Int(sessionGroups)) · \(sig(grown)))⌋ · \(Int(sessionGroups))" : "\(sig(grown))⌋") : "(\(rhoValue)\(sig(grown)))⌋"); min(\(workload.users), \(workload.maxBatch.map(String.init) ?? "∞"), \(max(1, e.concurrencySustained)))",
            "\(e.concurrencySustained) sessions; batch \(e.decodeBatch)\(e.regime == .offload ? " (offload: one session does not fit through its last token, so its KV streams over the host link)" : "")"))

        if kvReplication != 1 {
            let formula = model.mla != nil
                ? "ρ = g: the MLA latent has no heads to split, so every rank caches it whole (vLLM's absorbed MLA cache shape [blocks, block, 1, r + dr] per rank)"
                : "ρ = g · ⌈Hkv/g⌉ / Hkv: each rank holds ⌈Hkv/g⌉ KV heads, replicated when g > Hkv (vLLM QKVParallelLinear: num_kv_head_replicas = g/Hkv)"
            traces.append(FormulaTrace(
                "KV replication over ranks", formula,
                model.mla != nil ? "ρ = \(Int(tensorParallel))" : "ρ = \(Int(tensorParallel)) · ⌈\(model.kvHeads)/\(Int(tensorParallel))⌉ / \(model.kvHeads)",
                "\(sig(kvReplication))× the KV of one session"))
        }

        traces.append(FormulaTrace(
            "Prefill", "max((2·N_active·n + 2·d·V)/(g·FLOP/s) + attention/(g·FLOP/s), W/(g·HBM_bw))"
                + (pipelineStages > 1 ? " · (K + pp − 1)/K" : "") + (e.prefill.communication > 0 ? " + comm(n)" : ""),
            "max(\(sig(e.prefillLinearFLOPs)) / \(sig(matmulFLOPsPerSecond)) + \(sig(e.prefillAttentionFLOPs)) / \(sig(attentionFLOPsPerSecond)), \(sig(weightsBytes)) / \(sig(memoryBytesPerSecond)))"
                + (pipelineStages > 1 ? " · \(sig(max(e.prefill.compute, e.prefill.memory) / max(e.prefillLinearFLOPs / matmulFLOPsPerSecond + e.prefillAttentionFLOPs / attentionFLOPsPerSecond, weightsBytes / memoryBytesPerSecond)))" : "")
                + (e.prefill.communication > 0 ? " + \(sig(e.prefill.communication))" : ""),
            "\(sig(e.prefill.seconds)) s (\(e.prefill.bound.rawValue)-bound)"))

        let comm = e.decodeStep.communication > 0 ? " + comm(b)" : ""
        let commValue = e.decodeStep.communication > 0 ? " + \(sig(e.decodeStep.communication))" : ""
        traces.append(FormulaTrace(
            "Decode step", "max((W_read + b·\(rho)KV(c)) / (g·HBM_bw), FLOPs_step / (g·FLOP/s))\(comm)"
                + (pipelineStages > 1 ? "; with pp stages t = pp · t_g(b/M), M = min(b, pp) micro-batches (values below at b/M, times pp)" : ""),
            "max((\(sig(e.weightsReadBytes)) + \(e.decodeBatch) · \(rhoValue)\(sig(e.kvBytes))) / \(sig(memoryBytesPerSecond)), \(sig(e.decodeStepFLOPs)) / \(sig(matmulFLOPsPerSecond)))\(commValue)",
            "\(sig(e.decodeStep.seconds)) s (\(e.decodeStep.bound.rawValue)-bound)"))

        traces.append(FormulaTrace(
            "Decode of m tokens", "T = Σ_{j=0}^{m−1} t_step(n + j)",
            "Σ_{j=0}^{\(e.outputTokens - 1)} t_step(\(n) + j), batch \(e.decodeBatch)",
            "\(sig(e.decodeSeconds)) s"))

        if gpus > 1 {
            traces += communicationTraces(e)
        }
        traces.append(FormulaTrace(
            "Prefill activation memory",
            "act(n) = t · 2 B · (2·d + max(attention, mlp)/g), t = \(workload.prefillChunk == nil ? "n" : "min(n, chunk)"); flash attention: no t² scores stored",
            "\(sig(prefillIterationTokens(Double(n)))) · 2 · (2 · \(model.hidden) + max(\(sig(activationWidths.attention)), \(sig(activationWidths.mlp)))/\(Int(tensorParallel)))",
            "\(sig(e.prefillPeakMemoryBytes)) B per GPU\(workload.activationMemory ? ", taken from the KV budget" : " (not taken from the KV budget: activation_memory is off, as in the paper's peak)")\(e.prefillFitsUnchunked || e.concurrency == 0 ? "" : "; one session and its prefill in one piece do not fit: chunk the prefill")"))
        if let spec = workload.speculative, let s = e.speculative {
            traces.append(FormulaTrace(
                "Speculative decoding",
                "E = (1 − α^(γ+1)) / (1 − α); t_spec = t_verify(b, c, γ+1) + γ · t_draft(b, c); T = Σ_{s<⌈m/E⌉} t_spec(n + s·E) (Leviathan et al. 2023)",
                "E = (1 − \(sig(spec.acceptance))^\(spec.draftTokens + 1)) / (1 − \(sig(spec.acceptance))) = \(sig(s.tokensPerStep)); t_spec = \(sig(s.verifySeconds)) + \(spec.draftTokens) · \(sig(s.draftStepSeconds)) (draft \(s.draftName))",
                "\(sig(s.decodeSeconds)) s for \(e.outputTokens) tokens, \(sig(s.speedup))× plain decode; \(s.paysOffUpToBatch == 0 ? "pays off at no batch that fits" : "pays off at batches \(s.paysOffFromBatch) to \(s.paysOffUpToBatch)")"))
        }

        let duplex = hardware.hostLink.duplex
        // Data-parallel attention: a session sits on one rank of a stage and moves over its link alone.
        let groups = sessionGroups == 1 ? "" : "G · "
        let groupsValue = sessionGroups == 1 ? "" : "\(Int(sessionGroups)) · "
        traces.append(FormulaTrace(
            "Context switch",
            duplex == .half ? "\(groups)\(rho.isEmpty ? "" : "ρ · ")(KV_out(n) + KV_in(n)) / (g · link_bw)" : "\(groups)\(rho)max(KV_out(n), KV_in(n)) / (g · link_bw)",
            duplex == .half ? "\(groupsValue)\(rhoValue)(\(sig(e.kvBytes)) + \(sig(e.kvBytes))) / (\(g) · \(sig(hardware.hostLink.bytesPerSecond)))"
                : "\(groupsValue)\(rhoValue)\(sig(e.kvBytes)) / (\(g) · \(sig(hardware.hostLink.bytesPerSecond)))",
            "\(sig(e.contextSwitchSeconds)) s"))
        return traces
    }

    /// Communication inside the prefill, by kind, with its formula and source.
    func communicationTraces(_ e: Estimate) -> [FormulaTrace] {
        let hardware = scenario.hardware, model = scenario.model
        let tp = Int(tensorParallel), node = hardware.nodeSize
        let c = e.prefillCommunication
        let bytes = Double(e.context) * Double(model.hidden) * 2
        var traces: [FormulaTrace] = []
        let crossNode = tp > node
        let ring = crossNode
            ? "2(k−1)/k · S / bw_link + 2(N−1)/N · (S/k) / bw_net + latency, k = \(node) GPUs per node, N = \(tp / node) nodes"
            : "2(g−1)/g · S / bw_link + latency"
        let perLayer = hardware.parallel.attention == .tensor ? "2 all-reduces" : "1 all-reduce (data-parallel attention: the MLP's all-gather + reduce-scatter)"
        traces.append(FormulaTrace(
            "Communication (tensor parallel)",
            "\(perLayer) per layer of S = tokens · d · 2 B, ring: \(ring) (Megatron-LM §3; NCCL ring, latency from NCCL tuning.cc: 3.6 µs + 0.47 µs per NVLink step, 2.7 µs per network step)",
            "S = \(e.context) · \(model.hidden) · 2 = \(sig(bytes)) B over g = \(tp); bw_link = \(sig(interconnectBytesPerSecond)) B/s per direction\(crossNode ? ", bw_net = \(sig(networkBytesPerSecond)) B/s" : "")",
            "\(sig(c.tensor)) s in the prefill; \(sig(e.decodeStep.communication)) s per decode step; communication_seconds = \(sig(c.seconds))"))
        if hardware.parallel.pipelineStages > 1 {
            traces.append(FormulaTrace(
                "Communication (pipeline)",
                "(pp − 1) sends of tokens · d · 2 B, over the network where a stage boundary is a node boundary; decode bubble 1 − min(b, pp)/pp (GPipe)",
                "\(hardware.parallel.pipelineStages - 1) · \(sig(bytes)) B",
                "\(sig(c.pipeline)) s in the prefill; decode bubble \(sig(e.pipelineBubble))"))
        }
        if hardware.parallel.expertParallel > 1 {
            traces.append(FormulaTrace(
                "Communication (expert parallel)",
                "per MoE layer a dispatch and a combine all-to-all, each rank sending tokens/ep · k · d · 2 B (GShard; DeepEP)",
                "\(sig(parameters.moeLayers)) layers · 2 · all-to-all over ep = \(hardware.parallel.expertParallel)",
                "\(sig(c.expert)) s in the prefill"))
        }
        return traces
    }
}

/// A number to four significant digits, with an SI exponent for large and small values.
public func sig(_ value: Double) -> String {
    guard value.isFinite else { return "—" }
    if value == 0 { return "0" }
    if value == value.rounded(), abs(value) < 1e6 { return String(Int(value)) }
    let magnitude = abs(value)
    if magnitude >= 1e6 || magnitude < 1e-3 {
        var exponent = 0
        var mantissa = value
        while abs(mantissa) >= 10 { mantissa /= 10; exponent += 1 }
        while abs(mantissa) < 1 { mantissa *= 10; exponent -= 1 }
        return "\(trimmed(mantissa, decimals: 3))e\(exponent)"
    }
    let decimals = max(0, 3 - Int((magnitude).log10Floor))
    return trimmed(value, decimals: decimals)
}

/// `value` rounded to `decimals` places, trailing zeros dropped.
func trimmed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if text.contains("e") { return text }
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}

extension Double {
    var log10Floor: Double {
        var exponent = 0.0
        var x = self
        while x >= 10 { x /= 10; exponent += 1 }
        while x < 1 { x *= 10; exponent -= 1 }
        return exponent
    }
}
