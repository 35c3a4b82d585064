import KVEstimator
import KVStudy

/// The report's opening sentences, generated from the numbers (never typed into a template):
/// what the longest context costs against the shortest on each of the four challenges, and what
/// compression buys back.
struct Findings {
    let evaluation: StudyEvaluation
    let format: Format

    var sentences: [String] { tagged.map(\.text) }

    /// The topic a study is mostly about: what it varies.
    var headlineTopic: Topic {
        let study = evaluation.study
        if let chosen = study.headline { return Topic(chosen) }
        if !study.measurements.isEmpty { return .measured }
        if study.compressions.count > 1 { return .cost }
        return .concurrency
    }

    typealias Finding = (topic: Topic, text: String)

    /// Every finding in reading order: the measured accuracy, comparisons across scenarios, the
    /// first scenario's four challenges, cost, sharing, and what to beware of.
    var tagged: [Finding] {
        guard let shortest = evaluation.contexts.first, !evaluation.series.isEmpty else { return [] }
        let first = evaluation.first
        let short = first.estimates[0]
        if short.regime == .weightsDoNotFit {
            let scenario = first.scenario
            return [(.note, "The weights of \(scenario.model.label) (\(format.bytes(short.weightsBytes))) do not fit in \(scenario.hardware.label): no session can be served.")]
        }
        let across = comparisons()
        return measuredFindings() + across.filter { $0.topic == .concurrency } + concurrencyFindings(shortest: shortest)
            + across.filter { $0.topic != .concurrency } + challengeFindings() + costFindings() + sharingFindings() + beyondMaxFindings()
    }

    /// How many sessions the first scenario holds, and where not one fits any more.
    func concurrencyFindings(shortest: Int) -> [Finding] {
        let first = evaluation.first
        let scenario = first.scenario
        let who = scenario.hardware.gpus > 1 ? scenario.hardware.label : "one \(scenario.hardware.label)"
        let short = first.estimates[0]
        var sentences: [Finding] = []
        if let lastFitting = first.estimates.last(where: { $0.concurrency > 0 }), lastFitting.context != shortest {
            sentences.append((.concurrency, "At \(Format.tokens(lastFitting.context)) tokens \(who) holds \(sessions(lastFitting.concurrency)) of \(scenario.model.label) instead of \(Format.integer(short.concurrency)) at \(Format.tokens(shortest))."))
        } else {
            sentences.append((.concurrency, "\(who) holds \(sessions(short.concurrency)) at \(Format.tokens(shortest)) tokens."))
        }
        if let firstOffload = first.estimates.first(where: { $0.regime == .offload }) {
            sentences.append((.offload, "From \(Format.tokens(firstOffload.context)) tokens on not one session fits beside the \(format.bytes(short.weightsBytes)) of weights: decode streams the KV cache over \(scenario.hardware.hostLink.name) (\(Format.seconds(firstOffload.decodeStep.seconds)) per token instead of \(Format.seconds(short.decodeStep.seconds)))."))
        }
        return sentences
    }

    /// The best and worst scenario at the longest context, when the study compares several.
    func comparisons() -> [Finding] {
        guard evaluation.series.count > evaluation.study.modes.count, let longest = evaluation.contexts.last else { return [] }
        let long = evaluation.first.estimates[evaluation.first.estimates.count - 1]
        var sentences: [Finding] = []
        if let range = spread(at: longest, { Double($0.concurrency) }, higherIsBetter: true) {
            sentences.append((.concurrency, "At \(Format.tokens(longest)) tokens the scenarios hold from \(sessions(Int(clamping: range.best.value))) (\(range.best.label)) down to \(sessions(Int(clamping: range.worst.value))) (\(range.worst.label))."))
        }
        if let range = spread(at: longest, { $0.decodeSeconds }, higherIsBetter: false) {
            let batch = { (label: String) -> String in
                let size = evaluation.series.first { $0.label == label }?.estimates.last?.decodeBatch ?? 1
                return size == 1 ? "one session per step" : "\(size) sessions per step"
            }
            sentences.append((.decode, "Decoding \(long.outputTokens) tokens after \(Format.tokens(longest)) takes \(Format.seconds(range.best.value)) with \(range.best.label) (\(batch(range.best.label))) and \(Format.seconds(range.worst.value)) with \(range.worst.label) (\(batch(range.worst.label)))."))
        }
        if let range = spread(at: longest, { $0.contextSwitchSeconds }, higherIsBetter: false) {
            sentences.append((.switching, "Swapping a \(Format.tokens(longest))-token session out and another in takes \(Format.seconds(range.best.value)) with \(range.best.label) and \(Format.seconds(range.worst.value)) with \(range.worst.label)."))
        }
        return sentences
    }

