import KVEstimator
import KVStudy

/// "Speculative decoding" (issue 11; the paper's TriForce, MagicDec for batches): the speed-up of
/// decode against context length at each scenario's decode batch, against the batch at a few
/// contexts, and the batches at which it pays off. Only when the study configures `speculative`.
struct SpeculativeSection: ReportSection {
    let layout: Layout
    var applies: Bool { evaluation.study.workload.speculative != nil }

    var servable: [StudyEvaluation.ScenarioSeries] {
        evaluation.compared.filter { $0.estimates.contains { $0.speculative != nil && $0.regime != .weightsDoNotFit } }
    }

    func blocks() -> [Block] {
        guard let spec = evaluation.study.workload.speculative, let first = servable.first,
              let tokens = first.estimates.first(where: { $0.speculative != nil })?.speculative?.tokensPerStep else { return [] }
        var blocks: [Block] = [.paragraph(
            "A draft (\(draftDescription(spec.draft))) proposes γ = \(spec.draftTokens) token\(spec.draftTokens == 1 ? "" : "s") per step; the target verifies them in one step over γ + 1 positions and keeps the accepted prefix plus one token of its own. "
                + "At acceptance α = \(spec.acceptance) a target step yields \(Format.fixed(tokens, significant: 3)) tokens on average, (1 − α^(γ+1))/(1 − α) (Leviathan et al. 2023). "
                + "It pays off where decode is bound by reading memory the draft does not read — the long context's KV — and stops paying once verifying γ + 1 positions turns the step compute-bound.")]
        blocks.append(contextFigure())
        if let figure = batchFigure() { blocks.append(figure) }
        blocks.append(table())
        if let sentence = summary() { blocks.append(.paragraph(sentence)) }
        blocks.append(layout.traces(titles: ["Speculative decoding"], of: first))
        return blocks
    }

    func draftDescription(_ draft: SpeculativeDecoding.Draft) -> String {
        switch draft {
        case .model(let model): "the small model \(model.label), on the same GPUs"
        case .selfSpeculation(let budget): "the target itself on a KV cache of its last \(Format.tokens(budget)) tokens, as in TriForce and MagicDec"
        case .multiTokenPrediction: "multi-token-prediction heads, one extra block per drafted token"
        }
    }

    static let breakEven = ChartAnnotation(y: 1, label: "break-even")

    /// Speed-up at each scenario's decode batch against context length.
    func contextFigure() -> Block {
        let chart = LineChart(
            title: "Speculative decoding: speed-up against context",
            x: Axis.tokens(),
            y: Axis(title: "decode speed-up (×)", scale: .linear, format: { Format.fixed($0, significant: 3) }),
            series: servable.map { series in
                ChartSeries(name: series.label, points: series.estimates.compactMap { e in
                    e.speculative.map { ChartPoint(x: Double(e.context), y: $0.speedup) }
                })
            },
            annotations: [Self.breakEven])
        return layout.figure(
            caption: "Plain decode time over speculative decode time of the output, at each scenario's decode batch (sessions through their last token, up to the users), against context length; above 1 it pays off.",
            chart: .line(chart), topic: .speculative)
    }

    /// Speed-up against the batch, for the first scenario at a few contexts.
    func batchFigure() -> Block? {
        let usable = evaluation.speculativeSweeps.filter { $0.points.count > 1 }
        let contexts = ChartFactory.spread(usable.map(\.context), count: 3)
        let sweeps = usable.filter { contexts.contains($0.context) }
        guard let label = sweeps.first?.label else { return nil }
        let chart = LineChart(
            title: "Speculative decoding: speed-up against batch",
            x: Axis(title: "decode batch (sessions)", scale: .log, format: { Format.integer(Int($0.rounded())) }),
            y: Axis(title: "decode speed-up (×)", scale: .linear, format: { Format.fixed($0, significant: 3) }),
            series: sweeps.map { sweep in
                ChartSeries(name: "\(Format.tokens(sweep.context)) tokens", points: sweep.points.map { ChartPoint(x: Double($0.batch), y: $0.speedup) })
            },
            annotations: [Self.breakEven])
        return layout.figure(
            caption: "Speed-up of \(label) against the decode batch, one line per context, up to the sessions that fit through their last token.",
            chart: .line(chart), topic: .speculative)
    }

