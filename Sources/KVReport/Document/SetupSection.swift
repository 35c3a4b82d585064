import KVEstimator
import KVStudy

/// "Setup": the models, GPUs and compression settings a study compares, with their sources,
/// and the workload.
struct SetupSection: ReportSection {
    let layout: Layout

    func blocks() -> [Block] {
        let study = evaluation.study
        var blocks: [Block] = [.paragraph("The models, GPUs and compression settings this study compares, with the sources of their figures.")]
        let models = study.models
        let kvPerToken = evaluation.models.map { figures in
            switch figures.kvBytesPerToken {
            case .success(let bytes): Format.integer(Int(clamping: bytes.rounded()))
            case .failure: "—"
            }
        }
        let counts = evaluation.models.map(\.parameters)
        blocks.append(.table(layout.table(caption: "Models", columns: [
            .init(title: "model", numeric: false, shown: models.map(\.label), raw: models.map(\.name)),
            .init(title: "parameters (B)", numeric: true, shown: counts.map { count in
                // Declared on the model card; the computed count beside it when they differ by more than 2%.
                let shown = Format.fixed(count.total / 1e9, significant: 4)
                return abs(count.total - count.computedTotal) > 0.02 * count.total
                    ? "\(shown) (computed \(Format.fixed(count.computedTotal / 1e9, significant: 4)))" : shown
            }, raw: counts.map { TableBuilder.raw($0.total / 1e9) }),
            .init(title: "active (B)", numeric: true, shown: counts.map { Format.fixed($0.active / 1e9, significant: 4) }, raw: counts.map { TableBuilder.raw($0.active / 1e9) }),
            .init(title: "layers", numeric: true, shown: models.map { "\($0.layers) (\($0.attention.effectivePattern))" }, raw: models.map { String($0.layers) }),
            .init(title: "heads / KV heads", numeric: true, shown: models.map { $0.mla == nil ? "\($0.heads) / \($0.kvHeads)" : "\($0.heads) / MLA" }, raw: models.map { "\($0.heads)/\($0.kvHeads)" }),
            .init(title: "KV per token at \(study.workload.kvPrecision.rawValue) (bytes)", numeric: true, shown: kvPerToken, raw: kvPerToken.map { $0.filter(\.isNumber) }),
            .init(title: "max context (tokens)", numeric: true, shown: models.map { $0.maxContext.map(Format.integer) ?? "—" }, raw: models.map { $0.maxContext.map(String.init) ?? "" }),
            .init(title: "source", numeric: false, shown: models.map(\.source), raw: models.map(\.source)),
        ])))
        let hardware = study.hardware
        // The parallel layout and links only where some replica spans more than one GPU (issue 11).
        let parallel: [TableBuilder.Column] = !hardware.contains { $0.gpus > 1 } ? [] : [
            .init(title: "parallel layout", numeric: false, shown: hardware.map(ParallelLayoutSummary.layout), raw: hardware.map(ParallelLayoutSummary.layout)),
            .init(title: "GPUs per node and links", numeric: false, shown: hardware.map(ParallelLayoutSummary.links), raw: hardware.map(ParallelLayoutSummary.links)),
        ]
        blocks.append(.table(layout.table(caption: "Hardware (per GPU; HBM capacities are binary on real parts)", columns: [
            .init(title: "hardware", numeric: false, shown: hardware.map(\.label), raw: hardware.map(\.name)),
            .init(title: "GPUs", numeric: true, shown: hardware.map { String($0.gpus) }, raw: hardware.map { String($0.gpus) }),
        ] + parallel + [
            .init(title: "HBM (\(format.gigabyteName))", numeric: true, shown: hardware.map { Format.fixed($0.hbmBytes / format.gigabyte, significant: 4) }, raw: hardware.map { TableBuilder.raw($0.hbmBytes / format.gigabyte) }),
            .init(title: "HBM bandwidth (GB/s)", numeric: true, shown: hardware.map { Format.fixed($0.hbmBytesPerSecond / 1e9, significant: 4) }, raw: hardware.map { TableBuilder.raw($0.hbmBytesPerSecond / 1e9) }),
            .init(title: "bf16 dense (TFLOP/s)", numeric: true, shown: hardware.map { Format.fixed($0.flopsPerSecond.bf16 / 1e12, significant: 4) }, raw: hardware.map { TableBuilder.raw($0.flopsPerSecond.bf16 / 1e12) }),
            .init(title: "host link", numeric: false, shown: hardware.map { "\($0.hostLink.name), \(Format.fixed($0.hostLink.bytesPerSecond / 1e9, significant: 3)) GB/s, \($0.hostLink.duplex.rawValue) duplex" }, raw: hardware.map { "\($0.hostLink.name), \(TableBuilder.raw($0.hostLink.bytesPerSecond / 1e9)) GB/s, \($0.hostLink.duplex.rawValue) duplex" }),
            .init(title: "source", numeric: false, shown: hardware.map(\.source), raw: hardware.map(\.source)),
        ])))
        let compressions = study.compressions
        blocks.append(.table(layout.table(caption: "Compression settings (applied after prefill)", columns: [
            .init(title: "compression", numeric: false, shown: compressions.map(\.label), raw: compressions.map(\.name)),
            .init(title: "axis", numeric: false, shown: compressions.map(\.axis), raw: compressions.map(\.axis)),
            .init(title: "settings", numeric: false, shown: compressions.map(CompressionSummary.settings), raw: compressions.map(CompressionSummary.settings)),
            .init(title: "citation", numeric: false, shown: compressions.map(\.citation), raw: compressions.map(\.citation)),
            .init(title: "caveat", numeric: false, shown: compressions.map(\.notes), raw: compressions.map(\.notes)),
        ])))
        let w = study.workload
        blocks.append(.paragraph("Workload: \(w.outputTokens) output tokens per session, \(w.users) user\(w.users == 1 ? "" : "s"), decode batch limited to \(w.maxBatch.map(String.init) ?? "what fits"), weights in \(w.weightPrecision.rawValue), KV cache in \(w.kvPrecision.rawValue), \(format.bytes(w.reserveBytes)) reserved per GPU. Baseline for relative cost: \(Format.tokens(study.baseline.context)) tokens with compression \(study.baseline.compression.name). Sizes in \(format.gigabyteName) (\(format.sizeUnits == .decimal ? "10⁹ bytes" : "2³⁰ bytes"))."))
        if let deployment = ParallelLayoutSummary.workload(w, format: format) { blocks.append(.paragraph(deployment)) }
        return blocks
    }
}
