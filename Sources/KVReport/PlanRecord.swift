import KVEstimator
import KVStudy

/// The words, rows and JSON of a plan, shared by `kvplan plan` and the report's Plan section, so
/// the terminal and the page say the same thing. Every figure comes from `PlanEvaluation`.
public enum PlanRecord {
    /// `$1,234.56` (the study's prices are per GPU-hour in its own currency, written as dollars).
    public static func dollars(_ value: Double) -> String {
        value >= 100 ? "$" + Format.integer(Int(value.rounded())) : "$" + Format.decimalString(value, decimals: 2)
    }

    /// "8× H200 SXM" with what else the candidate chose: "bf16 weights, fp8 KV, chunk 2048".
    public static func deployment(_ candidate: PlanCandidate) -> String { candidate.label }

    /// The traffic in one line: "4 requests/s; prompts 2K (75%), 16K (20%), 128K (5%); outputs 300".
    public static func traffic(_ traffic: PlanWorkload) -> String {
        let prompts = traffic.prompts.map { "\(Format.tokens($0.tokens)) (\(percent($0.share)))" }.joined(separator: ", ")
        let outputs = traffic.outputs.count == 1 ? Format.integer(traffic.outputs[0].tokens)
            : traffic.outputs.map { "\(Format.integer($0.tokens)) (\(percent($0.share)))" }.joined(separator: ", ")
        return "\(Format.fixed(traffic.arrivalsPerSecond, significant: 3)) requests/s; prompts \(prompts); outputs \(outputs) tokens"
    }

    /// "TTFT p99 2 s (128K: 30 s), TPOT p99 100 ms, TTFT p50 1 s".
    public static func targets(_ traffic: PlanWorkload) -> String {
        var ttft = "TTFT p99 \(Format.seconds(traffic.targets.ttftP99Seconds))"
        let own = traffic.prompts.filter { $0.ttftP99Seconds != nil }
        if !own.isEmpty { ttft += " (" + own.map { "\(Format.tokens($0.tokens)): \(Format.seconds($0.ttftP99Seconds!))" }.joined(separator: ", ") + ")" }
        var parts = [ttft, "TPOT p99 \(Format.seconds(traffic.targets.tpotP99Seconds))"]
        if let p50 = traffic.targets.ttftP50Seconds { parts.append("TTFT p50 \(Format.seconds(p50))") }
        return parts.joined(separator: ", ")
    }

    static func percent(_ share: Double) -> String { Format.fixed(share * 100, significant: 3) + "%" }

    /// The sentence a reviewer quotes: the cheapest deployment, its replicas, price and binding
    /// constraint — or, when nothing meets the targets, what fails for the closest candidate.
    public static func sentence(_ evaluation: PlanEvaluation) -> String {
        let plan = evaluation.plan, model = evaluation.settings.model.label
        guard let option = plan.cheapest, let replicas = option.replicas, let gpus = option.gpus else {
            return failure(evaluation)
        }
        var text = "\(model) at \(Format.fixed(plan.traffic.arrivalsPerSecond, significant: 3)) requests/s: \(deployment(option.candidate)), "
            + "\(Format.integer(replicas)) replica\(replicas == 1 ? "" : "s") (\(Format.integer(gpus)) GPU\(gpus == 1 ? "" : "s"))"
        if let hourly = option.dollarsPerHour, let output = plan.dollarsPerMillionOutputTokens(option) {
            text += ", \(dollars(hourly)) per hour, \(dollars(output)) per million output tokens"
        } else {
            text += " (no price per GPU-hour for \(evaluation.unpriced.map { "`\($0)`" }.joined(separator: ", ")): ranked by GPUs)"
        }
        return text + "; binding: \(bindingPhrase(option))."
    }

    /// "TTFT p99 of the 2K prompts" (with one replica fewer), or "… (the tightest; one replica suffices)".
    public static func bindingPhrase(_ option: PlanOption) -> String {
        let name = bindingName(option)
        return option.replicas == 1 ? "\(name) (the tightest; one replica suffices)" : name
    }

    /// The binding constraint, with the prompt class a TTFT target binds on: "TTFT p99 of the 2K prompts".
    public static func bindingName(_ option: PlanOption) -> String {
        option.bindingPromptTokens.map { "\(option.binding.label) of the \(Format.tokens($0)) prompts" } ?? option.binding.label
    }

