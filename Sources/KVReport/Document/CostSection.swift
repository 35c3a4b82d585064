import KVEstimator
import KVStudy

/// "Compression and cost": relative cost per session against the baseline, and the KV reduction
/// that would bring the longest context down to it.
struct CostSection: ReportSection {
    let layout: Layout

    func blocks() -> [Block] {
        let study = evaluation.study
        var blocks: [Block] = [
            .paragraph("A session is one prefill and \(study.workload.outputTokens) output tokens; with \(study.workload.users) user\(study.workload.users == 1 ? "" : "s") competing, sessions that do not fit are swapped in and out once per turn. Relative cost divides a session's GPU-seconds by the baseline's (\(Format.tokens(study.baseline.context)) tokens, \(study.baseline.compression.name)): 1× is \"as cheap as the baseline\"."),
            layout.chart(.cost), layout.quantityTable(.cost),
        ]
        if let longest = study.contexts.last {
            let needs = evaluation.series.map { series -> String in
                switch series.compressionNeeded[study.contexts.count - 1] {
                case .reduction(let factor) where factor <= 1.0001: return "\(series.label): already as cheap as the baseline"
                case .reduction(let factor): return "\(series.label): the KV cache would have to shrink \(Format.factor(factor))"
                case .impossible(let reason): return "\(series.label): no KV reduction suffices — \(reason)"
                }
            }
            blocks.append(.paragraph("To make \(Format.tokens(longest)) tokens as cheap as the baseline — " + needs.joined(separator: "; ") + "."))
        }
        return blocks
    }
}
