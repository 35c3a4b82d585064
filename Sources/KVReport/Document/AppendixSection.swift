import KVEstimator
import KVStudy

/// "Appendix: every number": every estimate of every scenario at every context in one table.
struct AppendixSection: ReportSection {
    let layout: Layout

    func blocks() -> [Block] {
        [.paragraph("Every figure of every scenario at every context. The JSON download holds the same numbers with all fields."), appendixTable()]
    }

    func appendixTable() -> Block {
        var rows: [(ScenarioSeriesLabel: String, estimate: Estimate, series: StudyEvaluation.ScenarioSeries)] = []
        for series in evaluation.series {
            for estimate in series.estimates { rows.append((series.label, estimate, series)) }
        }
        let gb = format.gigabyteName, scale = format.gigabyte
        func column(_ title: String, numeric: Bool = true, _ shown: (Estimate) -> String, _ raw: (Estimate) -> String) -> TableBuilder.Column {
            TableBuilder.Column(title: title, numeric: numeric, shown: rows.map { shown($0.estimate) }, raw: rows.map { raw($0.estimate) })
        }
        let servable = { (e: Estimate) in e.regime != .weightsDoNotFit }
        let columns = [
            TableBuilder.Column(title: "scenario", numeric: false, shown: rows.map(\.0), raw: rows.map(\.0)),
            column("context (tokens)", { Format.tokens($0.context) + ($0.beyondMaxContext ? " *" : "") }, { String($0.context) }),
            column("KV per session (\(gb))", { Format.fixed($0.kvBytes / scale, significant: 4) }, { TableBuilder.raw($0.kvBytes / scale) }),
            column("sessions", { Format.integer($0.concurrency) }, { String($0.concurrency) }),
            column("regime", numeric: false, { $0.regime.rawValue }, { $0.regime.rawValue }),
            column("prefill (s)", { Format.fixed($0.prefill.seconds, significant: 3) }, { TableBuilder.raw($0.prefill.seconds) }),
            column("attention share of prefill FLOPs (%)", { Format.fixed(100 * $0.prefillAttentionFLOPs / $0.prefillFLOPs, significant: 3) }, { TableBuilder.raw(100 * $0.prefillAttentionFLOPs / $0.prefillFLOPs) }),
            column("decode batch", { Format.integer($0.decodeBatch) }, { String($0.decodeBatch) }),
            column("decode step (ms)", { servable($0) ? Format.fixed($0.decodeStep.seconds * 1e3, significant: 3) : "—" }, { servable($0) ? TableBuilder.raw($0.decodeStep.seconds * 1e3) : "" }),
            column("decode of output (s)", { servable($0) ? Format.fixed($0.decodeSeconds, significant: 3) : "—" }, { servable($0) ? TableBuilder.raw($0.decodeSeconds) : "" }),
            column("tokens/s", { servable($0) ? Format.fixed($0.decodeTokensPerSecond, significant: 3) : "—" }, { servable($0) ? TableBuilder.raw($0.decodeTokensPerSecond) : "" }),
            column("switch (s)", { Format.fixed($0.contextSwitchSeconds, significant: 3) }, { TableBuilder.raw($0.contextSwitchSeconds) }),
            column("GPU-s per session", { servable($0) ? Format.fixed($0.session.gpuSeconds, significant: 3) : "—" }, { servable($0) ? TableBuilder.raw($0.session.gpuSeconds) : "" }),
            column("relative cost (×)", { e in servable(e) ? (e.relativeCost.map { Format.fixed($0, significant: 3) } ?? "—") : "—" }, { servable($0) ? TableBuilder.raw($0.relativeCost) : "" }),
            column("bound prefill / decode", numeric: false, { "\($0.prefill.bound.rawValue) / \(servable($0) ? $0.decodeStep.bound.rawValue : "—")" }, { "\($0.prefill.bound.rawValue)/\(servable($0) ? $0.decodeStep.bound.rawValue : "")" }),
        ]
        let baselineRows = Set(rows.enumerated().filter {
            $0.element.estimate.context == evaluation.study.baseline.context && $0.element.series.isBaselineCompression
        }.map(\.offset))
        return .table(layout.table(caption: "Every estimate of the study", columns: columns, baselineRows: baselineRows))
    }
}
