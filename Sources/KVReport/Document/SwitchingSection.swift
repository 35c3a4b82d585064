/// "Challenge 4 · Context switching": swapping a session out and another in over the host link.
struct SwitchingSection: ReportSection {
    let id = "switching"
    let title = "Challenge 4 · Context switching (host link)"
    let layout: Layout

    func blocks() -> [Block] {
        [
            .paragraph("When more users want the GPU than fit in HBM, sessions are swapped out to host memory and back over the host link; the time is the KV cache moved divided by the link bandwidth."),
            layout.chart(.switching), layout.quantityTable(.switching), layout.traces(.switching),
        ]
    }
}
