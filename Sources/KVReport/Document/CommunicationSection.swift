import KVEstimator
import KVStudy

/// "Communication between GPUs" (issue 11): what the collectives of a multi-GPU replica add to
/// prefill and to each decode step — tensor-parallel all-reduces, pipeline sends, expert-parallel
/// all-to-alls — beside the compute, by scenario and context. Only when some replica spans more
/// than one GPU.
struct CommunicationSection: ReportSection {
    let layout: Layout
    var applies: Bool { !evaluation.multiGPU.isEmpty }

    /// The parts of communication, with how each reads from an estimate's prefill.
    static var parts: [(name: String, seconds: (CommunicationTime) -> Double)] {[
        ("tensor-parallel all-reduces", { $0.tensor }), ("pipeline sends", { $0.pipeline }), ("expert-parallel all-to-all", { $0.expert }),
    ]}

    func blocks() -> [Block] {
        let series = evaluation.multiGPU
        var blocks: [Block] = [.paragraph(
            "The GPUs of one replica exchange activations on every pass through the model: tensor parallelism all-reduces each layer's output over its ranks (two per layer; one with data-parallel attention), pipeline stages send their output to the next, and expert parallelism dispatches tokens to their experts and back by all-to-all. "
                + "Inside a node they run over the interconnect, beyond it over the network; the time is added to the compute, not overlapped with it. Single-GPU scenarios have none.")]
        // When both models and hardware vary, one chart per model, so that each bar is named by the
        // hardware alone (names of both would not fit under a bar).
        var models: [String] = []
        for entry in series where !models.contains(entry.scenario.model.name) { models.append(entry.scenario.model.name) }
        let perModel = models.count > 1 && Set(series.map(\.scenario.hardware.name)).count > 1
        if let context = evaluation.contexts.first {
            for group in perModel ? models.map({ model in series.filter { $0.scenario.model.name == model } }) : [series] {
                if let figure = splitFigure(group, context: context, perModel: perModel) { blocks.append(figure) }
            }
        }
        blocks.append(table(series))
        if let sentence = extremes(series) { blocks.append(.paragraph(sentence)) }
        blocks.append(layout.traces(
            titles: ["Communication (tensor parallel)", "Communication (pipeline)", "Communication (expert parallel)"],
            of: series.first))
        return blocks
    }

    /// Parts that are non-zero somewhere in the study: only those get a segment and a column.
    func usedParts(_ series: [StudyEvaluation.ScenarioSeries]) -> [(name: String, seconds: (CommunicationTime) -> Double)] {
        Self.parts.filter { part in series.contains { $0.estimates.contains { part.seconds($0.prefillCommunication) > 0 } } }
    }

    /// Prefill of multi-GPU scenarios at one context, split into the compute (or weights-read
    /// floor) and each kind of communication; with `perModel`, one model's, bars named by what
    /// varies besides the model.
    func splitFigure(_ series: [StudyEvaluation.ScenarioSeries], context: Int, perModel: Bool) -> Block? {
        let estimates = series.compactMap { entry in entry.estimates.first { $0.context == context } }
        guard let model = series.first?.scenario.model, estimates.count == series.count else { return nil }
        var dimensions = VaryingDimensions(evaluation.study)
        dimensions.models = dimensions.models && !perModel
        let segments = [BarSeries(name: "compute or weights read", values: estimates.map { max($0.prefill.compute, $0.prefill.memory, $0.prefill.link) })]
            + usedParts(series).map { part in BarSeries(name: part.name, values: estimates.map { part.seconds($0.prefillCommunication) }) }
        let onlyHardware = dimensions.hardware && !dimensions.models && !dimensions.compressions && !dimensions.modes
        let chart = BarChart(
            title: (perModel ? "\(model.label): p" : "P") + "refill of \(Format.tokens(context)) tokens, compute and communication",
            categories: series.map { dimensions.label($0.scenario) }, series: segments, arrangement: .stacked,
            y: Axis(title: "prefill time (s)", scale: .linear, format: { Format.fixed($0, significant: 3) }),
            categoryTitle: onlyHardware ? "hardware" : "scenario")
        return layout.figure(
            caption: "Prefill of one \(Format.tokens(context))-token prompt\(perModel ? " by \(model.label)" : "") on each multi-GPU \(onlyHardware ? "hardware entry" : "scenario"): the compute (or the weights-read floor, pipeline bubble included) and, stacked on it, the time the GPUs spend communicating. The table below has every context.",
            chart: .bars(chart), topic: .communication)
    }

