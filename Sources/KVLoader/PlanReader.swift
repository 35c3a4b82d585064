import KVStudy
import KVEstimator
import Yams
import Foundation

extension StudyReader {
    /// `plan`: the traffic (arrival rate or an hourly profile's peak, prompt and output mixes), the
    /// latency targets, and the GPU counts, precisions and chunks the planner tries beside the
    /// study's hardware and compressions. Every bad key is reported at its own line and column.
    func plan(_ study: MapReader, models: EntryList<Model>?, workload: Workload?) -> PlanStudy? {
        guard study.has("plan") else { return nil }
        guard let map = study.map("plan", Schema.plan) else { return nil }
        let errorsBefore = source.log.errorCount
        for key in ["prompts", "outputs", "targets"] where !map.has(key) { map.missing(key, "`plan`") }
        if map.has("arrival_rate") == map.has("daily_profile") {
            source.error(at: map.node, "`plan` needs exactly one of `arrival_rate` (requests per second) and `daily_profile` (24 hourly rates; the plan serves the peak)")
        }

        let model = planModel(map, models: models)
        var rate = map.number("arrival_rate")
        let profile = map.value("daily_profile").flatMap(dailyProfile)
        if let profile { rate = profile.max() }
        let prompts = lengthClasses(map, "prompts", Schema.planPrompt, countKey: "context").map { classes in
            classes.map { PromptClass(tokens: $0.tokens, share: $0.share, ttftP99Seconds: $0.ttftP99) }
        }
        let outputs = lengthClasses(map, "outputs", Schema.planOutput, countKey: "tokens").map { classes in
            classes.map { LengthShare(tokens: $0.tokens, share: $0.share) }
        }
        let targets = map.map("targets", Schema.planTargets).flatMap(planTargets)
        let gpus = map.value("gpus_per_replica").flatMap { integerList($0, key: "gpus_per_replica") }
        let chunks = map.value("chunks").flatMap { tokenList($0, key: "chunks") }
        let precisions = map.value("precisions").flatMap(precisionList)

        guard let model, let rate, let prompts, let outputs, let targets, source.log.errorCount == errorsBefore else { return nil }
        let base = workload ?? Workload()
        return PlanStudy(
            model: model,
            traffic: PlanWorkload(arrivalsPerSecond: rate, prompts: prompts, outputs: outputs, targets: targets),
            gpusPerReplica: gpus ?? [1, 2, 4, 8],
            precisions: precisions ?? [PrecisionPair(weights: base.weightPrecision, kv: base.kvPrecision)],
            chunks: chunks ?? [2048], dailyProfile: profile)
    }

    /// `model`: one of the study's models by name; may be left out when the study has one.
    private func planModel(_ map: MapReader, models: EntryList<Model>?) -> Model? {
        guard let models else { return nil }
        guard let (name, node) = map.text("model") else {
            if map.has("model") { return nil }
            guard models.entries.count == 1 else {
                source.error(at: map.node, "`plan` needs `model`: the study lists \(models.entries.count) models (\(models.names.joined(separator: ", "))) and a plan serves one")
                return nil
            }
            return models.entries.first
        }
        guard let model = models.entries.first(where: { $0.name == name }) else {
            if models.complete {
                source.error(at: node, "`\(name)` is not one of the study's models\(didYouMean(name, among: models.names))")
            }
            return nil
        }
        return model
    }

    /// A list of `{<countKey>, share}` maps whose shares sum to 1.
    private func lengthClasses(_ plan: MapReader, _ key: String, _ schema: MapSchema, countKey: String)
        -> [(tokens: Int, share: Double, ttftP99: Double?)]? {
        guard let node = plan.value(key) else { return nil }
        guard case .sequence(let items) = node, !items.isEmpty else {
            source.error(at: node, "`\(key)` expects a non-empty list of `{\(countKey), share}` maps, found \(node.kindName)")
            return nil
        }
        let errorsBefore = source.log.errorCount
        var classes: [(tokens: Int, share: Double, ttftP99: Double?)] = []
        for item in items {
            guard let map = MapReader(item, schema: schema, source: source, what: "a class of `\(key)`") else { continue }
            for required in [countKey, "share"] where !map.has(required) { map.missing(required, "a class of `\(key)`") }
            let ttft = map.has("ttft_p99") ? seconds(map, "ttft_p99") : nil
            guard let tokens = map.tokens(countKey), let share = map.fraction("share") else { continue }
            if let line = classes.firstIndex(where: { $0.tokens == tokens }) {
                source.error(at: item, "`\(key)` lists \(Units.written(tokens)) tokens twice (also class \(line + 1)): merge their shares")
                continue
            }
            classes.append((tokens, share, ttft))
        }
        guard source.log.errorCount == errorsBefore else { return nil }
        let total = classes.reduce(0) { $0 + $1.share }
        guard abs(total - 1) < 1e-6 else {
            source.error(at: node, "the shares of `\(key)` sum to \(format((total * 1e6).rounded() / 1e6)), not 1: they are the fractions of requests in each class")
            return nil
        }
        return classes
    }

