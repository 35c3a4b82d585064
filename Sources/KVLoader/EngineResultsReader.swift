import KVStudy
import KVEstimator
import Yams

/// Reading a serving benchmark's result file named in `measurements`: which tool wrote it, its
/// runs, and the measurements they map to on the study's model and hardware entries.
extension StudyReader {
    /// Most runs one result file may hold.
    static let runLimit = 1000

    /// The tool that wrote a result file, told from its first object's keys; nil when no tool's
    /// keys are there, or (`ambiguous`) when vLLM's and SGLang's shared keys are all there is.
    static func detectFormat(keys: [String]) -> (format: EngineFormat?, ambiguous: Bool) {
        let keys = Set(keys)
        if keys.contains("benchmarks") { return (.guidellm, false) }
        if keys.contains("time_to_first_token") || keys.contains("input_config") { return (.aiperf, false) }
        guard keys.contains("mean_ttft_ms") || keys.contains("completed") else { return (nil, false) }
        if !keys.isDisjoint(with: ["mean_e2e_latency_ms", "concurrency", "server_info", "total_output_tokens_retokenized", "accept_length"]) {
            return (.sglang, false)
        }
        if !keys.isDisjoint(with: ["model_id", "tokenizer_id", "num_prompts", "mean_e2el_ms", "endpoint_type", "failed", "date"]) {
            return (.vllm, false)
        }
        return (nil, true)
    }

    /// The top-level objects of a JSON file, or of a JSON Lines file (every non-blank line an
    /// object on its own, as SGLang and vLLM's `--append-result` append them), each composed
    /// with its own line numbers.
    func resultObjects(_ file: YAMLSource) -> [Node]? {
        file.language = "JSON"
        let lines = LineBreaks.lines(file.text)
        let filled = lines.enumerated().filter { !$0.element.allSatisfy(\.isWhitespace) }
        let jsonLines = filled.count > 1 && filled.allSatisfy {
            $0.element.first(where: { !$0.isWhitespace }) == "{" && $0.element.last(where: { !$0.isWhitespace }) == "}"
        }
        guard jsonLines else { return file.compose(file.text, resolver: .basic).map { [$0] } }
        guard filled.count <= Self.runLimit else {
            file.error(at: file.location(line: filled[Self.runLimit].offset + 1, column: 1),
                       "the result file has \(Units.written(filled.count)) runs, over the limit of \(Units.written(Self.runLimit))")
            return nil
        }
        var objects: [Node] = []
        for (index, line) in filled {
            // Blank lines before it keep Yams' line numbers those of the file.
            guard let node = file.compose(String(repeating: "\n", count: index) + line, resolver: .basic) else { return nil }
            objects.append(node)
        }
        return objects
    }

    /// The runs of an engine result file, and the tool that wrote it (`named`, or detected).
    func engineRuns(_ file: YAMLSource, named: EngineFormat?) -> (format: EngineFormat, runs: [EngineRun])? {
        guard let objects = resultObjects(file), let first = objects.first else { return nil }
        guard case .mapping = first else {
            file.error(at: first, "a serving benchmark's result file holds a JSON object (or one per line), found \(first.kindName)")
            return nil
        }
        let keys = first.mapping?.keys.compactMap(\.scalarText) ?? []
        let format: EngineFormat
        if let named {
            format = named
        } else {
            switch Self.detectFormat(keys: keys) {
            case (let detected?, _): format = detected
            case (nil, true):
                file.error(at: first, "the result has `mean_ttft_ms` and `completed` like vLLM's and SGLang's, but none of the keys that tell them apart (vLLM's `model_id`, `num_prompts`; SGLang's `mean_e2e_latency_ms`, `concurrency`): name the tool with `format: vllm` or `format: sglang`")
                return nil
            case (nil, false):
                let shown = keys.prefix(6).map { "`\($0)`" }.joined(separator: ", ") + (keys.count > 6 ? ", …" : "")
                file.error(at: first, "not a result file kvplan reads: its keys are \(shown.isEmpty ? "none" : shown); expected vLLM's or SGLang's `mean_ttft_ms`, GuideLLM's `benchmarks` or AIPerf's `time_to_first_token` (or a CSV with the header `\(Schema.measurement.names.joined(separator: ","))`); name the tool with `format:` (\(EngineFormat.names.keys.sorted().joined(separator: ", ")))")
                return nil
            }
        }
        var runs: [EngineRun] = []
        var complete = true
        for node in objects {
            let line = file.location(of: node).line
            let name = objects.count == 1 ? "the run" : "line \(line)"
            guard let object = ResultObject(node, source: file, what: "the \(format.label) result") else { complete = false; continue }
            let read: [EngineRun]? = switch format {
            case .vllm, .sglang: BenchServingResult.run(object, name: name, format: format).map { [$0] }
            case .guidellm: GuideLLMReport.runs(object)
            case .aiperf: AIPerfExport.run(object, name: name).map { [$0] }
            }
            if let read { runs += read } else { complete = false }
        }
        return complete ? (format, runs) : nil
    }

