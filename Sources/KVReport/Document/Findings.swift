import KVEstimator
import KVLoader

/// The report's opening sentences, generated from the numbers (never typed into a template):
/// what the longest context costs against the shortest on each of the four challenges, and what
/// compression buys back.
struct Findings {
    let results: StudyResults
    let format: Format

    var sentences: [String] {
        guard let shortest = results.contexts.first, let longest = results.contexts.last, !results.series.isEmpty else { return [] }
        let first = results.first
        let scenario = first.scenario
        let who = scenario.hardware.gpus > 1 ? scenario.hardware.label : "one \(scenario.hardware.label)"
        var sentences: [String] = []
        let short = first.estimates[0], long = first.estimates[first.estimates.count - 1]

        if short.regime == .weightsDoNotFit {
            sentences.append("The weights of \(scenario.model.label) (\(format.bytes(short.weightsBytes))) do not fit in \(scenario.hardware.label): no session can be served.")
            return sentences
        }
        // Concurrency.
        if let lastFitting = first.estimates.last(where: { $0.concurrency > 0 }), lastFitting.context != shortest {
            sentences.append("At \(Format.tokens(lastFitting.context)) tokens \(who) holds \(sessions(lastFitting.concurrency)) of \(scenario.model.label) instead of \(Format.integer(short.concurrency)) at \(Format.tokens(shortest)).")
        } else {
            sentences.append("\(who) holds \(sessions(short.concurrency)) at \(Format.tokens(shortest)) tokens.")
        }
        if let firstOffload = first.estimates.first(where: { $0.regime == .offload }) {
            sentences.append("From \(Format.tokens(firstOffload.context)) tokens on not one session fits beside the \(format.bytes(short.weightsBytes)) of weights: decode streams the KV cache over \(scenario.hardware.hostLink.name) (\(Format.seconds(firstOffload.decodeStep.seconds)) per token instead of \(Format.seconds(short.decodeStep.seconds))).")
        }
        // Prefill.
        sentences.append("Prefill takes \(Format.seconds(short.prefill.seconds)) at \(Format.tokens(shortest)) tokens and \(Format.seconds(long.prefill.seconds)) at \(Format.tokens(longest)) (\(Format.factor(long.prefill.seconds / short.prefill.seconds))); attention is \(Format.fixed(100 * long.prefillAttentionFLOPs / long.prefillFLOPs, significant: 2))% of the FLOPs at \(Format.tokens(longest)).")
        // Decode.
        if long.regime != .weightsDoNotFit {
            sentences.append("Generating \(long.outputTokens) tokens takes \(Format.seconds(short.decodeSeconds)) after a \(Format.tokens(shortest))-token prompt and \(Format.seconds(long.decodeSeconds)) after \(Format.tokens(longest)).")
        }
        // Switching.
        sentences.append("Swapping a \(Format.tokens(longest))-token session out and another in over \(scenario.hardware.hostLink.name) takes \(Format.seconds(long.contextSwitchSeconds)) (\(format.bytes(long.kvBytes)) each way).")
        // Cost and compression.
        let atLongest = results.series.compactMap { series -> (StudyResults.ScenarioSeries, Double)? in
            guard let cost = series.estimates.last?.relativeCost, series.estimates.last?.regime != .weightsDoNotFit else { return nil }
            return (series, cost)
        }
        if let uncompressed = atLongest.first(where: { $0.0.isBaselineCompression }), let best = atLongest.min(by: { $0.1 < $1.1 }) {
            var sentence = "A \(Format.tokens(longest))-token session costs \(Format.factor(uncompressed.1)) the \(Format.tokens(results.study.baseline.context)) baseline for \(uncompressed.0.label)"
            if best.0.label != uncompressed.0.label {
                sentence += "; the cheapest setting here, \(best.0.label), brings it to \(Format.factor(best.1))"
            }
            sentences.append(sentence + (best.1 <= 1.05 ? " — as cheap as the baseline." : "."))
        }
        if results.series.contains(where: { $0.estimates.contains(where: \.beyondMaxContext) }) {
            sentences.append("Some contexts exceed a model's advertised maximum; they are marked * and are extrapolations.")
        }
        return sentences
    }

    func sessions(_ count: Int) -> String { count == 1 ? "1 session" : "\(Format.integer(count)) sessions" }
}

extension Provenance {
    /// Fingerprints of the study file and of each resolved catalog entry it uses.
    static func of(_ results: StudyResults, kvplanVersion: String) -> Provenance {
        let study = results.study
        var entries: [(String, String)] = []
        for model in study.models { entries.append(("model \(model.name)", SHA256.hex(CatalogRecord.model(model).text))) }
        for hardware in study.hardware { entries.append(("hardware \(hardware.name)", SHA256.hex(CatalogRecord.hardware(hardware).text))) }
        for compression in study.compressions { entries.append(("compression \(compression.name)", SHA256.hex(CatalogRecord.compression(compression).text))) }
        return Provenance(kvplanVersion: kvplanVersion, studyPath: study.path, studySHA256: SHA256.hex(study.text), catalogSHA256: entries)
    }
}
