import KVEstimator

/// The terminal table of `kvplan estimate`: one row per context length.
public enum EstimateTable {
    public static func text(_ scenario: Scenario, _ estimates: [Estimate], format: Format = Format(), baseline: String = "4K uncompressed") -> String {
        let hardware = scenario.hardware
        var lines = [
            "\(scenario.model.label) on \(hardware.label), compression \(scenario.compression.name), \(scenario.mode.rawValue) mode",
        ]
        if let first = estimates.first {
            lines.append("weights \(format.bytes(first.weightsBytes)), KV space \(format.bytes(max(0, first.availableKVBytes))) free beside them; \(first.outputTokens) output tokens")
        }
        let table = TextTable(
            headers: ["context", "KV/token", "KV/session", "sessions", "prefill", "decode step", "decode", "switch", "rel. cost", "bound (prefill/decode)"],
            rows: estimates.map { e in
                let servable = e.regime != .weightsDoNotFit
                return [
                    Format.tokens(e.context) + (e.beyondMaxContext ? "*" : ""),
                    format.bytes(e.kvBytesPerToken),
                    format.bytes(e.kvBytes),
                    e.regime == .offload ? "0 (offload)" : Format.integer(e.concurrency),
                    servable ? Format.seconds(e.prefill.seconds) : "—",
                    servable ? Format.seconds(e.decodeStep.seconds) : "—",
                    servable ? Format.seconds(e.decodeSeconds) : "—",
                    servable ? Format.seconds(e.contextSwitchSeconds) : "—",
                    servable ? (e.relativeCost.map(Format.factor) ?? "—") : "—",
                    servable ? "\(e.prefill.bound.rawValue)/\(e.decodeStep.bound.rawValue)" : "—",
                ]
            },
            rightAligned: Set(0...8)
        )
        lines.append(table.text)
        if estimates.contains(where: \.beyondMaxContext) {
            lines.append("* beyond the model's maximum context of \(scenario.model.maxContext.map(Format.integer) ?? "—") tokens")
        }
        if estimates.contains(where: { $0.regime == .weightsDoNotFit }) {
            lines.append("The weights do not fit in \(hardware.gpus) GPU(s): use more GPUs (--gpus) or lower weight precision.")
        }
        lines.append("decode: \(estimates.first?.decodeBatch ?? 1) session(s) per step; switch: \(hardware.hostLink.name), \(hardware.hostLink.duplex.rawValue) duplex; rel. cost vs \(baseline)")
        return lines.joined(separator: "\n")
    }
}