    func table() -> Block {
        let rows = servable.flatMap { entry in entry.estimates.compactMap { e in e.speculative.map { (entry.label, e, $0) } } }
        let seconds = { (value: Double) in Format.fixed(value, significant: 3) }
        return .table(layout.table(caption: "Speculative decoding by scenario and context (decode of the output at the decode batch)" + layout.beyondMaxContextNote + layout.laidOutNote, columns: [
            .init(title: "scenario", numeric: false, shown: rows.map(\.0), raw: rows.map(\.0)),
            .init(title: "context (tokens)", numeric: true, shown: rows.map { Format.tokens($0.1.context) + ($0.1.beyondMaxContext ? " *" : "") }, raw: rows.map { String($0.1.context) }),
            .init(title: "decode batch", numeric: true, shown: rows.map { Format.integer($0.1.decodeBatch) }, raw: rows.map { String($0.1.decodeBatch) }),
            .init(title: "plain decode (s)", numeric: true, shown: rows.map { seconds($0.1.decodeSeconds) }, raw: rows.map { TableBuilder.raw($0.1.decodeSeconds) }),
            .init(title: "speculative decode (s)", numeric: true, shown: rows.map { seconds($0.2.decodeSeconds) }, raw: rows.map { TableBuilder.raw($0.2.decodeSeconds) }),
            .init(title: "speed-up (×)", numeric: true, shown: rows.map { seconds($0.2.speedup) }, raw: rows.map { TableBuilder.raw($0.2.speedup) }),
            .init(title: "pays off at batches (of those that fit)", numeric: false, shown: rows.map { Self.range($0.2) }, raw: rows.map { $0.2.paysOffUpToBatch == 0 ? "" : "\($0.2.paysOffFromBatch)-\($0.2.paysOffUpToBatch)" }),
        ]))
    }

    static func range(_ s: SpeculativeEstimate) -> String {
        guard s.paysOffUpToBatch > 0 else { return "none" }
        return s.paysOffFromBatch == s.paysOffUpToBatch ? Format.integer(s.paysOffFromBatch)
            : "\(Format.integer(s.paysOffFromBatch))–\(Format.integer(s.paysOffUpToBatch))"
    }

    /// Where it pays off at the decode batch, at the shortest and the longest context.
    func summary() -> String? {
        let contexts = Array(Set([evaluation.contexts.first, evaluation.contexts.last].compactMap { $0 })).sorted()
        let parts = contexts.map { context -> String in
            let rows = servable.compactMap { series in
                series.estimates.first { $0.context == context }?.speculative.map { (series.label, $0) }
            }
            let paying = rows.filter { $0.1.speedup > 1 }
            let at = "at \(Format.tokens(context)) tokens"
            if paying.isEmpty { return "\(at) it pays off for none of the scenarios at their decode batch" }
            if paying.count == rows.count, rows.count > 1 { return "\(at) it pays off for every scenario at its decode batch" }
            if rows.count > 2, 2 * paying.count > rows.count {
                return "\(at) it pays off for every scenario at its decode batch but " + rows.filter { $0.1.speedup <= 1 }.map { "\($0.0) (\(Format.fixed($0.1.speedup, significant: 3))×)" }.joined(separator: ", ")
            }
            return "\(at) it pays off for " + paying.map { "\($0.0) (\(Format.fixed($0.1.speedup, significant: 3))×)" }.joined(separator: ", ")
        }
        guard !parts.isEmpty else { return nil }
        return parts.joined(separator: "; ").capitalizedFirst + "."
    }
}

extension String {
    /// The sentence with its first letter capitalised.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