    /// `targets: {ttft_p99, tpot_p99 (or itl_p99), ttft_p50}`.
    private func planTargets(_ map: MapReader) -> PlanTargets? {
        if !map.has("ttft_p99") { map.missing("ttft_p99", "`targets`") }
        if map.has("tpot_p99") == map.has("itl_p99") {
            source.error(at: map.node, "`targets` needs one of `tpot_p99` and `itl_p99` (the same target: the p99 gap between output tokens)")
        }
        let ttft = seconds(map, "ttft_p99"), tpot = seconds(map, map.has("itl_p99") ? "itl_p99" : "tpot_p99")
        let p50 = map.has("ttft_p50") ? seconds(map, "ttft_p50") : nil
        guard let ttft, let tpot, map.has("ttft_p50") == (p50 != nil) else { return nil }
        if let p50, p50 > ttft { source.error(at: map.value("ttft_p50")!, "`ttft_p50` (\(format(p50)) s) is above `ttft_p99` (\(format(ttft)) s)") }
        return PlanTargets(ttftP99Seconds: ttft, tpotP99Seconds: tpot, ttftP50Seconds: p50)
    }

    /// A duration: `2s`, `150ms`, `0.5` (seconds), positive and at most a day.
    func seconds(_ map: MapReader, _ key: String) -> Double? {
        guard let (text, node) = map.text(key) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var number = trimmed, scale = 1.0
        for (suffix, factor) in [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("s", 1.0), ("min", 60.0)] where trimmed.hasSuffix(suffix) {
            number = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value > 0, value * scale <= 86_400 else {
            source.error(at: node, "`\(key)` expects a duration such as 2s, 150ms or 0.5 (seconds), positive and at most a day, got `\(text)`")
            return nil
        }
        return value * scale
    }

    /// `daily_profile`: 24 hourly arrival rates (requests per second); the plan serves the peak.
    private func dailyProfile(_ node: Node) -> [Double]? {
        guard case .sequence(let items) = node else {
            source.error(at: node, "`daily_profile` expects a list of 24 hourly arrival rates (requests per second), found \(node.kindName)")
            return nil
        }
        guard items.count == 24 else {
            source.error(at: node, "`daily_profile` has \(items.count) rates; it needs 24, one per hour")
            return nil
        }
        var rates: [Double] = []
        for item in items {
            guard let text = item.scalarText, let value = Double(text), value.isFinite, value >= 0, value <= 1e9 else {
                source.error(at: item, "an hourly rate must be a number of requests per second in [0, 1e9], found `\(item.scalarText ?? item.kindName)`")
                return nil
            }
            rates.append(value)
        }
        guard rates.contains(where: { $0 > 0 }) else {
            source.error(at: node, "`daily_profile` is zero every hour: there is no traffic to plan for")
            return nil
        }
        return rates
    }

    private func integerList(_ node: Node, key: String) -> [Int]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            source.error(at: node, "`\(key)` expects a non-empty list of GPU counts such as [1, 2, 4, 8], found \(node.kindName)")
            return nil
        }
        var values: [Int] = []
        for item in items {
            guard let text = item.scalarText, let value = Int(text), value > 0, value <= 1024 else {
                source.error(at: item, "a GPU count in `\(key)` must be an integer from 1 to 1024, found `\(item.scalarText ?? item.kindName)`")
                return nil
            }
            if !values.contains(value) { values.append(value) }
        }
        return values
    }

    private func tokenList(_ node: Node, key: String) -> [Int]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            source.error(at: node, "`\(key)` expects a non-empty list of chunk sizes in tokens such as [512, 2K], found \(node.kindName)")
            return nil
        }
        var values: [Int] = []
        for item in items {
            guard let tokens = tokenCount(item, what: "a chunk size") else { return nil }
            if !values.contains(tokens) { values.append(tokens) }
        }
        return values
    }

    private func precisionList(_ node: Node) -> [PrecisionPair]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            source.error(at: node, "`precisions` expects a non-empty list of `{weights, kv}` maps, found \(node.kindName)")
            return nil
        }
        let names = Precision.allCases.map(\.rawValue)
        var pairs: [PrecisionPair] = []
        for item in items {
            guard let map = MapReader(item, schema: Schema.precision, source: source, what: "a precision of `precisions`") else { return nil }
            for key in ["weights", "kv"] where !map.has(key) { map.missing(key, "a precision of `precisions`") }
            guard let weights = map.choice("weights", names).flatMap(Precision.init(rawValue:)),
                  let kv = map.choice("kv", names).flatMap(Precision.init(rawValue:)) else { return nil }
            pairs.append(PrecisionPair(weights: weights, kv: kv))
        }
        return pairs
    }

    /// Most chunk iterations one plan may precompute (each candidate's prompts in chunks, and the
    /// context sweep's): 2^24 take a few seconds.
    static let planChunkLimit = 1 << 24

    /// A plan whose search is beyond `planChunkLimit` is a mistake; say how to narrow it.
    func checkPlanSize(_ study: Study, _ map: MapReader) {
        guard let plan = study.plan, let node = map.value("plan") else { return }
        let perCandidate = plan.chunks.reduce(0.0) { total, chunk in
            total + plan.traffic.prompts.reduce(0.0) { $0 + (Double($1.tokens) / Double(chunk)).rounded(.up) }
                + study.contexts.reduce(0.0) { $0 + (Double($1) / Double(chunk)).rounded(.up) } * Double(study.compressions.count + 1)
        }
        let candidates = Double(study.hardware.count * plan.gpusPerReplica.count * study.compressions.count * plan.precisions.count)
        let total = perCandidate * candidates
        guard total > Double(Self.planChunkLimit) else { return }
        source.error(at: node, "the plan's search prefills \(Units.written(Int(min(total, 1e15)))) chunks, over the limit of \(Units.written(Self.planChunkLimit)): raise the smallest of `chunks`, or try fewer GPU counts, precisions or contexts")
    }
}