    func table(_ series: [StudyEvaluation.ScenarioSeries]) -> Block {
        let rows = series.flatMap { entry in entry.estimates.map { (entry.label, $0) } }
        let seconds = { (value: Double) in Format.fixed(value, significant: 3) }
        let servable = { (e: Estimate) in e.regime != .weightsDoNotFit }
        var columns: [TableBuilder.Column] = [
            .init(title: "scenario", numeric: false, shown: rows.map(\.0), raw: rows.map(\.0)),
            .init(title: "context (tokens)", numeric: true, shown: rows.map { Format.tokens($0.1.context) + ($0.1.beyondMaxContext ? " *" : "") }, raw: rows.map { String($0.1.context) }),
            .init(title: "prefill (s)", numeric: true, shown: rows.map { seconds($0.1.prefill.seconds) }, raw: rows.map { TableBuilder.raw($0.1.prefill.seconds) }),
            .init(title: "of which communication (s)", numeric: true, shown: rows.map { seconds($0.1.prefillCommunication.seconds) }, raw: rows.map { TableBuilder.raw($0.1.prefillCommunication.seconds) }),
        ]
        // A column per kind only when there is more than one kind to tell apart.
        let parts = usedParts(series)
        for part in parts.count > 1 ? parts : [] {
            columns.append(.init(title: "\(part.name) (s)", numeric: true, shown: rows.map { seconds(part.seconds($0.1.prefillCommunication)) }, raw: rows.map { TableBuilder.raw(part.seconds($0.1.prefillCommunication)) }))
        }
        columns += [
            .init(title: "decode step (ms)", numeric: true, shown: rows.map { servable($0.1) ? seconds($0.1.decodeStep.seconds * 1e3) : "—" }, raw: rows.map { servable($0.1) ? TableBuilder.raw($0.1.decodeStep.seconds * 1e3) : "" }),
            .init(title: "of which communication (ms)", numeric: true, shown: rows.map { servable($0.1) ? seconds($0.1.decodeStep.communication * 1e3) : "—" }, raw: rows.map { servable($0.1) ? TableBuilder.raw($0.1.decodeStep.communication * 1e3) : "" }),
        ]
        if series.contains(where: { $0.estimates.contains { $0.pipelineBubble > 0 } }) {
            columns.append(.init(title: "pipeline bubble in decode", numeric: true, shown: rows.map { Format.fixed($0.1.pipelineBubble, significant: 3) }, raw: rows.map { TableBuilder.raw($0.1.pipelineBubble) }))
        }
        return .table(layout.table(caption: "Communication in prefill and in one decode step, by scenario and context (decode at the batch of the appendix)" + layout.beyondMaxContextNote + layout.laidOutNote, columns: columns))
    }

    /// Communication against prefill for the first multi-GPU scenario at the shortest and longest
    /// context, and the scenario and context where it is largest.
    func extremes(_ series: [StudyEvaluation.ScenarioSeries]) -> String? {
        guard let first = series.first, let short = first.estimates.first, let long = first.estimates.last else { return nil }
        let part = { (e: Estimate) in
            "\(Format.fixed(e.prefillCommunication.seconds, significant: 3)) s of a \(Format.fixed(e.prefill.seconds, significant: 3)) s prefill at \(Format.tokens(e.context)) tokens"
        }
        var sentence = "For \(first.label), communication is \(part(short))" + (long.context == short.context ? "" : " and \(part(long))") + "."
        let rows = series.flatMap { entry in entry.estimates.map { (entry.label, $0) } }
        if let heaviest = rows.max(by: { $0.1.prefillCommunication.seconds < $1.1.prefillCommunication.seconds }),
           heaviest.0 != first.label {
            sentence += " The most is \(heaviest.0)'s: \(part(heaviest.1))."
        }
        return sentence
    }
}
