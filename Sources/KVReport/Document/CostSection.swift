import KVEstimator
import KVStudy

/// "Compression and cost": relative cost per session against the baseline, and the KV reduction
/// that would bring the longest context down to it.
struct CostSection: ReportSection {
    let layout: Layout

    func blocks() -> [Block] {
        let study = evaluation.study
        var blocks: [Block] = [
            .paragraph("A session is one prefill and \(study.workload.outputTokens) output tokens; with \(study.workload.users) user\(study.workload.users == 1 ? "" : "s") competing, sessions that do not fit are swapped in and out once per turn. Its cost is counted over every GPU of its setup\(evaluation.costBaseline.priced ? ", in money (each GPU's price per hour)" : ", in GPU-seconds (no prices given)"), so that setups compare; relative cost divides it by one baseline for the whole study, a session of \(evaluation.costBaseline.label) at \(Format.tokens(study.baseline.context)) tokens \(evaluation.costBaseline.compression): 1× is \"as cheap as that baseline\"."),
            layout.chart(.cost), layout.chart(.costPerMillionTokens), layout.quantityTable(.cost, also: evaluation.quantity(.costPerMillionTokens)),
        ]
        if let longest = evaluation.contexts.last {
            // Scenarios with the same outcome share one clause, so that a reason is said once.
            var clauses: [(outcome: String, labels: [String])] = []
            for series in evaluation.compared {
                let outcome = switch series.compressionNeeded[evaluation.contexts.count - 1] {
                case .reduction(let factor) where factor <= 1.0001: "already as cheap as the baseline"
                case .reduction(let factor): "the KV cache would have to shrink \(Format.factor(factor))"
                case .impossible(let reason): "no KV reduction suffices: \(reason)"
                }
                if let index = clauses.firstIndex(where: { $0.outcome == outcome }) { clauses[index].labels.append(series.label) } else { clauses.append((outcome, [series.label])) }
            }
            let single = evaluation.compared.count == 1
            let text = clauses.map { single ? $0.outcome : "\(DocumentBuilder.list($0.labels)): \($0.outcome)" }
            blocks.append(.paragraph("To make \(Format.tokens(longest)) tokens as cheap as each setup's own \(Format.tokens(study.baseline.context))-token baseline (same model and GPU, \(ScenarioNames.compression(study.baseline.compression))) — " + text.joined(separator: "; ") + "."))
        }
        return blocks
    }
}
