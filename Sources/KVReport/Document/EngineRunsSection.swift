import KVStudy

/// "Measurements from serving engines": how the runs of each serving-benchmark result file among
/// the study's `measurements` became measurements (the mapping, in words), and what became of
/// every run — the rows it gave, or why it was left out of the fit. The loader decided both; this
/// lays them out.
struct EngineRunsSection: ReportSection {
    let layout: Layout

    var applies: Bool { !evaluation.study.engineSources.isEmpty }

    func blocks() -> [Block] {
        let runs = evaluation.study.engineSources.flatMap { source in source.runs.map { (source, $0) } }
        guard !runs.isEmpty else { return [] }
        let column = { (title: String, numeric: Bool, values: [String]) in
            TableBuilder.Column(title: title, numeric: numeric, shown: values, raw: values)
        }
        return [
            .paragraph(EngineMapping.statement),
            .table(layout.table(caption: "Serving-benchmark runs and the measurements they gave", columns: [
                column("file", false, runs.map(\.0.path)),
                column("tool", false, runs.map(\.0.format.label)),
                column("run", false, runs.map(\.1.label)),
                column("model", false, runs.map(\.1.model)),
                column("hardware", false, runs.map(\.1.hardware)),
                column("measurements", true, runs.map { String($0.1.rows) }),
                column("left out of the fit because", false, runs.map { $0.1.leftOut ?? "—" }),
            ])),
        ]
    }
}
