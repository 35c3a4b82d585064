/// "Challenge 1 · Prefill": prefill time against context, and where attention overtakes the linear layers.
struct PrefillSection: ReportSection {
    let id = "prefill"
    let title = "Challenge 1 · Prefill (GPU FLOP/s)"
    let layout: Layout

    func blocks() -> [Block] {
        [
            .paragraph("Reading the prompt costs 2 FLOPs per active parameter per token plus causal attention over n²/2 token pairs per layer, so prefill time grows linearly at first and quadratically once attention dominates."),
            layout.chart(.prefill), layout.quantityTable(.prefill), attentionCrossover(), layout.traces(.prefill),
        ]
    }

    /// Where attention overtakes the linear layers in prefill FLOPs.
    func attentionCrossover() -> Block {
        let first = evaluation.first
        guard let crossover = first.estimates.first(where: { $0.prefillAttentionFLOPs > $0.prefillLinearFLOPs })?.context else {
            let last = first.estimates.last
            let share = last.map { 100 * $0.prefillAttentionFLOPs / $0.prefillFLOPs } ?? 0
            return .paragraph("For \(first.label), attention stays below the linear layers over the whole range: \(Format.fixed(share, significant: 3))% of prefill FLOPs at \(Format.tokens(evaluation.contexts.last ?? 0)) tokens.")
        }
        return .paragraph("For \(first.label), attention FLOPs overtake the linear layers' by \(Format.tokens(crossover)) tokens: beyond it prefill grows quadratically with the prompt.")
    }
}
