import KVStudy
import KVEstimator
import Yams

/// Reads one study's composed YAML into a `Study`: each section against its schema, each
/// problem logged at its own line and column, and reading goes on after a problem so that one
/// run reports every mistake. Sections live in `Study*.swift`, `Measurements*.swift` and
/// `Cells*.swift` beside this file.
struct StudyReader {
    let source: YAMLSource
    let catalog: Catalog
    /// Most points and scenarios one study may have (`SweepLimits`).
    var limits = SweepLimits.check

    var entries: EntryReader { EntryReader(source: source, catalog: catalog) }

    func study(_ root: Node, text: String) -> Study? {
        guard let map = MapReader(root, schema: Schema.study, source: source, what: "the study") else { return nil }
        let errorsBefore = source.log.errorCount
        for key in ["title", "models", "hardware", "contexts"] where !map.has(key) { map.missing(key, "the study") }

        let title = map.string("title")
        let description = map.string("description")
        let models = entryList("models", in: map, kind: "model", read: entries.model)
        let hardware = entryList("hardware", in: map, kind: "hardware", read: entries.hardware)
        let compressions = map.has("compression")
            ? entryList("compression", in: map, kind: "compression", read: entries.compression)
            : EntryList(entries: [.none], complete: true)
        let contexts = contexts(map)
        let workload = workload(map)
        let baseline = baseline(map, compressions: compressions)
        let mode = map.choice("mode", StudyMode.allCases.map(\.rawValue)).flatMap(StudyMode.init(rawValue:))
        let units = map.choice("units", SizeUnits.allCases.map(\.rawValue)).flatMap(SizeUnits.init(rawValue:))
        let allowHTML = map.bool("allow_html"), allowBeyondMax = map.bool("allow_beyond_max")
        let headline = map.choice("headline", Study.Headline.allCases.map(\.rawValue)).flatMap(Study.Headline.init(rawValue:))
        let measurements = measurements(map, models: models, hardware: hardware)
        let references = references(map, models: models, hardware: hardware, compressions: compressions)
        let cells = cells(map, hasMeasurements: map.has("measurements"), contexts: contexts?.tokens)
        let kvPlacement = KVTierReader(source: source).placement(map)
        let plan = plan(map, models: models, workload: workload)

        guard let title, let models, let hardware, let compressions, let contexts, let workload,
              source.log.errorCount == errorsBefore
        else { return nil }
        var study = Study(
            path: source.path, text: text, title: title, description: description, models: models.entries,
            hardware: hardware.entries, compressions: compressions.entries, contexts: contexts.tokens,
            workload: workload, baseline: baseline ?? Baseline(), mode: mode ?? .peak, units: units ?? .decimal,
            allowHTML: allowHTML ?? false, measurements: measurements?.rows ?? [], cells: cells ?? [],
            allowBeyondMax: allowBeyondMax ?? false, headline: headline)
        study.references = references ?? []
        study.engineSources = measurements?.engineSources ?? []
        study.kvPlacement = kvPlacement
        if let kvPlacement { KVTierReader(source: source).check(kvPlacement, hardware: study.hardware, contexts: study.contexts, map) }
        study.plan = plan
        checkPlanSize(study, map)
        checkFits(study, map)
        checkSweepSize(study, contexts)
        checkChunkedPrefillWork(study, map)
        if !study.allowBeyondMax { warnBeyondMaxContext(study, contexts) }
        return study
    }

    // MARK: Entries

    /// A list of models, hardware or compressions, as far as it could be read.
    struct EntryList<Entry: CatalogEntry> {
        var entries: [Entry]
        /// Every item was read, so a name missing from `entries` really is unknown.
        var complete: Bool
        var names: [String] { entries.map(\.name) }
    }

    /// The entries of `key`: catalog names, presets with overrides or inline definitions, each
    /// name once (a duplicate is an error at the second, since measurements and cells refer to
    /// entries by name).
    func entryList<Entry: CatalogEntry>(_ key: String, in map: MapReader, kind: String, read: (Node) -> Entry?) -> EntryList<Entry>? {
        guard let node = map.value(key) else { return nil }
        guard case .sequence(let items) = node else {
            source.error(at: node, "`\(key)` expects a list of \(kind) entries (catalog names, `{preset: …}` maps or inline definitions), found \(node.kindName)"
                + (node.scalarText.map { "; write `[\($0)]` for one" } ?? ""))
            return nil
        }
        guard !items.isEmpty else {
            source.error(at: node, "`\(key)` is empty: the sweep needs at least one \(kind)" + (key == "compression" ? " (leave the key out for no compression)" : ""))
            return nil
        }
        var list = EntryList<Entry>(entries: [], complete: true)
        var firstLine: [String: Int] = [:]
        for item in items {
            guard let entry = read(item) else { list.complete = false; continue }
            if let line = firstLine[entry.name] {
                source.error(at: item, "duplicate \(kind) `\(entry.name)` (also at line \(line)): give one of them a distinct `name`")
                continue
            }
            firstLine[entry.name] = source.location(of: item).line
            list.entries.append(entry)
        }
        return list
    }