    /// The measurements of an engine result file's runs on the study's entries, and the record
    /// of each run for the report. A run left out of the fit gets a warning naming it.
    func engineMeasurements(
        _ file: YAMLSource, written: String, named: EngineFormat?, entry: Node,
        model pinnedModel: String?, hardware pinnedHardware: String?, models: [Model], hardware: [Hardware]
    ) -> (rows: [Measurement], source: EngineSource)? {
        guard let (format, runs) = engineRuns(file, named: named) else { return nil }
        let hardwareName: String
        if let pinnedHardware {
            hardwareName = pinnedHardware
        } else if hardware.count == 1 {
            hardwareName = hardware[0].name
        } else {
            source.error(at: entry, "`\(written)` does not name its GPU (\(format.label) results never do) and the study has \(hardware.count) hardware entries (\(hardware.map(\.name).joined(separator: ", "))): add `hardware:` to this measurements entry")
            return nil
        }
        var rows: [Measurement] = []
        var outcomes: [EngineRunOutcome] = []
        var warnedIDs: Set<String> = []
        var complete = true
        for run in runs {
            guard let modelName = tiedModel(run, pinned: pinnedModel, models: models, written: written, entry: entry, warned: &warnedIDs) else {
                complete = false
                continue
            }
            switch EngineRunMapping.outcome(run) {
            case .used(let mapped):
                rows += mapped.map {
                    Measurement(model: modelName, hardware: hardwareName, phase: $0.phase, batch: $0.batch,
                                context: $0.context, seconds: $0.seconds, location: run.location)
                }
                outcomes.append(EngineRunOutcome(label: run.label, model: modelName, hardware: hardwareName, rows: mapped.count))
            case .leftOut(let reason):
                file.warning(at: run.location, "\(run.label) is left out of the fit: \(reason)")
                outcomes.append(EngineRunOutcome(label: run.label, model: modelName, hardware: hardwareName, rows: 0, leftOut: reason))
            }
        }
        guard complete else { return nil }
        return (rows, EngineSource(path: written, format: format, runs: outcomes))
    }

    /// The study's model a run was measured on: the entry's `model:`, else the one model whose
    /// name, label or Hugging Face repo the run's model id contains, else the study's only model.
    private func tiedModel(_ run: EngineRun, pinned: String?, models: [Model], written: String, entry: Node, warned: inout Set<String>) -> String? {
        if let pinned { return pinned }
        let names = models.map(\.name).joined(separator: ", ")
        guard let id = run.modelID else {
            if models.count == 1 { return models[0].name }
            source.error(at: entry, "\(run.label) in `\(written)` does not name its model and the study has \(models.count) (\(names)): add `model:` to this measurements entry")
            return nil
        }
        let matches = Self.models(matching: id, among: models)
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty, models.count == 1 {
            if warned.insert(id).inserted {
                source.warning(at: entry, "`\(written)` names model `\(id)`, which does not match the study's model `\(models[0].name)`; its runs are taken as `\(models[0].name)` (add `model: \(models[0].name)` to this entry to say so)")
            }
            return models[0].name
        }
        if warned.insert(id).inserted {
            let which = matches.isEmpty ? "none of the study's models" : "several of the study's models (\(matches.joined(separator: ", ")))"
            source.error(at: entry, "`\(written)` names model `\(id)`, which matches \(which); the study has \(names): add `model:` to this measurements entry")
        }
        return nil
    }

    /// The study's models a served model id names: those whose name, label or Hugging Face repo
    /// (from the catalog `source`), letters and digits only, the id's last path part contains;
    /// the longest such name wins (`llama-3.1-8b` over `llama-3`).
    static func models(matching id: String, among models: [Model]) -> [String] {
        func compact(_ text: Substring) -> String { text.lowercased().filter { $0.isLetter || $0.isNumber } }
        let served = compact(id.split(separator: "/").last ?? Substring(id))
        guard !served.isEmpty else { return [] }
        var best: (length: Int, names: [String]) = (0, [])
        for model in models {
            var candidates = [compact(Substring(model.name)), compact(Substring(model.label))]
            if let repo = model.source.split(separator: "huggingface.co/").dropFirst().first?.split(separator: "/").dropFirst().first {
                candidates.append(compact(repo))
            }
            let length = candidates.filter { !$0.isEmpty && served.contains($0) }.map(\.count).max() ?? 0
            if length > best.length { best = (length, [model.name]) } else if length > 0, length == best.length { best.names.append(model.name) }
        }
        return best.names
    }
}
