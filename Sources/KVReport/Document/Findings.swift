import KVEstimator
import KVStudy

/// The report's opening sentences, generated from the numbers (never typed into a template).
///
/// Every sentence is true of the study it is in: it names its scenario (model, GPU, compression,
/// mode) whenever the study varies that dimension, compares like with like (the same context, one
/// stated batch, one baseline, the same mode), and rests on a context within each model's maximum
/// unless it says that the point is an extrapolation.
struct Findings {
    let evaluation: StudyEvaluation
    let format: Format

    var sentences: [String] { tagged.map(\.text) }

    /// The topic a study is mostly about: what it varies, or what it measures or shares.
    var headlineTopic: Topic {
        let study = evaluation.study
        if let chosen = study.headline { return Topic(chosen) }
        if study.plan != nil { return .plan }
        if !study.measurements.isEmpty { return .measured }
        if study.workload.sharing != nil { return .sharingTTFT }
        if study.compressions.count > 1 || study.hardware.count > 1 { return .cost }
        return .concurrency
    }

    typealias Finding = (topic: Topic, text: String)

    /// Every finding in reading order: the measured accuracy, the sharing figures of a mixed
    /// workload, comparisons across scenarios, the primary scenario's four challenges, cost, and
    /// what to beware of.
    var tagged: [Finding] {
        guard let shortest = evaluation.contexts.first, !evaluation.series.isEmpty else { return [] }
        let primary = self.primary
        let short = primary.estimates[0]
        if short.regime == .weightsDoNotFit, evaluation.compared.allSatisfy({ $0.estimates[0].regime == .weightsDoNotFit }) {
            let scenario = primary.scenario
            return [(.note, "The weights of \(scenario.model.label) (\(format.bytes(short.weightsBytes))) do not fit in \(scenario.hardware.label): no session can be served.")]
        }
        let across = comparisons()
        return planFindings() + measuredFindings() + sharingFindings() + across.filter { $0.topic == .concurrency } + concurrencyFindings(shortest: shortest)
            + across.filter { $0.topic != .concurrency } + challengeFindings() + kvPlacementFindings() + costFindings() + beyondMaxFindings()
    }

    // MARK: Subjects and contexts

    /// The scenario the single-scenario findings describe (`StudyEvaluation.primary`).
    var primary: StudyEvaluation.ScenarioSeries { evaluation.primary }

    /// How sentences name a scenario of this study.
    var names: ScenarioNames { ScenarioNames(study: evaluation.study) }

    /// A figure in a sentence (tokens/s, GPU-seconds, dollars): three significant digits, whole
    /// numbers with separators from 1,000 up.
    static func number(_ value: Double) -> String {
        value >= 1000 ? Format.integer(Int(clamping: value.rounded())) : Format.fixed(value, significant: 3)
    }