    /// Why nothing meets the targets, for the closest candidate.
    public static func failure(_ evaluation: PlanEvaluation) -> String {
        guard let closest = evaluation.plan.closest else {
            return "No candidate deployment: none of the study's hardware, GPU counts and compressions makes a valid replica of \(evaluation.settings.model.label)."
        }
        return "No candidate meets the targets at any number of replicas. The closest, \(deployment(closest.candidate)), fails on \(bindingName(closest)): "
            + reason(closest, evaluation.plan.traffic) + "."
    }

    /// What the binding constraint of an unmet option says in numbers.
    public static func reason(_ option: PlanOption, _ traffic: PlanWorkload) -> String {
        let replica = option.candidate.replica, load = option.load
        switch option.binding {
        case .memory:
            let session = Format.tokens(traffic.longestPromptTokens) + " + " + Format.integer(traffic.longestOutputTokens)
            if replica.availableKVBytes <= 0 { return "the weights alone do not fit its \(option.candidate.gpusPerReplica) GPU\(option.candidate.gpusPerReplica == 1 ? "" : "s")" }
            return "one session of \(session) tokens needs \(Format(sizeUnits: .decimal).bytes(replica.longestSessionBytes)) of KV cache and the replica has \(Format(sizeUnits: .decimal).bytes(replica.availableKVBytes)) free"
        case .ttftP99:
            let worst = load.classes.max { $0.ttftP99Seconds / $0.ttftP99TargetSeconds < $1.ttftP99Seconds / $1.ttftP99TargetSeconds }
            guard let worst else { return "the time to first token exceeds its target" }
            return "a \(Format.tokens(worst.promptTokens))-token prompt alone takes \(Format.seconds(worst.prefillSeconds)) to prefill, against a TTFT p99 target of \(Format.seconds(worst.ttftP99TargetSeconds))"
        case .ttftP50:
            let held = load.classes.filter { $0.ttftP50TargetSeconds != nil }
            guard let worst = held.max(by: { $0.ttftP50Seconds < $1.ttftP50Seconds }), let target = worst.ttftP50TargetSeconds else {
                return "the median time to first token exceeds its target"
            }
            return "a \(Format.tokens(worst.promptTokens))-token prompt alone takes \(Format.seconds(worst.prefillSeconds)) to prefill, against a TTFT p50 target of \(Format.seconds(target))"
        case .tpotP99:
            return "one decode step alone takes \(Format.seconds(load.tpotP99Seconds)), against a target of \(Format.seconds(traffic.targets.tpotP99Seconds))"
        case .throughput:
            return "the replicas cannot keep up with the traffic"
        }
    }

    /// `kvplan plan --json`: the traffic, the cheapest option (or the closest with what fails),
    /// every ranked option, the frontier and the context sweep.
    public static func json(_ evaluation: PlanEvaluation) -> JSONValue {
        let plan = evaluation.plan
        var fields: [(String, JSONValue)] = [
            ("model", .string(evaluation.settings.model.name)),
            ("arrival_rate", .number(plan.traffic.arrivalsPerSecond)),
            ("priced", .bool(plan.priced)),
            ("unpriced_hardware", .array(evaluation.unpriced.map(JSONValue.string))),
            ("candidates", .integer(plan.options.count)),
            ("evaluations", .integer(plan.evaluations)),
            ("meets_targets", .bool(plan.cheapest != nil)),
            ("sentence", .string(sentence(evaluation))),
        ]
        if let cheapest = plan.cheapest {
            fields.append(("cheapest", option(cheapest, plan)))
        } else if let closest = plan.closest {
            fields.append(("cheapest", .null))
            fields.append(("closest", option(closest, plan)))
            fields.append(("failure", .string(reason(closest, plan.traffic))))
        }
        fields.append(("ranked", .array(plan.ranked.map { option($0, plan) })))
        fields.append(("frontier", .array(plan.frontier.map { .integer($0 + 1) })))
        fields.append(("context_sweep", .array(evaluation.sweep.points.map { point in
            .object([
                ("context", .integer(point.contextTokens)),
                ("compression", .string(point.compression.name)),
                ("meets_targets", .bool(point.cheapest != nil)),
                ("deployment", point.cheapest.map { .string(deployment($0.candidate)) } ?? .null),
                ("replicas", point.cheapest?.replicas.map(JSONValue.integer) ?? .null),
                ("gpus", point.cheapest?.gpus.map(JSONValue.integer) ?? .null),
                ("dollars_per_hour", .finite(point.cheapest?.dollarsPerHour)),
                ("dollars_per_million_output_tokens", .finite(point.dollarsPerMillionOutputTokens)),
                ("binding", .string((point.cheapest ?? point.closest)?.binding.rawValue ?? "none")),
            ])
        })))
        return .object(fields)
    }

