import KVStudy

/// One of the paper's four challenges: an introduction, the quantity against context (chart and
/// table), the figures and sentences particular to it, and the formulas behind it. The four differ
/// only in data, so they share this type.
struct ChallengeSection: ReportSection {
    let layout: Layout
    let quantity: Quantity
    let introduction: String
    /// A second quantity in the same table (the decode step beside decode time).
    var alsoInTable: Quantity? = nil
    /// Figures between the chart and the table, and blocks between the table and the formulas;
    /// made when the section is laid out, so figures are numbered in page order.
    var beforeTable: (Layout) -> [Block] = { _ in [] }
    var afterTable: (Layout) -> [Block] = { _ in [] }

    func blocks() -> [Block] {
        var blocks = [Block.paragraph(introduction), layout.chart(ChartCell.Kind(quantity: quantity))]
        blocks += beforeTable(layout)
        blocks.append(layout.quantityTable(quantity, also: alsoInTable))
        blocks += afterTable(layout)
        return blocks + [layout.traces(quantity)]
    }

    static func prefill(_ layout: Layout) -> ChallengeSection {
        ChallengeSection(
            layout: layout, quantity: .prefill,
            introduction: "Reading the prompt costs 2 FLOPs per active parameter per token plus causal attention over n²/2 token pairs per layer, so prefill time grows linearly at first and quadratically once attention dominates.",
            afterTable: { [attentionCrossover($0.evaluation)] })
    }

    static func concurrency(_ layout: Layout) -> ChallengeSection {
        ChallengeSection(
            layout: layout, quantity: .concurrency,
            introduction: "After prefill every session keeps its KV cache in HBM beside the weights; how many sessions fit is the free memory divided by one session's cache.",
            alsoInTable: .concurrencySustained,
            beforeTable: { $0.kvSessionFigure() + [$0.chart(.memory)] },
            afterTable: { SustainedConcurrency(layout: $0).blocks() })
    }

    static func decode(_ layout: Layout) -> ChallengeSection {
        ChallengeSection(
            layout: layout, quantity: .decode,
            introduction: "Every output token reads all the weights and every resident session's KV cache from HBM; the KV read grows with the context. The first chart is one session decoding its \(layout.evaluation.study.workload.outputTokens) output tokens alone (batch 1); the second is the throughput of the batch that fits, which shrinks as fewer sessions fit — the table gives that batch at each context.",
            alsoInTable: .decodeThroughput,
            beforeTable: { [$0.chart(.decodeThroughput)] },
            afterTable: { [$0.chart(.roofline)] })
    }

    static func switching(_ layout: Layout) -> ChallengeSection {
        ChallengeSection(
            layout: layout, quantity: .switching,
            introduction: "When more users want the GPU than fit in HBM, sessions are swapped out to host memory and back over the host link; the time is the KV cache moved divided by the link bandwidth.")
    }

    /// Where attention overtakes the linear layers in prefill FLOPs.
    static func attentionCrossover(_ evaluation: StudyEvaluation) -> Block {
        let first = evaluation.primary
        guard let crossover = first.estimates.first(where: { $0.prefillAttentionFLOPs > $0.prefillLinearFLOPs })?.context else {
            let last = first.estimates.last
            let share = last.map { 100 * $0.prefillAttentionFLOPs / $0.prefillFLOPs } ?? 0
            return .paragraph("For \(first.scenario.model.label), attention stays below the linear layers over the whole range: \(Format.fixed(share, significant: 3))% of prefill FLOPs at \(Format.tokens(evaluation.contexts.last ?? 0)) tokens.")
        }
        let beyond = crossover > first.scenario.model.contextLimit ? " (beyond its \(Format.tokens(first.scenario.model.contextLimit))-token maximum: an extrapolation)" : ""
        return .paragraph("For \(first.scenario.model.label), attention FLOPs overtake the linear layers' by \(Format.tokens(crossover)) tokens\(beyond): beyond it prefill grows quadratically with the prompt.")
    }
}
