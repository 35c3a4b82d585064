import ArgumentParser
import KVEstimator
import KVStudy
import KVLoader
import KVReport

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "The cheapest deployment that serves a study's `plan:` workload within its latency targets.",
        discussion: "Searches the study's hardware × GPUs per replica × compression × precision × chunk size exhaustively, prints the options that meet every target ranked by cost, and names the binding constraint. Options override the study's traffic and targets."
    )

    @Argument(help: "A study with a `plan:` block.")
    var path: String

    @Option(help: "Requests per second over the whole service (replaces the study's arrival rate).")
    var arrivalRate: Double?

    @Option(help: "TTFT p99 target in seconds, for every prompt class (replaces the study's).")
    var ttftP99: Double?

    @Option(help: "TPOT p99 (inter-token latency) target in seconds (replaces the study's).")
    var tpotP99: Double?

    @Option(help: "TTFT p50 target in seconds (replaces the study's).")
    var ttftP50: Double?

    @Option(help: "Ranked options to print.")
    var top = 10

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func validate() throws {
        for (value, name) in [(arrivalRate, "--arrival-rate"), (ttftP99, "--ttft-p99"), (tpotP99, "--tpot-p99"), (ttftP50, "--ttft-p50")] {
            if let value, !(value.isFinite && value > 0 && value <= 1e9) { throw ValidationError("\(name) must be a positive number, got \(value)") }
        }
        guard top > 0 else { throw ValidationError("--top must be positive") }
    }

    func run() throws {
        try reportingInputErrors {
            let study = try loadStudies([path], catalog: try builtInCatalog())[0]
            guard var settings = study.plan else {
                throw InputFailure(message: "\(path) has no `plan:` block: add the workload and its targets (see `kvplan schema`)")
            }
            if let arrivalRate { settings.traffic.arrivalsPerSecond = arrivalRate }
            if let ttftP99 {
                settings.traffic.targets.ttftP99Seconds = ttftP99
                for index in settings.traffic.prompts.indices { settings.traffic.prompts[index].ttftP99Seconds = nil }
            }
            if let tpotP99 { settings.traffic.targets.tpotP99Seconds = tpotP99 }
            if let ttftP50 { settings.traffic.targets.ttftP50Seconds = ttftP50 }
            try settings.traffic.validate()
            let evaluation = PlanEvaluation(study: study, settings: settings)
            print(json ? PlanRecord.json(evaluation).text : Self.text(evaluation, top: top))
        }
    }

    /// The plan for a terminal: the traffic, the answer, the ranked table.
    static func text(_ evaluation: PlanEvaluation, top: Int) -> String {
        let plan = evaluation.plan
        var lines = [
            "Plan for \(evaluation.settings.model.label): \(PlanRecord.traffic(plan.traffic))",
            "Targets: \(PlanRecord.targets(plan.traffic))",
            "Searched \(Format.integer(plan.options.count)) candidates exhaustively (\(Format.integer(plan.evaluations)) replica evaluations, \(evaluation.mode.rawValue) figures).",
        ]
        if !plan.priced {
            lines.append("No price per GPU-hour for \(evaluation.unpriced.joined(separator: ", ")) (`price_per_hour` on the hardware entry): ranked by GPUs, no $ figures.")
        }
        lines += ["", PlanRecord.sentence(evaluation)]
        if let split = PlanRecord.splitSentence(evaluation) { lines.append(split) }
        guard !plan.ranked.isEmpty else { return lines.joined(separator: "\n") }
        let columns = PlanRecord.columns(plan, limit: top)
        let table = TextTable(
            headers: columns.map(\.title), rows: columns[0].cells.indices.map { row in columns.map { $0.cells[row] } },
            rightAligned: Set(columns.indices.filter { columns[$0].numeric }))
        lines += ["", table.text]
        if plan.ranked.count > top { lines.append("(\(plan.ranked.count - top) more options meet the targets; --top to show them)") }
        return lines.joined(separator: "\n")
    }
}