    /// One option's figures.
    public static func option(_ option: PlanOption, _ plan: Plan) -> JSONValue {
        let candidate = option.candidate
        return .object([
            ("deployment", .string(deployment(candidate))),
            ("hardware", .string(candidate.hardware.name)),
            ("gpus_per_replica", .integer(candidate.gpusPerReplica)),
            ("compression", .string(candidate.compression.name)),
            ("weight_precision", .string(candidate.weightPrecision.rawValue)),
            ("kv_precision", .string(candidate.kvPrecision.rawValue)),
            ("chunk_tokens", .integer(candidate.chunkTokens)),
            ("replicas", option.replicas.map(JSONValue.integer) ?? .null),
            ("gpus", option.gpus.map(JSONValue.integer) ?? .null),
            ("price_per_gpu_hour", .finite(candidate.pricePerGPUHour)),
            ("dollars_per_hour", .finite(option.dollarsPerHour)),
            ("dollars_per_million_output_tokens", .finite(plan.dollarsPerMillionOutputTokens(option))),
            ("dollars_per_million_input_tokens", .finite(plan.dollarsPerMillionInputTokens(option))),
            ("binding", .string(option.binding.rawValue)),
            ("binding_prompt_tokens", option.bindingPromptTokens.map(JSONValue.integer) ?? .null),
            ("ttft_p99_seconds", .finite(plan.typicalTTFTP99(option))),
            ("ttft_p99_prompt_tokens", .integer(plan.traffic.typicalPrompt.tokens)),
            ("tpot_seconds", .finite(option.load.tpotMeanSeconds)),
            ("tpot_p99_seconds", .finite(option.load.tpotP99Seconds)),
            ("decode_batch", .finite(option.load.decodeBatch)),
            ("prefill_utilization", .finite(option.load.prefillUtilization)),
            ("kv_bytes_needed", .finite(option.load.neededKVBytes)),
            ("kv_bytes_available", .finite(option.load.availableKVBytes)),
            ("classes", .array(option.load.classes.map { c in
                .object([
                    ("prompt_tokens", .integer(c.promptTokens)), ("share", .number(c.share)),
                    ("prefill_seconds", .finite(c.prefillSeconds)), ("ttft_mean_seconds", .finite(c.ttftMeanSeconds)),
                    ("ttft_p50_seconds", .finite(c.ttftP50Seconds)), ("ttft_p99_seconds", .finite(c.ttftP99Seconds)),
                    ("ttft_p99_target_seconds", .finite(c.ttftP99TargetSeconds)),
                ])
            })),
        ])
    }

    /// The ranked options as table columns: title, whether numeric, the cells as shown and as raw values.
    public static func columns(_ plan: Plan, limit: Int) -> [(title: String, numeric: Bool, cells: [String], raw: [String])] {
        let options = Array(plan.ranked.prefix(limit))
        let typical = Format.tokens(plan.traffic.typicalPrompt.tokens)
        func text(_ title: String, _ cells: [String]) -> (title: String, numeric: Bool, cells: [String], raw: [String]) { (title, false, cells, cells) }
        func number(_ title: String, _ values: [Double?], _ shown: (Double) -> String) -> (title: String, numeric: Bool, cells: [String], raw: [String]) {
            (title, true, values.map { $0.map(shown) ?? "—" }, values.map(TableBuilder.raw))
        }
        let seconds = { (value: Double) in Format.fixed(value, significant: 3) }
        var columns = [
            number("rank", options.indices.map { Double($0 + 1) }) { String(Int($0)) },
            text("deployment", options.map { deployment($0.candidate) }),
            number("replicas", options.map { $0.replicas.map(Double.init) }) { Format.integer(Int($0)) },
            number("GPUs", options.map { $0.gpus.map(Double.init) }) { Format.integer(Int($0)) },
        ]
        if plan.priced {
            columns.append(number("$/hour", options.map(\.dollarsPerHour), dollars))
            columns.append(number("$/M output tokens", options.map(plan.dollarsPerMillionOutputTokens), dollars))
            columns.append(number("$/M input tokens", options.map(plan.dollarsPerMillionInputTokens), dollars))
        }
        columns += [
            number("TTFT p99, \(typical) prompts (s)", options.map(plan.typicalTTFTP99), seconds),
            number("TPOT p99 (ms)", options.map { $0.load.tpotP99Seconds * 1000 }, seconds),
            number("decode batch", options.map(\.load.decodeBatch), seconds),
            text("binding", options.map { $0.replicas == 1 ? "\(bindingName($0)) (1 replica)" : bindingName($0) }),
        ]
        return columns
    }
}