    /// A sentence with its first letter capitalised (after a lead that may be empty).
    func sentence(_ lead: String, _ rest: String) -> String {
        let text = lead + rest
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// Where scenarios compare: the longest of the study's contexts that at least two of them reach
    /// within their model's maximum, those scenarios, and the ones left out (beyond their maximum);
    /// or, when no two reach one context, the `reach` of all of them.
    func comparison(_ series: [StudyEvaluation.ScenarioSeries]) -> (context: Int, index: Int, beyondMax: Bool, series: [StudyEvaluation.ScenarioSeries], left: [StudyEvaluation.ScenarioSeries]) {
        for index in evaluation.contexts.indices.reversed().dropLast() {
            let context = evaluation.contexts[index]
            let within = series.filter { $0.scenario.model.contextLimit >= context }
            if within.count >= 2 { return (context, index, false, within, series.filter { $0.scenario.model.contextLimit < context }) }
        }
        let reach = reach(series)
        return (reach.context, reach.index, reach.beyondMax, series, [])
    }

    /// " (without Llama-2-7B, whose maximum is below 128K)" for the scenarios a comparison leaves out.
    func leftOut(_ left: [StudyEvaluation.ScenarioSeries], at context: Int) -> String {
        guard !left.isEmpty else { return "" }
        var models: [Model] = []
        for series in left where !models.contains(where: { $0.name == series.scenario.model.name }) { models.append(series.scenario.model) }
        return " (without " + DocumentBuilder.list(models.map(\.label)) + ", whose maximum\(models.count == 1 ? " is" : "s are") below \(Format.tokens(context)))"
    }

    /// The longest of the study's contexts within every given model's maximum, and whether even
    /// the shortest is beyond one (then the longest context, said to be an extrapolation).
    func reach(_ series: [StudyEvaluation.ScenarioSeries]) -> (context: Int, index: Int, beyondMax: Bool) {
        let limit = series.map(\.scenario.model.contextLimit).min() ?? Int.max
        let contexts = evaluation.contexts
        if let index = contexts.lastIndex(where: { $0 <= limit }) { return (contexts[index], index, false) }
        return (contexts[contexts.count - 1], contexts.count - 1, true)
    }

    /// " (beyond its 128K maximum: an extrapolation)" after a context that is.
    func beyondNote(_ beyondMax: Bool, _ series: [StudyEvaluation.ScenarioSeries]) -> String {
        guard beyondMax else { return "" }
        let limit = series.map(\.scenario.model.contextLimit).min() ?? 0
        return " (beyond the \(Format.tokens(limit))-token maximum: an extrapolation)"
    }

    // MARK: Findings

    /// How many sessions the primary scenario holds, and where not one fits any more.
    func concurrencyFindings(shortest: Int) -> [Finding] {
        let primary = self.primary
        let scenario = primary.scenario
        let who = scenario.hardware.gpus > 1 ? scenario.hardware.label : "one \(scenario.hardware.label)"
        let short = primary.estimates[0]
        let reach = self.reach([primary])
        let within = primary.estimates[...reach.index]
        // The model, and its compression when the study varies it ("Llama-3.1-8B without compression").
        let compression = names.qualifiers(scenario, modeDependent: false)
        let sessionsOf = scenario.model.label + (compression.isEmpty ? "" : (compression.hasPrefix("with") ? " " : ", ") + compression)
        var sentences: [Finding] = []
        if let lastFitting = within.last(where: { $0.concurrency > 0 }), lastFitting.context != shortest {
            sentences.append((.concurrency, "At \(Format.tokens(lastFitting.context)) tokens\(beyondNote(reach.beyondMax && lastFitting.beyondMaxContext, [primary])) \(who) holds \(sessions(lastFitting.concurrency)) of \(sessionsOf) instead of \(Format.integer(short.concurrency)) at \(Format.tokens(shortest))."))
        } else {
            sentences.append((.concurrency, sentence("", "\(who) holds \(sessions(short.concurrency)) of \(sessionsOf) at \(Format.tokens(shortest)) tokens.")))
        }
        if let firstOffload = within.first(where: { $0.regime == .offload }) {
            sentences.append((.offload, "From \(Format.tokens(firstOffload.context)) tokens on not one session of \(sessionsOf) fits in \(scenario.hardware.label) beside the \(format.bytes(short.weightsBytes)) of weights: decode streams the KV cache over \(scenario.hardware.hostLink.name) (\(Format.seconds(firstOffload.decodeStep.seconds)) per token instead of \(Format.seconds(short.decodeStep.seconds)))."))
        }
        return sentences
    }

    /// The best and worst scenario at the longest context within every model's maximum, when the
    /// study compares several: sessions in HBM, decode of one session alone and throughput at the
    /// batch that fits, and the context switch.
    func comparisons() -> [Finding] {
        guard evaluation.compared.count > 1 else { return [] }
        let reach = comparison(evaluation.compared)
        let at = "At \(Format.tokens(reach.context)) tokens\(beyondNote(reach.beyondMax, reach.series))\(leftOut(reach.left, at: reach.context))"
        let outputTokens = Format.integer(evaluation.study.workload.outputTokens)
        let spread = { (value: (Estimate) -> Double, higher: Bool) in self.spread(reach.series, at: reach.index, value, higherIsBetter: higher) }
        var sentences: [Finding] = []
        // Sessions in HBM do not depend on the mode: named without it.
        if let range = self.spread(reach.series, at: reach.index, { Double($0.concurrency) }, higherIsBetter: true, modeDependent: false) {
            sentences.append((.concurrency, "\(at) HBM holds from \(sessions(Int(clamping: range.best.value))) (\(range.best.name)) down to \(sessions(Int(clamping: range.worst.value))) (\(range.worst.name))."))
        }
        if let range = spread({ $0.comparable?.decodeSecondsAlone ?? $0.decodeSeconds }, false) {
            sentences.append((.decode, "\(at), one session alone decodes its \(outputTokens) tokens in \(Format.seconds(range.best.value)) \(range.best.with) and in \(Format.seconds(range.worst.value)) \(range.worst.with)."))
        }
        if let range = spread({ $0.decodeTokensPerSecond }, true) {
            sentences.append((.decode, "\(at), the largest batch that fits decodes \(Self.number(range.best.value)) tokens/s \(range.best.with) (batch \(range.best.estimate.decodeBatch)) and \(Self.number(range.worst.value)) tokens/s \(range.worst.with) (batch \(range.worst.estimate.decodeBatch))."))
        }
        if let range = spread({ $0.contextSwitchSeconds }, false) {
            sentences.append((.switching, "\(at), swapping one session out and another in takes \(Format.seconds(range.best.value)) \(range.best.with) and \(Format.seconds(range.worst.value)) \(range.worst.with)."))
        }
        return sentences
    }

    /// Prefill, decode and switching of the primary scenario, shortest against longest context
    /// within its maximum.
    func challengeFindings() -> [Finding] {
        guard let shortest = evaluation.contexts.first else { return [] }
        let primary = self.primary
        let scenario = primary.scenario
        let reach = self.reach([primary])
        let longest = reach.context
        let short = primary.estimates[0], long = primary.estimates[reach.index]
        let lead = names.lead(scenario)
        let beyond = beyondNote(reach.beyondMax, [primary])
        var sentences: [Finding] = []
        guard longest != shortest || reach.beyondMax || evaluation.contexts.count == 1 else { return [] }
        // Prefill.
        if longest != shortest {
            sentences.append((.prefill, sentence(lead, "prefill takes \(Format.seconds(short.prefill.seconds)) at \(Format.tokens(shortest)) tokens and \(Format.seconds(long.prefill.seconds)) at \(Format.tokens(longest))\(beyond) (\(Format.factor(long.prefill.seconds / short.prefill.seconds))); attention is \(Format.fixed(100 * long.prefillAttentionFLOPs / long.prefillFLOPs, significant: 2))% of the FLOPs at \(Format.tokens(longest)).")))
        } else {
            sentences.append((.prefill, sentence(lead, "prefill takes \(Format.seconds(short.prefill.seconds)) at \(Format.tokens(shortest)) tokens\(beyond).")))
        }
        // Decode: one session alone, then the batch that fits.
        if long.regime != .weightsDoNotFit, let shortAlone = short.comparable?.decodeSecondsAlone, let longAlone = long.comparable?.decodeSecondsAlone {
            let alone = longest != shortest
                ? "one session alone generates \(Format.integer(long.outputTokens)) tokens in \(Format.seconds(shortAlone)) after a prompt of \(Format.tokens(shortest)) tokens and in \(Format.seconds(longAlone)) after \(Format.tokens(longest))"
                : "one session alone generates \(Format.integer(long.outputTokens)) tokens in \(Format.seconds(longAlone))"
            let batched = longest != shortest
                ? "at the batch that fits (\(short.decodeBatch) at \(Format.tokens(shortest)), \(long.decodeBatch) at \(Format.tokens(longest))) decode runs at \(Self.number(short.decodeTokensPerSecond)) and \(Self.number(long.decodeTokensPerSecond)) tokens/s"
                : "at the batch that fits (\(long.decodeBatch)) decode runs at \(Self.number(long.decodeTokensPerSecond)) tokens/s"
            sentences.append((.decode, sentence(lead, "\(alone); \(batched).")))
        }
        // Switching.
        sentences.append((.switching, sentence(lead, "swapping a \(Format.tokens(longest))-token session out and another in over \(scenario.hardware.hostLink.name) takes \(Format.seconds(long.contextSwitchSeconds)) (\(format.bytes(long.kvBytes)) each way).")))
        return sentences
    }

    /// What the longest context costs against the baseline — on the primary scenario's own GPU and
    /// against the same compression settings (like with like) — and, when the study varies models
    /// or hardware, which is cheapest per million tokens.
    func costFindings() -> [Finding] {
        let primary = self.primary
        let scenario = primary.scenario
        // The compression settings of the primary scenario's model, hardware and mode.
        let group = evaluation.compared.filter {
            $0.scenario.model.name == scenario.model.name && $0.scenario.hardware.name == scenario.hardware.name
        }
        let reach = self.reach(group)
        var sentences: [Finding] = []
        let atReach = group.compactMap { series -> (StudyEvaluation.ScenarioSeries, Double)? in
            let estimate = series.estimates[reach.index]
            guard let cost = estimate.relativeCost, estimate.regime != .weightsDoNotFit else { return nil }
            return (series, cost)
        }
        let baselineName = "its \(Format.tokens(evaluation.study.baseline.context))-token baseline"
        if let uncompressed = atReach.first(where: { $0.0.isBaselineCompression }) ?? atReach.first,
           let best = atReach.min(by: { $0.1 < $1.1 }), reach.context != evaluation.study.baseline.context {
            let who = [scenario.model.label, evaluation.study.hardware.count > 1 ? "on \(scenario.hardware.label)" : nil,
                       evaluation.study.compressions.count > 1 ? ScenarioNames.compression(uncompressed.0.scenario.compression) : nil,
                       evaluation.study.modes.count > 1 ? "(\(scenario.mode.rawValue))" : nil].compactMap { $0 }.joined(separator: " ")
            var sentence = "At \(Format.tokens(reach.context)) tokens\(beyondNote(reach.beyondMax, group)) a session of \(who) costs \(Format.factor(uncompressed.1)) \(baselineName) (same model and GPU, \(ScenarioNames.compression(evaluation.study.baseline.compression)))"
            if best.0.label != uncompressed.0.label {
                sentence += "; of the study's compression settings, \(best.0.scenario.compression.label) brings it down the most, to \(Format.factor(best.1))"
            }
            if best.1 <= 1.05 {
                sentence += " — as cheap as the baseline."
            } else if case let prefill = best.0.estimates[reach.index].prefill.seconds, prefill / best.0.baselineGPUSeconds > 0.5 * best.1 {
                sentence += ": prefill alone is \(Format.factor(prefill / best.0.baselineGPUSeconds)) the baseline session, and no KV compression shortens prefill."
            } else {
                sentence += "."
            }
            sentences.append((.cost, sentence))
        }
        // Across models or hardware: per million tokens, in money when priced, at one context.
        let study = evaluation.study
        if study.models.count > 1 || study.hardware.count > 1 {
            let quantity = evaluation.quantity(.costPerMillionTokens)
            let reach = comparison(evaluation.compared)
            if let range = spread(reach.series, at: reach.index, { quantity.value($0) ?? .infinity }, higherIsBetter: false), range.worst.value.isFinite {
                let unit = { (value: Double) in
                    self.evaluation.costBaseline.priced ? "$\(Self.number(value))" : "\(Self.number(value)) GPU-seconds"
                }
                sentences.append((.cost, "At \(Format.tokens(reach.context)) tokens\(beyondNote(reach.beyondMax, reach.series))\(leftOut(reach.left, at: reach.context)) a million tokens cost \(unit(range.best.value)) \(range.best.with) and \(unit(range.worst.value)) \(range.worst.with)\(evaluation.costBaseline.priced ? "" : " (summed over each setup's GPUs; no prices given)")."))
            }
        }
        return sentences
    }

    /// What a long prompt does to the short requests sharing the GPU.
    func sharingFindings() -> [Finding] {
        guard let mix = evaluation.study.workload.sharing, let sweep = evaluation.ttft,
              let series = evaluation.compared.first(where: { $0.label == sweep.label }), let sharing = series.sharing.last
        else { return [] }
        let lead = names.lead(series.scenario)
        let chunked = "chunked prefill cuts the longest decode pause from \(Format.seconds(sharing.prefillStallSeconds)) to \(Format.seconds(sharing.chunkedStepSeconds))"
        let longest = sweep.context
        let beyond = longest > series.scenario.model.contextLimit ? " (beyond \(series.scenario.model.label)'s \(Format.tokens(series.scenario.model.contextLimit))-token maximum: an extrapolation)" : ""
        if let mean = sharing.ttftShortMeanSeconds, let p99 = sharing.ttftShortP99Seconds {
            return [(.sharingTTFT, sentence(lead, "with \(Format.fixed(mix.longFraction * 100, significant: 3))% of requests at \(Format.tokens(longest)) tokens\(beyond), a \(Format.tokens(mix.shortContextTokens))-token request waits \(Format.seconds(mean)) for its first token on average and \(Format.seconds(p99)) at p99; \(chunked)."))]
        }
        return [(.sharingTTFT, sentence(lead, "with \(Format.fixed(mix.longFraction * 100, significant: 3))% of requests at \(Format.tokens(longest)) tokens\(beyond) arriving at \(Format.fixed(mix.arrivalsPerSecond, significant: 3))/s, the prefill queue saturates: short requests wait without bound; \(chunked)."))]
    }

    /// How far the predictions are from the study's measurements, peak and calibrated named apart.
    func measuredFindings() -> [Finding] {
        guard case .success(let measured) = evaluation.measured, !measured.peak.points.isEmpty else { return [] }
        let (peak, calibrated) = (measured.peak, measured.calibrated)
        // Where a hardware entry's factors are its own fit, the in-sample error flatters them: the
        // held-out error (each model predicted by a fit to the others) leads.
        let ownFit = measured.fits.filter { !$0.differsFromOwnFit }
        var findings: [Finding] = measured.heldOut.entries.filter { entry in ownFit.contains { $0.hardware.name == entry.hardware } }.map { entry in
            let all = entry.groups.first { $0.model == nil && $0.phase == nil }?.mape ?? 0
            let phases = entry.groups.filter { $0.model == nil && $0.phase != nil }.map { "\($0.phase!.words) \(MeasurementComparison.percent($0.mape))" }
            let others = entry.models == 2 ? "the other model alone" : "the other \(entry.models - 1)"
            let on = evaluation.study.hardware.count > 1 ? " on \(entry.hardware)" : ""
            return (.measured, "On a model the calibration did not see, expect an error of about \(MeasurementComparison.percent(all)): each of the \(entry.models) measured models\(on), predicted by factors fitted to \(others), is off by that on average (held out; \(phases.joined(separator: ", "))).")
        }
        let inSample = !measured.fits.isEmpty && ownFit.count == measured.fits.count
        findings.append((.measured, "Against \(peak.points.count) measured latencies, kvplan's predictions are off by \(MeasurementComparison.percent(calibrated.mape)) on average with the study's efficiency factors (calibrated\(inSample ? ", in-sample: fitted to these same rows" : "")), and by \(MeasurementComparison.percent(peak.mape)) at datasheet peak."))
        if evaluation.study.mode == .both {
            findings.append((.note, "The findings below use the calibrated figures; the charts draw peak figures dashed beside them."))
        }
        return findings
    }

    func beyondMaxFindings() -> [Finding] {
        let beyond = evaluation.series.filter { $0.estimates.contains(where: \.beyondMaxContext) }
        guard !beyond.isEmpty else { return [] }
        let models = Dictionary(grouping: beyond.map(\.scenario.model), by: \.name).values.compactMap(\.first)
            .sorted { $0.name < $1.name }
            .map { "\($0.label) beyond \(Format.tokens($0.contextLimit))" }
        return [(.note, "Some contexts exceed a model's advertised maximum (\(models.joined(separator: ", "))); charts draw those points hollow and tables mark them *: they are extrapolations.")]
    }

    /// The best and worst compared scenario at one context (by index) by `value`, when they differ.
    /// `modeDependent` is false for a quantity peak and calibrated share (sessions in HBM): the
    /// scenarios are then named without their mode.
    func spread(_ compared: [StudyEvaluation.ScenarioSeries], at index: Int, _ value: (Estimate) -> Double, higherIsBetter: Bool, modeDependent: Bool = true)
        -> (best: (name: String, with: String, value: Double, estimate: Estimate), worst: (name: String, with: String, value: Double, estimate: Estimate))? {
        let points = compared.compactMap { series -> (name: String, with: String, value: Double, estimate: Estimate)? in
            let estimate = series.estimates[index]
            guard estimate.regime != .weightsDoNotFit else { return nil }
            return (names.name(series.scenario, modeDependent: modeDependent), names.with(series.scenario, modeDependent: modeDependent), value(estimate), estimate)
        }
        guard let low = points.min(by: { $0.value < $1.value }), let high = points.max(by: { $0.value < $1.value }),
              low.value != high.value else { return nil }
        return higherIsBetter ? (high, low) : (low, high)
    }

    func sessions(_ count: Int) -> String { count == 1 ? "1 session" : "\(Format.integer(count)) sessions" }
}
