import KVEstimator
import KVStudy

/// "Appendix: every number": every estimate of every scenario at every context in one table.
struct AppendixSection: ReportSection {
    let layout: Layout

    func blocks() -> [Block] {
        var lead = "Every figure of every scenario at every context. The JSON download holds the same numbers with all fields."
        if let sweep = evaluation.sweep {
            lead += " This study has \(Format.integer(sweep.pointCount)) points: its charts and its other tables are drawn at \(Format.integer(evaluation.contexts.count)) of its \(Format.integer(sweep.contexts.count)) contexts (an even spread, with the contexts on either side of every change the text names); the CSVs of this table and of the tables by context length, and the JSON, hold every point."
        }
        return [.paragraph(lead), appendixTable()]
    }

    /// A figure of one estimate: its header, and its shown and full-precision text.
    struct EstimateColumn: Sendable {
        var title: String
        var numeric = true
        var shown: @Sendable (Estimate) -> String
        var raw: @Sendable (Estimate) -> Table.Value
    }

    func appendixTable() -> Block {
        let rows = evaluation.series.flatMap { series in series.estimates.map { (label: series.label, estimate: $0) } }
        let columns = Self.columns(format)
        let baselineRows = Set(evaluation.series.flatMap { series in
            series.estimates.map { series.isBaselineCompression && $0.context == evaluation.study.baseline.context }
        }.enumerated().filter(\.element).map(\.offset))
        let allRows = evaluation.sweep.map { sweep in
            Table.Values(count: sweep.pointCount) { range, body in
                try sweep.forEach(points: range) { series, estimate in try body([.text(series.label)] + columns.map { $0.raw(estimate) }) }
            }
        }
        let tableColumns = [TableBuilder.Column(title: "scenario", numeric: false, count: rows.count, shown: { rows[$0].label }, raw: { rows[$0].label })]
            + columns.map { column in
                TableBuilder.Column(title: column.title, numeric: column.numeric, count: rows.count,
                                    shown: { column.shown(rows[$0].estimate) }, raw: { column.raw(rows[$0].estimate).text })
            }
        return .table(layout.table(caption: "Every estimate of the study", columns: tableColumns, baselineRows: baselineRows, allRows: allRows))
    }

    static func columns(_ format: Format) -> [EstimateColumn] {
        let gb = format.gigabyteName, scale = format.gigabyte
        let servable = { @Sendable (e: Estimate) in e.regime != .weightsDoNotFit }
        return [
            EstimateColumn(title: "context (tokens)", shown: { Format.tokens($0.context) + ($0.beyondMaxContext ? " *" : "") }, raw: { .text(String($0.context)) }),
            EstimateColumn(title: "KV per session (\(gb))", shown: { Format.fixed($0.kvBytes / scale, significant: 4) }, raw: { .number($0.kvBytes / scale) }),
            EstimateColumn(title: "sessions", shown: { Format.integer($0.concurrency) }, raw: { .text(String($0.concurrency)) }),
            EstimateColumn(title: "regime", numeric: false, shown: { $0.regime.rawValue }, raw: { .text($0.regime.rawValue) }),
            EstimateColumn(title: "prefill (s)", shown: { Format.fixed($0.prefill.seconds, significant: 3) }, raw: { .number($0.prefill.seconds) }),
            EstimateColumn(title: "attention share of prefill FLOPs (%)", shown: { Format.fixed(100 * $0.prefillAttentionFLOPs / $0.prefillFLOPs, significant: 3) }, raw: { .number(100 * $0.prefillAttentionFLOPs / $0.prefillFLOPs) }),
            EstimateColumn(title: "decode batch", shown: { Format.integer($0.decodeBatch) }, raw: { .text(String($0.decodeBatch)) }),
            EstimateColumn(title: "decode step (ms)", shown: { servable($0) ? Format.fixed($0.decodeStep.seconds * 1e3, significant: 3) : "—" }, raw: { servable($0) ? .number($0.decodeStep.seconds * 1e3) : .text("") }),
            EstimateColumn(title: "decode of output (s)", shown: { servable($0) ? Format.fixed($0.decodeSeconds, significant: 3) : "—" }, raw: { servable($0) ? .number($0.decodeSeconds) : .text("") }),
            EstimateColumn(title: "tokens/s", shown: { servable($0) ? Format.fixed($0.decodeTokensPerSecond, significant: 3) : "—" }, raw: { servable($0) ? .number($0.decodeTokensPerSecond) : .text("") }),
            EstimateColumn(title: "switch (s)", shown: { Format.fixed($0.contextSwitchSeconds, significant: 3) }, raw: { .number($0.contextSwitchSeconds) }),
            EstimateColumn(title: "GPU-s per session", shown: { servable($0) ? Format.fixed($0.session.gpuSeconds, significant: 3) : "—" }, raw: { servable($0) ? .number($0.session.gpuSeconds) : .text("") }),
            EstimateColumn(title: "relative cost (×)", shown: { e in servable(e) ? (e.relativeCost.map { Format.fixed($0, significant: 3) } ?? "—") : "—" }, raw: { servable($0) ? .number($0.relativeCost) : .text("") }),
            EstimateColumn(title: "bound prefill / decode", numeric: false, shown: { "\($0.prefill.bound.rawValue) / \(servable($0) ? $0.decodeStep.bound.rawValue : "—")" }, raw: { .text("\($0.prefill.bound.rawValue)/\(servable($0) ? $0.decodeStep.bound.rawValue : "")") }),
        ]
    }
}
