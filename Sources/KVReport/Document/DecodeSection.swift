/// "Challenge 3 · Decode": decode time and step against context, and the roofline.
struct DecodeSection: ReportSection {
    let id = "decode"
    let title = "Challenge 3 · Decode (HBM bandwidth)"
    let layout: Layout

    func blocks() -> [Block] {
        [
            .paragraph("Every output token reads all the weights and every resident session's KV cache from HBM; the KV read grows with the context. Figures are for \(evaluation.study.workload.outputTokens) output tokens at the batch shown in the appendix."),
            layout.chart(.decode), layout.quantityTable(.decode, also: .decodeStep), layout.chart(.roofline), layout.traces(.decode),
        ]
    }
}
