import KVStudy

/// "Measurements from serving engines": how the runs of each serving-benchmark result file among
/// the study's `measurements` became measurements (the mapping, in words), and what became of
/// every run — the rows it gave, or why it was left out of the fit. The loader decided both; this
/// lays them out.
struct EngineRunsSection: ReportSection {
    let layout: Layout

    var applies: Bool { !evaluation.study.engineSources.isEmpty }

    func blocks() -> [Block] {
        let sources = evaluation.study.engineSources
        let runs = sources.flatMap { source in source.runs.map { (source, $0) } }
        guard !runs.isEmpty else { return [] }
        let column = { (title: String, numeric: Bool, values: [String]) in
            TableBuilder.Column(title: title, numeric: numeric, shown: values, raw: values)
        }
        // What every run shares goes into the caption; a column only for what varies.
        let files = runs.map { "\($0.0.path) (\($0.0.format.label))" }
        let models = runs.map(\.1.model), hardware = runs.map(\.1.hardware)
        var shared: [String] = []
        var columns: [TableBuilder.Column] = []
        for (title, values) in [("file", files), ("model", models), ("hardware", hardware)] {
            if Set(values).count == 1 { shared.append(values[0]) } else { columns.append(column(title, false, values)) }
        }
        columns += [
            column("run", false, runs.map(\.1.label)),
            column("measurements", true, runs.map { String($0.1.rows) }),
            column("left out of the fit because", false, runs.map { $0.1.leftOut ?? "—" }),
        ]
        let caption = "Serving-benchmark runs and the measurements they gave" + (shared.isEmpty ? "" : ": " + shared.joined(separator: ", "))
        return [.paragraph(EngineMapping.statement), .table(layout.table(caption: caption, columns: columns))]
    }
}
