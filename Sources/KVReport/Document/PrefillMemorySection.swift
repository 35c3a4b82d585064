import KVEstimator
import KVStudy

/// "Prefill memory" (issue 11; the paper's challenge 1 is "compute time and GPU memory"): the
/// peak activation memory of a prefill per GPU against the prompt's length, and where a long
/// prompt does not fit in one piece beside a session, so that prefill must be chunked. Only when
/// the activations matter to the study (`StudyEvaluation.prefillMemoryMatters`).
struct PrefillMemorySection: ReportSection {
    let layout: Layout
    var applies: Bool { evaluation.prefillMemoryMatters }

    var servable: [StudyEvaluation.ScenarioSeries] {
        evaluation.compared.filter { $0.estimates.contains { $0.regime != .weightsDoNotFit } }
    }

    func blocks() -> [Block] {
        let workload = evaluation.study.workload
        let budget = workload.activationMemory
            ? "This study takes them out of the KV budget of the co-resident sessions (activation_memory), as vLLM does after its profiling run."
            : "This study does not take them out of the KV budget (activation_memory is off, as in the paper's peak; the reserve stands for them), so the concurrency above ignores them."
        var blocks: [Block] = [
            .paragraph("A prefill holds its activations only inside one layer at a time; the peak is the widest moment, t · 2 B · (2·d + max(attention, mlp)/g) per GPU for t prompt tokens\(workload.prefillChunk.map { " (t is at most one chunk of \(Format.tokens($0)))" } ?? ""), with flash attention storing no t² scores. \(budget)"),
            figure(), table(),
        ]
        blocks.append(.paragraph(chunking()))
        blocks.append(layout.traces(titles: ["Prefill activation memory"], of: servable.first))
        return blocks
    }

    /// One line per distinct curve: scenarios with the same model and tensor-parallel width have
    /// the same activations, so they share a line named after all of them.
    func figure() -> Block {
        let scale = format.gigabyte
        var lines: [(names: [String], points: [ChartPoint])] = []
        for series in servable {
            let points = series.estimates.map { ChartPoint(x: Double($0.context), y: $0.prefillPeakMemoryBytes / scale) }
            if let index = lines.firstIndex(where: { $0.points.map(\.y) == points.map(\.y) }) {
                lines[index].names.append(series.label)
            } else {
                lines.append(([series.label], points))
            }
        }
        let chart = LineChart(
            title: "Peak activation memory of a prefill",
            x: Axis.tokens("prompt length (tokens)"),
            y: Axis.gigabytes("activations per GPU (\(format.gigabyteName))"),
            series: lines.map { ChartSeries(name: $0.names.joined(separator: ", "), points: $0.points) })
        return layout.figure(
            caption: "Peak activation memory per GPU of one prefill against the prompt's length, one line per scenario"
                + (lines.count < servable.count ? " (scenarios with the same activations share a line)." : "."),
            chart: .line(chart), topic: .prefillMemory)
    }

    func table() -> Block {
        let rows = servable.flatMap { entry in entry.estimates.map { (entry.label, $0) } }
        let scale = format.gigabyte, gb = format.gigabyteName
        return .table(layout.table(caption: "Prefill memory by scenario and prompt length" + layout.beyondMaxContextNote + layout.laidOutNote, columns: [
            .init(title: "scenario", numeric: false, shown: rows.map(\.0), raw: rows.map(\.0)),
            .init(title: "prompt (tokens)", numeric: true, shown: rows.map { Format.tokens($0.1.context) + ($0.1.beyondMaxContext ? " *" : "") }, raw: rows.map { String($0.1.context) }),
            .init(title: "activations per GPU (\(gb))", numeric: true, shown: rows.map { Format.fixed($0.1.prefillPeakMemoryBytes / scale, significant: 3) }, raw: rows.map { TableBuilder.raw($0.1.prefillPeakMemoryBytes / scale) }),
            .init(title: "free HBM, all GPUs (\(gb))", numeric: true, shown: rows.map { Format.fixed($0.1.availableKVBytes / scale, significant: 4) }, raw: rows.map { TableBuilder.raw($0.1.availableKVBytes / scale) }),
            .init(title: "prefill in one piece", numeric: false, shown: rows.map { Self.piece($0.1) }, raw: rows.map { Self.piece($0.1) }),
        ]))
    }

    /// Whether one session and its prefill's activations fit in one piece.
    static func piece(_ e: Estimate) -> String {
        if e.prefillFitsUnchunked { return "fits" }
        return StudyEvaluation.forcesChunking(e) ? "does not fit: chunk it" : "no session fits"
    }

    /// Where long prompts force chunking, scenario by scenario, or that none does.
    func chunking() -> String {
        let forced = servable.compactMap { series in
            series.estimates.first(where: StudyEvaluation.forcesChunking).map { (series.label, $0.context) }
        }
        guard forced.isEmpty else {
            var contexts: [Int] = []
            for (_, context) in forced where !contexts.contains(context) { contexts.append(context) }
            let groups = contexts.sorted().map { context in
                "from \(Format.tokens(context)) tokens for " + forced.filter { $0.1 == context }.map(\.0).joined(separator: ", ")
            }
            return "A prompt whose session fits in HBM but not beside its prefill's activations in one piece must be prefilled in chunks (prefill_chunk): " + groups.joined(separator: "; ") + "."
        }
        let rows = servable.flatMap { entry in entry.estimates.map { (entry.label, $0) } }
        guard let largest = rows.max(by: { $0.1.prefillPeakMemoryBytes < $1.1.prefillPeakMemoryBytes }) else { return "" }
        var sentence = "No prompt of this study forces chunking: wherever its session fits in HBM, its prefill fits in one piece beside it; the largest peak is \(format.bytes(largest.1.prefillPeakMemoryBytes)) per GPU, for \(largest.0) at \(Format.tokens(largest.1.context)) tokens."
        if !evaluation.study.workload.activationMemory, let (series, e) = evaluation.activationsRivalSession {
            let held = e.kvReplication == 1 ? "" : ", held \(Format.factor(e.kvReplication)) over the ranks"
            sentence += " Still, from \(Format.tokens(e.context)) tokens on, one prefill of \(series.label) holds \(format.bytes(e.prefillPeakMemoryBytes)) on each of its \(series.scenario.hardware.gpus) GPUs, in all at least one session's KV (\(format.bytes(e.kvBytes))\(held)): taking the activations out of the KV budget would cost at least one session."
        }
        return sentence
    }
}
