import KVStudy

/// "Methodology and assumptions": the methodology template's prose and what this study assumes.
struct MethodologySection: ReportSection {
    let layout: Layout

    func blocks() -> [Block] {
        [.prose(Prose(markdown: layout.methodologyMarkdown, source: .kvplan, trusted: true))] + assumptions()
    }

    func assumptions() -> [Block] {
        let study = evaluation.study
        var lines = [
            "Mode: \(study.mode.rawValue) — \(study.mode == .peak ? "datasheet peaks, no efficiency factors: real GPUs are slower (see kvplan calibrate)" : "efficiency factors from the hardware entries are applied")."
        ]
        if evaluation.series.contains(where: { $0.estimates.contains(where: \.beyondMaxContext) }) {
            lines.append("Contexts marked * exceed a model's advertised maximum context; they are extrapolations of the formulas.")
        }
        if evaluation.series.contains(where: { $0.estimates.contains { $0.regime == .offload } }) {
            lines.append("Where not one session fits in HBM (offload regime), decode streams the KV that does not fit over the host link each step, overlapped with compute as in FlexGen.")
        }
        if !evaluation.multiGPU.isEmpty {
            lines.append("Communication is counted for the scenarios on more than one GPU (section “Communication between GPUs”). The interconnect figures of the setup table are both directions together, as vendors quote them; a ring sends in one, at half the figure. The network figure is per GPU, used beyond a node's GPUs.")
        }
        if evaluation.series.contains(where: { $0.estimates.contains { $0.regime == .weightsDoNotFit } }) {
            lines.append("Where the weights alone exceed the HBM of the GPUs, decode and cost are not reported (—).")
        }
        if let placement = evaluation.kvPlacement { lines.append(KVPlacementSection.methodology(placement.placement)) }
        return lines.map { .paragraph($0) }
    }
}
