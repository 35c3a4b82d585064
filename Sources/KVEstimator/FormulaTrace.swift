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

        traces.append(FormulaTrace(
            "Concurrency", "⌊(g · (HBM − reserve) − W) / KV(n)⌋",
            "⌊(\(g) · (\(sig(hardware.hbmBytes)) − \(sig(scenario.workload.reserveBytes))) − \(sig(weightsBytes))) / \(sig(e.kvBytes))⌋",
            "\(e.concurrency) sessions"))

        traces.append(FormulaTrace(
            "Prefill", "max((2·N_active·n + 2·d·V)/(g·FLOP/s) + attention/(g·FLOP/s), W/(g·HBM_bw))",
            "max(\(sig(e.prefillLinearFLOPs)) / \(sig(matmulFLOPsPerSecond)) + \(sig(e.prefillAttentionFLOPs)) / \(sig(attentionFLOPsPerSecond)), \(sig(weightsBytes)) / \(sig(memoryBytesPerSecond)))",
            "\(sig(e.prefill.seconds)) s (\(e.prefill.bound.rawValue)-bound)"))

        traces.append(FormulaTrace(
            "Decode step", "max((W_read + b·KV(c)) / (g·HBM_bw), FLOPs_step / (g·FLOP/s))",
            "max((\(sig(e.weightsReadBytes)) + \(e.decodeBatch) · \(sig(e.kvBytes))) / \(sig(memoryBytesPerSecond)), \(sig(e.decodeStepFLOPs)) / \(sig(matmulFLOPsPerSecond)))",
            "\(sig(e.decodeStep.seconds)) s (\(e.decodeStep.bound.rawValue)-bound)"))

        traces.append(FormulaTrace(
            "Decode of m tokens", "T = Σ_{j=0}^{m−1} t_step(n + j)",
            "Σ_{j=0}^{\(e.outputTokens - 1)} t_step(\(n) + j), batch \(e.decodeBatch)",
            "\(sig(e.decodeSeconds)) s"))

        let duplex = hardware.hostLink.duplex
        traces.append(FormulaTrace(
            "Context switch",
            duplex == .half ? "(KV_out(n) + KV_in(n)) / (g · link_bw)" : "max(KV_out(n), KV_in(n)) / (g · link_bw)",
            duplex == .half ? "(\(sig(e.kvBytes)) + \(sig(e.kvBytes))) / (\(g) · \(sig(hardware.hostLink.bytesPerSecond)))"
                : "\(sig(e.kvBytes)) / (\(g) · \(sig(hardware.hostLink.bytesPerSecond)))",
            "\(sig(e.contextSwitchSeconds)) s"))
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