    /// Prefill, decode and switching of the first scenario, shortest against longest context.
    func challengeFindings() -> [Finding] {
        guard let shortest = evaluation.contexts.first, let longest = evaluation.contexts.last else { return [] }
        let first = evaluation.first
        let scenario = first.scenario
        let short = first.estimates[0], long = first.estimates[first.estimates.count - 1]
        var sentences: [Finding] = []
        // Prefill.
        sentences.append((.prefill, "Prefill takes \(Format.seconds(short.prefill.seconds)) at \(Format.tokens(shortest)) tokens and \(Format.seconds(long.prefill.seconds)) at \(Format.tokens(longest)) (\(Format.factor(long.prefill.seconds / short.prefill.seconds))); attention is \(Format.fixed(100 * long.prefillAttentionFLOPs / long.prefillFLOPs, significant: 2))% of the FLOPs at \(Format.tokens(longest))."))
        // Decode.
        if long.regime != .weightsDoNotFit {
            sentences.append((.decode, "Generating \(long.outputTokens) tokens takes \(Format.seconds(short.decodeSeconds)) after a prompt of \(Format.tokens(shortest)) tokens and \(Format.seconds(long.decodeSeconds)) after \(Format.tokens(longest))."))
        }
        // Switching.
        sentences.append((.switching, "Swapping a \(Format.tokens(longest))-token session out and another in over \(scenario.hardware.hostLink.name) takes \(Format.seconds(long.contextSwitchSeconds)) (\(format.bytes(long.kvBytes)) each way)."))
        return sentences
    }

    /// What the longest context costs against the baseline, and what the cheapest setting buys back.
    func costFindings() -> [Finding] {
        guard let longest = evaluation.contexts.last else { return [] }
        var sentences: [Finding] = []
        let atLongest = evaluation.series.compactMap { series -> (StudyEvaluation.ScenarioSeries, Double)? in
            guard let cost = series.estimates.last?.relativeCost, series.estimates.last?.regime != .weightsDoNotFit else { return nil }
            return (series, cost)
        }
        if let uncompressed = atLongest.first(where: { $0.0.isBaselineCompression }), let best = atLongest.min(by: { $0.1 < $1.1 }) {
            let baselineName = "the \(Format.tokens(evaluation.study.baseline.context))-token baseline"
            var sentence = "At \(Format.tokens(longest)) tokens a session of \(uncompressed.0.scenario.model.label) costs \(Format.factor(uncompressed.1)) \(baselineName)"
            if best.0.label != uncompressed.0.label {
                sentence += "; the cheapest setting here, \(best.0.scenario.compression.label), brings it to \(Format.factor(best.1))"
            }
            if best.1 <= 1.05 {
                sentence += " — as cheap as the baseline."
            } else if let prefill = best.0.estimates.last?.prefill.seconds, prefill / best.0.baselineGPUSeconds > 0.5 * best.1 {
                sentence += ": prefill alone is \(Format.factor(prefill / best.0.baselineGPUSeconds)) the baseline session, and no KV compression shortens prefill."
            } else {
                sentence += "."
            }
            sentences.append((.cost, sentence))
        }
        return sentences
    }

    /// What a long prompt does to the short requests sharing the GPU.
    func sharingFindings() -> [Finding] {
        guard let longest = evaluation.contexts.last else { return [] }
        var sentences: [Finding] = []
        if let mix = evaluation.study.workload.sharing, let sharing = evaluation.first.sharing.last {
            let chunked = "chunked prefill cuts the longest decode pause from \(Format.seconds(sharing.prefillStallSeconds)) to \(Format.seconds(sharing.chunkedStepSeconds))"
            if let mean = sharing.ttftShortMeanSeconds, let p99 = sharing.ttftShortP99Seconds {
                sentences.append((.note, "With \(Format.fixed(mix.longFraction * 100, significant: 3))% of requests at \(Format.tokens(longest)) tokens, a \(Format.tokens(mix.shortContextTokens))-token request waits \(Format.seconds(mean)) for its first token on average and \(Format.seconds(p99)) at p99; \(chunked)."))
            } else {
                sentences.append((.note, "With \(Format.fixed(mix.longFraction * 100, significant: 3))% of requests at \(Format.tokens(longest)) tokens arriving at \(Format.fixed(mix.arrivalsPerSecond, significant: 3))/s, the prefill queue saturates: short requests wait without bound; \(chunked)."))
            }
        }
        return sentences
    }

    /// How far the predictions are from the study's measurements.
    func measuredFindings() -> [Finding] {
        guard case .success(let measured) = evaluation.measured, !measured.peak.points.isEmpty else { return [] }
        let (peak, calibrated) = (measured.peak, measured.calibrated)
        return [(.measured, "Against \(peak.points.count) measured latencies, kvplan's predictions are off by \(MeasurementComparison.percent(calibrated.mape)) on average with the study's efficiency factors, and by \(MeasurementComparison.percent(peak.mape)) at datasheet peak.")]
    }

    func beyondMaxFindings() -> [Finding] {
        guard evaluation.series.contains(where: { $0.estimates.contains(where: \.beyondMaxContext) }) else { return [] }
        return [(.note, "Some contexts exceed a model's advertised maximum; they are marked * and are extrapolations.")]
    }

    /// The best and worst scenario at one context by `value`, when they differ.
    func spread(at context: Int, _ value: (Estimate) -> Double, higherIsBetter: Bool)
        -> (best: (label: String, value: Double), worst: (label: String, value: Double))? {
        let compared = evaluation.series.filter { evaluation.study.mode != .both || $0.scenario.mode == .calibrated }
        let points = compared.compactMap { series -> (label: String, value: Double)? in
            guard let estimate = series.estimates.first(where: { $0.context == context }), estimate.regime != .weightsDoNotFit else { return nil }
            return (series.label, value(estimate))
        }
        guard let low = points.min(by: { $0.value < $1.value }), let high = points.max(by: { $0.value < $1.value }),
              low.value != high.value else { return nil }
        return higherIsBetter ? (high, low) : (low, high)
    }

    func sessions(_ count: Int) -> String { count == 1 ? "1 session" : "\(Format.integer(count)) sessions" }
}
