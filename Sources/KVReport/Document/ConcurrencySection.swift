/// "Challenge 2 · Concurrency": sessions that fit, KV per session across scenarios, the HBM stack.
struct ConcurrencySection: ReportSection {
    let id = "concurrency"
    let title = "Challenge 2 · Concurrency (HBM size)"
    let layout: Layout

    func blocks() -> [Block] {
        [
            .paragraph("After prefill every session keeps its KV cache in HBM beside the weights; how many sessions fit is the free memory divided by one session's cache."),
            layout.chart(.concurrency),
        ] + layout.kvSessionFigure() + [layout.chart(.memory), layout.quantityTable(.concurrency), layout.traces(.concurrency)]
    }
}