    // MARK: Baseline

    /// `{context, compression}`; the compression is one of the study's own (by name), a catalog
    /// preset, an `a+b` combination, or an inline definition.
    func baseline(_ study: MapReader, compressions: EntryList<Compression>?) -> Baseline? {
        guard let map = study.map("baseline", Schema.baseline) else { return nil }
        var baseline = Baseline()
        if let context = map.tokens("context") { baseline.context = context }
        if let node = map.value("compression") {
            if let name = node.scalarText, let own = compressions?.entries.first(where: { $0.name == name }) {
                baseline.compression = own
            } else if let compression = entries.compression(node) {
                baseline.compression = compression
            }
        }
        return baseline
    }

    // MARK: Whole-study checks

    /// The workload's reserve must leave room in every GPU's HBM (the estimator's own check,
    /// run here so that it points at the `reserve` line).
    /// Also the checks that pair entries: a tensor-parallel degree must divide each model's query
    /// heads, head-axis compression does not apply to MLA models (each pair reported once).
    private func checkFits(_ study: Study, _ map: MapReader) {
        var reported: Set<String> = []
        for model in study.models {
            for compression in study.compressions {
                for hardware in study.hardware {
                    do {
                        try Scenario(model: model, hardware: hardware, compression: compression, workload: study.workload).validate()
                    } catch {
                        guard reported.insert(error.field + error.message).inserted else { continue }
                        // Pair errors point at the list that holds the entry to change.
                        let path = error.field.hasPrefix("workload.") ? error.field
                            : error.field == "retrieval_heads" ? "compression" : "hardware"
                        source.error(at: map.location(ofPath: path), "\(error.field): \(error.message) (hardware `\(hardware.name)`)")
                    }
                }
            }
        }
    }

    /// A sweep over `limits` is a mistake more often than a plan; say how to narrow it.
    private func checkSweepSize(_ study: Study, _ contexts: ContextSweep) {
        let scenarios = study.models.count * study.hardware.count * study.compressions.count * study.modes.count
        guard study.pointCount > limits.points || scenarios > limits.scenarios else { return }
        var factors = [
            "\(study.models.count) models", "\(study.hardware.count) hardware", "\(study.compressions.count) compressions",
            "\(Units.written(study.contexts.count)) contexts", "\(study.modes.count) mode\(study.modes.count == 1 ? "" : "s")",
        ]
        let purpose = limits.purpose.map { " for \($0)" } ?? ""
        if study.pointCount > limits.points {
            source.error(at: contexts.node, "the sweep has \(Units.written(study.pointCount)) points (\(factors.joined(separator: " × "))), over the limit of \(Units.written(limits.points))\(purpose): narrow it with fewer contexts (`steps`) or fewer entries")
        } else {
            factors.remove(at: 3)
            source.error(at: contexts.node, "the study has \(Units.written(scenarios)) scenarios (\(factors.joined(separator: " × "))), over the limit of \(Units.written(limits.scenarios))\(purpose): narrow it with fewer entries")
        }
    }

    /// Most chunked-prefill iterations a study's sharing section may simulate (one per chunk of
    /// each long prompt, for each scenario): 2^22 take seconds; 2^40 tokens in chunks of one
    /// would take days.
    static let chunkIterationLimit = 1 << 22

    private func checkChunkedPrefillWork(_ study: Study, _ map: MapReader) {
        guard let sharing = study.workload.sharing else { return }
        let chunk = max(1, sharing.chunkTokens)
        let perScenario = study.contexts.reduce(0.0) { $0 + (Double($1) / Double(chunk)).rounded(.up) }
        let total = perScenario * Double(study.pointCount / max(1, study.contexts.count))
        guard total > Double(Self.chunkIterationLimit) else { return }
        let at = map.map("workload", Schema.workload).map { $0.has("chunk") ? $0.location(of: "chunk") : $0.location(of: "short_context") }
        source.error(at: at ?? source.location(line: 1, column: 1),
                     "chunked prefill of the sweep in chunks of \(Units.written(chunk)) tokens takes \(Units.written(Int(min(total, 1e15)))) iterations, over the limit of \(Units.written(Self.chunkIterationLimit)): raise `chunk` or sweep shorter contexts")
    }

    /// Contexts beyond a model's `max_context` still run (reports mark them); say so once per model.
    private func warnBeyondMaxContext(_ study: Study, _ contexts: ContextSweep) {
        for model in study.models {
            guard let maxContext = model.maxContext else { continue }
            let beyond = study.contexts.filter { $0 > maxContext }
            guard let first = beyond.first else { continue }
            source.warning(at: contexts.node(for: first),
                           "\(beyond.count) of \(study.contexts.count) contexts (from \(Units.written(first)) tokens) are beyond the maximum context of `\(model.name)`, \(Units.written(maxContext)) tokens: they are estimated anyway and marked in reports (`allow_beyond_max: true` silences this warning)")
        }
    }
}
