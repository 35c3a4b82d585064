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
            text += ", \(dollars(hourly)) per hour (\(dollars(output)) per million output tokens, the whole bill charged to them)"
        } else {
            text += " (no price per GPU-hour for \(evaluation.unpriced.joined(separator: ", ")): ranked by GPUs)"
        }
        text += "; binding: \(bindingPhrase(option))"
        if let blocked = headOfLine(option, plan.traffic) {
            text += ", which wait behind the \(Format.tokens(blocked.longest.promptTokens))-token prompts' prefill"
        }
        return text + "."
    }

    /// What the cheapest option's $/hour is per million tokens of each kind: "$100 per hour is
    /// $10.52 per million output tokens or $0.41 per million input tokens". Nil unpriced.
    public static func perMillion(_ plan: Plan) -> String? {
        guard let option = plan.cheapest, let hourly = option.dollarsPerHour, let output = plan.dollarsPerMillionOutputTokens(option),
              let input = plan.dollarsPerMillionInputTokens(option) else { return nil }
        return "\(dollars(hourly)) per hour is \(dollars(output)) per million output tokens or \(dollars(input)) per million input tokens"
    }

    /// When the binding constraint of `option` is the TTFT of prompts shorter than the longest
    /// class and most of that TTFT is waiting for other prompts' prefill (head-of-line blocking
    /// under first-come-first-served): the bound class, the longest class and the figure that binds.
    public static func headOfLine(_ option: PlanOption, _ traffic: PlanWorkload)
        -> (bound: ClassLatency, longest: ClassLatency, ttftSeconds: Double, targetSeconds: Double, percentile: String)? {
        guard option.binding == .ttftP99 || option.binding == .ttftP50, let tokens = option.bindingPromptTokens,
              tokens < traffic.longestPromptTokens,
              let bound = option.load.classes.first(where: { $0.promptTokens == tokens }),
              let longest = option.load.classes.first(where: { $0.promptTokens == traffic.longestPromptTokens }) else { return nil }
        let median = option.binding == .ttftP50
        let ttft = median ? bound.ttftP50Seconds : bound.ttftP99Seconds
        guard let target = median ? bound.ttftP50TargetSeconds : bound.ttftP99TargetSeconds,
              ttft - bound.prefillSeconds > bound.prefillSeconds else { return nil }
        return (bound, longest, ttft, target, median ? "p50" : "p99")
    }

    /// The paragraph that says what head-of-line blocking costs, when it sets the answer: where
    /// the time goes and the price of the long prompts on replicas of their own (`engineSettings`
    /// follows it: what the engines offer instead, which the planner does not model).
    public static func headOfLineParagraph(_ evaluation: PlanEvaluation) -> String? {
        let plan = evaluation.plan
        guard let option = plan.cheapest, let blocked = headOfLine(option, plan.traffic) else { return nil }
        let long = Format.tokens(blocked.longest.promptTokens), short = Format.tokens(blocked.bound.promptTokens)
        var text = "What sets this answer is head-of-line blocking. Each replica prefills one prompt at a time, first come first served, "
            + "so a prompt that arrives while a \(long)-token prompt is being prefilled waits for the rest of it: one \(long) prefill takes "
            + "\(Format.seconds(blocked.longest.prefillSeconds)) on \(deployment(option.candidate)). "
            + "Of the \(short)-token prompts' TTFT \(blocked.percentile) of \(Format.seconds(blocked.ttftSeconds)) (target \(Format.seconds(blocked.targetSeconds))), "
            + "\(Format.seconds(blocked.ttftSeconds - blocked.bound.prefillSeconds)) is waiting and \(Format.seconds(blocked.bound.prefillSeconds)) their own prefill, "
            + "while each replica spends \(percent(option.load.prefillUtilization)) of its time prefilling."
        if let split = splitSentence(evaluation) { text += " " + split }
        return text
    }

    /// What the serving engines offer against head-of-line blocking, with where they do it.
    public static let engineSettings = "Engine settings can do part of this on shared replicas; the planner does not model them. "
        + "vLLM's V1 scheduler, with long_prefill_token_threshold below max_num_batched_tokens, gives a prompt at most that many tokens per step and admits waiting prompts into the rest of the step's token budget "
        + "(vllm/v1/core/sched/scheduler.py, Scheduler.schedule); max_num_partial_prefills and max_long_partial_prefills, which let short prompts overtake long ones, were honoured only by vLLM's V0 scheduler (vllm/core/scheduler.py, PartialPrefillMetadata). "
        + "SGLang orders its waiting queue by --schedule-policy but puts the prompt it is already chunking into every prefill batch first "
        + "(PrefillAdder.add_chunked_req, python/sglang/srt/managers/schedule_policy.py)."

    /// The long prompts on replicas of their own, against the single pool: "Routed to replicas of
    /// their own, …". Nil when the traffic has one prompt class or a pool has no answer.
    public static func splitSentence(_ evaluation: PlanEvaluation) -> String? {
        guard let split = evaluation.split, let others = split.others.cheapest, let longest = split.longest.cheapest,
              let cost = split.cost, let gpus = split.gpus,
              let otherReplicas = others.replicas, let longReplicas = longest.replicas else { return nil }
        let long = Format.tokens(split.longPromptTokens)
        func pool(_ replicas: Int, _ option: PlanOption) -> String {
            "\(Format.integer(replicas)) replica\(replicas == 1 ? "" : "s") of \(deployment(option.candidate))"
        }
        var text = "With the \(long)-token prompts routed to replicas of their own, \(evaluation.settings.model.label) meets the same targets with "
            + "\(pool(otherReplicas, others)) for the other prompts (\(Format.fixed(split.others.traffic.arrivalsPerSecond, significant: 3)) requests/s) and "
            + "\(pool(longReplicas, longest)) for the \(long)-token prompts (\(Format.fixed(split.longest.traffic.arrivalsPerSecond, significant: 3)) requests/s): "
        let single = evaluation.plan.cheapest
        if split.priced {
            text += "\(dollars(cost)) per hour, \(Format.integer(gpus)) GPUs"
            if let single, let hourly = single.dollarsPerHour, let singleGPUs = single.gpus {
                text += cost < hourly ? ", instead of \(dollars(hourly)) and \(Format.integer(singleGPUs)) GPUs in one pool"
                    : ", no less than one pool (\(dollars(hourly)), \(Format.integer(singleGPUs)) GPUs)"
            }
        } else {
            text += "\(Format.integer(gpus)) GPUs"
            if let singleGPUs = single?.gpus {
                text += gpus < singleGPUs ? " instead of \(Format.integer(singleGPUs)) in one pool" : ", no fewer than one pool (\(Format.integer(singleGPUs)))"
            }
        }
        return text + "."
    }

    /// For each context of the sweep at which no deployment meets the targets, with any
    /// compression: what fails for the closest candidate of each. Nil when every context has one.
    public static func sweepFailures(_ evaluation: PlanEvaluation) -> String? {
        let points = evaluation.sweep.points
        var contexts: [Int] = []
        for point in points where !contexts.contains(point.contextTokens) { contexts.append(point.contextTokens) }
        let failing = contexts.filter { context in points.filter { $0.contextTokens == context }.allSatisfy { $0.cheapest == nil } }
        guard !failing.isEmpty else { return nil }
        let traffic = evaluation.plan.traffic
        let sentences = failing.map { context -> String in
            let shifted = traffic.withLongestPrompt(tokens: context)
            let reasons = points.filter { $0.contextTokens == context }.compactMap { point -> String? in
                guard let closest = point.closest else { return nil }
                let compression = point.compression.name == Compression.none.name ? "without compression" : "with \(point.compression.name)"
                return "\(compression) the closest, \(deployment(closest.candidate)), fails on \(bindingName(closest)) (\(reason(closest, shifted)))"
            }
            let head = "With its longest prompts at \(Format.tokens(context)) tokens, no deployment of \(evaluation.settings.model.label) meets the targets"
            return reasons.isEmpty ? head + "." : head + ": " + reasons.joined(separator: "; ") + "."
        }
        return sentences.joined(separator: " ")
    }

    /// "TTFT p99 of the 2K-token prompts" (with one replica fewer), or "… (the tightest; one replica suffices)".
    public static func bindingPhrase(_ option: PlanOption) -> String {
        let name = bindingName(option)
        return option.replicas == 1 ? "\(name) (the tightest; one replica suffices)" : name
    }

    /// The binding constraint, with the prompt class a TTFT target binds on: "TTFT p99 of the 2K-token prompts".
    public static func bindingName(_ option: PlanOption) -> String {
        option.bindingPromptTokens.map { "\(option.binding.label) of the \(Format.tokens($0))-token prompts" } ?? option.binding.label
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
        if let split = evaluation.split {
            fields.append(("longest_prompts_apart", .object([
                ("prompt_tokens", .integer(split.longPromptTokens)),
                ("meets_targets", .bool(split.meets)),
                ("dollars_per_hour", .finite(split.priced ? split.cost : nil)),
                ("gpus", split.gpus.map(JSONValue.integer) ?? .null),
                ("dollars_per_million_output_tokens", .finite(split.dollarsPerMillionOutputTokens)),
                ("others", split.others.cheapest.map { option($0, split.others) } ?? .null),
                ("longest", split.longest.cheapest.map { option($0, split.longest) } ?? .null),
            ])))
        }
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

    /// The ranked options as table columns: title, whether numeric, the cells as shown and as raw
    /// values. Without `inputTokens` the $/M input column is left out (the page says its figure
    /// for the cheapest in the caption: the column is $/hour times one constant of the traffic).
    public static func columns(_ plan: Plan, limit: Int, inputTokens: Bool = true) -> [(title: String, numeric: Bool, cells: [String], raw: [String])] {
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
            // Each charges the whole bill to one kind of token: not parts to add.
            columns.append(number("$/M output (whole bill)", options.map(plan.dollarsPerMillionOutputTokens), dollars))
            if inputTokens { columns.append(number("$/M input (whole bill)", options.map(plan.dollarsPerMillionInputTokens), dollars)) }
        }
        columns += [
            number("TTFT p99, \(typical) (s)", options.map(plan.typicalTTFTP99), seconds),
            number("TPOT p99 (ms)", options.map { $0.load.tpotP99Seconds * 1000 }, seconds),
            number("mean decode batch", options.map(\.load.decodeBatch), seconds),
            text("binding", options.map { option in
                let name = option.bindingPromptTokens.map { "\(option.binding.label), \(Format.tokens($0)) prompts" } ?? option.binding.label
                return option.replicas == 1 ? "\(name) (1 replica)" : name
            }),
        ]
        return columns
    }
}
