import Foundation
import Testing
import KVStudy
import KVEstimator
@testable import KVLoader

/// A folder of result files and a study that names them, written for one test.
private struct ResultFolder {
    let directory = NSTemporaryDirectory() + "kvplan-engines-\(UUID().uuidString)"

    init(_ files: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
    }

    /// Loads a study (its `models`, `hardware` and `measurements` given) from the folder.
    func load(models: String = "[llama-3.1-8b]", hardware: String = "[h100-sxm]", measurements: String) -> (Study?, DiagnosticLog) {
        let text = """
            title: engine results
            models: \(models)
            hardware: \(hardware)
            contexts: [1K, 4K]
            measurements: \(measurements)
            """
        return Fixtures.loader.load(text: text, path: directory + "/test.study.yaml")
    }

    func path(_ name: String) -> String { directory + "/" + name }
}

/// A vLLM `--save-result` object with the keys kvplan reads; `replacing` swaps in raw JSON values.
private func vllmRun(_ replacing: [String: String] = [:], dropping: Set<String> = []) -> String {
    var fields: [(String, String)] = [
        ("model_id", "\"meta-llama/Llama-3.1-8B-Instruct\""), ("num_prompts", "50"), ("request_rate", "\"inf\""),
        ("max_concurrency", "1"), ("completed", "50"), ("failed", "0"), ("total_input_tokens", "51200"),
        ("total_output_tokens", "6400"), ("request_throughput", "1.0"), ("mean_ttft_ms", "32.3"),
        ("mean_tpot_ms", "7.54"), ("mean_itl_ms", "7.52"),
    ]
    fields = fields.filter { !dropping.contains($0.0) }.map { ($0.0, replacing[$0.0] ?? $0.1) }
    return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
}

@Suite("Serving-engine results: which tool wrote the file")
struct EngineFormatDetectionTests {
    @Test("each fixture is detected from its content", arguments: [
        ("vllm", EngineFormat.vllm), ("sglang", .sglang), ("guidellm", .guidellm), ("aiperf", .aiperf),
    ])
    func fixtures(folder: String, format: EngineFormat) throws {
        let (loaded, log) = Fixtures.load("engines/\(folder)/\(folder).study.yaml")
        let study = try #require(loaded, "\(log.summary)")
        #expect(log.errors.isEmpty)
        #expect(study.engineSources.map(\.format).allSatisfy { $0 == format })
        #expect(!study.engineSources.isEmpty)
    }

    @Test("keys tell the tools apart", arguments: [
        (["benchmarks", "metadata", "args"], EngineFormat?.some(.guidellm), false),
        (["time_to_first_token", "request_throughput"], .aiperf, false),
        (["input_config", "request_latency"], .aiperf, false),
        (["mean_ttft_ms", "mean_e2e_latency_ms", "concurrency"], .sglang, false),
        (["backend", "mean_ttft_ms", "total_output_tokens_retokenized"], .sglang, false),
        (["date", "backend", "model_id", "tokenizer_id", "best_of", "num_prompts", "mean_ttft_ms"], .vllm, false),  // benchmark_serving.py
        (["mean_ttft_ms", "mean_itl_ms", "completed"], nil, true),
        (["completed", "model_id", "mean_e2el_ms"], .vllm, false),  // `--percentile-metrics e2el`: no TTFT, still vLLM's
        (["ttft", "itl"], nil, false),
    ])
    func keys(keys: [String], format: EngineFormat?, ambiguous: Bool) {
        let detected = StudyReader.detectFormat(keys: keys)
        #expect(detected.format == format)
        #expect(detected.ambiguous == ambiguous)
    }

    @Test("a CSV path still reads as a CSV; `format: csv` forces it")
    func csvStillCSV() throws {
        let folder = try ResultFolder(["m.csv": "model,hardware,phase,batch,context,seconds\nllama-3.1-8b,h100-sxm,prefill,1,4K,0.12\n"])
        let (plain, plainLog) = folder.load(measurements: "m.csv")
        #expect(plain?.measurements.count == 1, "\(plainLog.summary)")
        #expect(plain?.engineSources.isEmpty == true)
        let (named, namedLog) = folder.load(measurements: "[{file: m.csv, format: csv}]")
        #expect(named?.measurements.count == 1, "\(namedLog.summary)")
    }
}

@Suite("Serving-engine results: AIPerf's defaults")
struct AIPerfDefaultTests {
    @Test("an export that sets neither concurrency nor request rate ran at AIPerf's default, concurrency 1")
    func defaultConcurrency() throws {
        let text = try Fixtures.text("engines/aiperf/c1-isl1024.json")
            .replacingOccurrences(of: "\"loadgen\": {\n      \"concurrency\": 1,\n      \"request_count\": 100\n    }", with: "\"loadgen\": {}")
        #expect(!text.contains("\"concurrency\""))
        let folder = try ResultFolder(["r.json": text])
        let (study, log) = folder.load(measurements: "r.json")
        #expect(study?.engineSources.first?.runs.map(\.label) == ["the run (concurrency 1)"], "\(log.summary)")
        #expect(study?.measurements.map(\.phase) == [.prefill, .decodeStep])
    }
}

@Suite("Serving-engine results: a run becomes measurements")
struct EngineRunMappingTests {
    static func run(concurrency: Int? = 1, rate: Double? = nil, sent: Int? = nil, completed: Int = 100, failed: Int? = 0,
                    achieved: Double? = nil, inFlight: Double? = nil, input: Double = 1024, output: Double = 128) -> EngineRun {
        EngineRun(name: "run", location: SourceLocation(file: "r.json", line: 1, column: 1), modelID: nil,
                  concurrency: concurrency, requestsPerSecond: rate, requestsSent: sent, completed: completed, failed: failed,
                  achievedRequestsPerSecond: achieved, meanInFlight: inFlight, meanInputTokens: input, meanOutputTokens: output,
                  timeToFirstTokenSeconds: 0.0324, interTokenSeconds: 0.0075)
    }

    typealias Row = EngineRunMapping.Row

    @Test("concurrency 1: TTFT is a prefill at the input length, ITL a decode step at input + output/2")
    func concurrencyOne() {
        #expect(EngineRunMapping.outcome(Self.run()) == .used([
            Row(phase: .prefill, batch: 1, context: 1024, seconds: 0.0324),
            Row(phase: .decodeStep, batch: 1, context: 1088, seconds: 0.0075),
        ]))
    }

    @Test("concurrency 8: only a decode step at batch 8 (TTFT there includes waiting)")
    func concurrencyEight() {
        #expect(EngineRunMapping.outcome(Self.run(concurrency: 8, inFlight: 7.9, input: 4096, output: 255)) == .used([
            Row(phase: .decodeStep, batch: 8, context: 4224, seconds: 0.0075),
        ]))
    }

    @Test("a request-rate run that kept up: a decode step at its mean number in flight")
    func rateRun() {
        #expect(EngineRunMapping.outcome(Self.run(concurrency: nil, rate: 4, achieved: 3.81, inFlight: 11.72)) == .used([
            Row(phase: .decodeStep, batch: 12, context: 1088, seconds: 0.0075),
        ]))
    }

    @Test("runs whose queueing would bias the mapping are left out, with the reason", arguments: [
        (run(concurrency: nil, rate: 20, achieved: 9.41), "it asked for 20 req/s and achieved 9.41: requests queued, so latencies include waiting"),
        (run(concurrency: 64, inFlight: 20.98), "concurrency 64 was not reached: 20.98 requests in flight on average"),
        (run(concurrency: 64, sent: 40), "it sent 40 requests, fewer than its concurrency 64"),
        (run(completed: 900, failed: 310), "310 of 1210 requests failed (over 5%)"),
        (run(concurrency: nil), "every request was sent at once with no concurrency limit: the batch the engine ran is not known"),
        (run(concurrency: nil, rate: 4, achieved: 4), "a request-rate run whose mean number of requests in flight the file does not give"),
        (run(completed: 0), "no request completed"),
    ])
    func leftOut(run: EngineRun, reason: String) {
        #expect(EngineRunMapping.outcome(run) == .leftOut(reason))
    }

    @Test("the thresholds themselves still count as kept up: 90% of the rate, 80% of the concurrency, 5% failed")
    func thresholds() {
        if case .leftOut(let reason) = EngineRunMapping.outcome(Self.run(concurrency: nil, rate: 10, achieved: 9, inFlight: 3)) { Issue.record("\(reason)") }
        if case .leftOut(let reason) = EngineRunMapping.outcome(Self.run(concurrency: 10, inFlight: 8)) { Issue.record("\(reason)") }
        if case .leftOut(let reason) = EngineRunMapping.outcome(Self.run(completed: 95, failed: 5)) { Issue.record("\(reason)") }
        if case .used = EngineRunMapping.outcome(Self.run(concurrency: 10, inFlight: 7.99)) { Issue.record("7.99 of 10 in flight was kept") }
    }
}

@Suite("Serving-engine results: the fixtures' runs, measurements and warnings")
struct EngineFixtureTests {
    /// Each fixture: measurements, and the `line:column` and text of each left-out warning.
    @Test("each fixture's runs map to rows; the queued runs are warnings at their own position", arguments: [
        ("vllm", 8, [("llama-3.1-8b-h100.jsonl", 6, 1, "line 6 (20 req/s) is left out of the fit: it asked for 20 req/s and achieved 9.41")]),
        ("sglang", 6, [("llama-3.1-8b-h100.jsonl", 5, 1, "line 5 (concurrency 64) is left out of the fit: concurrency 64 was not reached")]),
        ("guidellm", 4, [("benchmarks.json", 467, 5, "benchmark 2, throughput (all requests at once) is left out of the fit"),
                         ("benchmarks.json", 1810, 5, "benchmark 5, poisson (12 req/s) is left out of the fit: it asked for 12 req/s and achieved 7.9")]),
        ("aiperf", 5, [("c128-isl8192.json", 1, 1, "the run (concurrency 128) is left out of the fit: 310 of 1210 requests failed")]),
    ])
    func fixture(folder: String, rows: Int, warnings: [(String, Int, Int, String)]) throws {
        let (study, log) = Fixtures.load("engines/\(folder)/\(folder).study.yaml")
        let loaded = try #require(study, "\(log.summary)")
        #expect(loaded.measurements.count == rows)
        #expect(loaded.measurements.allSatisfy { $0.model == "llama-3.1-8b" && $0.hardware == "h100-sxm" })
        #expect(log.warnings.count == warnings.count, "\(log.summary)")
        for (diagnostic, expected) in zip(log.warnings, warnings) {
            #expect(diagnostic.location.file.hasSuffix("engines/\(folder)/\(expected.0)"))
            #expect((diagnostic.location.line, diagnostic.location.column) == (expected.1, expected.2))
            #expect(diagnostic.message.hasPrefix(expected.3), "\(diagnostic.message)")
        }
        let outcomes = loaded.engineSources.flatMap(\.runs)
        #expect(outcomes.filter { $0.leftOut != nil }.count == warnings.count)
        #expect(outcomes.map(\.rows).reduce(0, +) == rows)
    }

    @Test("vLLM: the concurrency-1 runs give prefill at their input lengths and decode at input + output/2")
    func vllmRows() throws {
        let study = try #require(Fixtures.load("engines/vllm/vllm.study.yaml").0)
        let prefill = study.measurements.filter { $0.phase == .prefill }
        #expect(prefill.map(\.context) == [1024, 4096, 16384])
        #expect(prefill.map(\.batch) == [1, 1, 1])
        let decode = study.measurements.filter { $0.phase == .decodeStep }
        #expect(decode.map(\.batch) == [1, 1, 1, 8, 32])
        #expect(decode.map(\.context) == [1088, 4160, 16448, 4160, 4160])
        #expect(abs(decode[0].seconds - 0.0075248) < 1e-9)  // line 1's mean_itl_ms 7.5248
        #expect(decode.first?.location.line == 1)
    }

    @Test("the calibration from each fixture fits factors within (0, 1] and lowers the error")
    func fits() throws {
        for folder in ["vllm", "sglang", "guidellm", "aiperf"] {
            let study = try #require(Fixtures.load("engines/\(folder)/\(folder).study.yaml").0)
            let model = try #require(study.models.first { $0.name == "llama-3.1-8b" })
            let hardware = try #require(study.hardware.first { $0.name == "h100-sxm" })
            let observations = study.measurements.map {
                Calibration.Observation(model: model, workload: study.workload, phase: $0.phase, batch: $0.batch, context: $0.context, seconds: $0.seconds)
            }
            let fit = try Calibration.fit(observations, on: hardware)
            #expect(fit.fitted.contains(.matmul) && fit.fitted.contains(.memory), "\(folder)")
            #expect(fit.efficiency.matmul > 0.3 && fit.efficiency.matmul < 0.7, "\(folder): \(fit.efficiency)")
            #expect(fit.efficiency.memory > 0.4 && fit.efficiency.memory < 0.8, "\(folder): \(fit.efficiency)")
            #expect(fit.mapeAfter < fit.mapeBefore / 4, "\(folder)")
        }
    }
}

@Suite("Serving-engine results: the model and GPU a run was measured on")
struct EngineTieTests {
    static let models: [Model] = {
        let (study, _) = Fixtures.load(text: "title: t\nmodels: [llama-3.1-8b, llama-3.1-70b, llama-2-7b, qwen2.5-7b-1m]\nhardware: [h100-sxm]\ncontexts: [4K]\n")
        return study?.models ?? []
    }()

    @Test("a served model id names the study's model by name, label or Hugging Face repo", arguments: [
        ("meta-llama/Llama-3.1-8B-Instruct", ["llama-3.1-8b"]),
        ("/models/Meta-Llama-3.1-70B-Instruct", ["llama-3.1-70b"]),
        ("meta-llama/Llama-2-7b-chat-hf", ["llama-2-7b"]),
        ("Qwen/Qwen2.5-7B-Instruct-1M", ["qwen2.5-7b-1m"]),
        ("mistralai/Mistral-7B-v0.3", []),
    ])
    func matching(id: String, names: [String]) {
        #expect(Self.models.count == 4)
        #expect(StudyReader.models(matching: id, among: Self.models) == names)
    }

    @Test("two models and a model id that names neither: an error at the entry saying to add `model:`")
    func ambiguousModel() throws {
        let folder = try ResultFolder(["r.json": vllmRun(["model_id": "\"mistralai/Mistral-7B-v0.3\""])])
        let (study, log) = folder.load(models: "[llama-3.1-8b, llama-2-7b]", measurements: "r.json")
        #expect(study == nil)
        let error = try #require(log.errors.first)
        #expect(error.location.file == folder.path("test.study.yaml"))
        #expect((error.location.line, error.location.column) == (5, 15))
        #expect(error.message == "`r.json` names model `mistralai/Mistral-7B-v0.3`, which matches none of the study's models; the study has llama-3.1-8b, llama-2-7b: add `model:` to this measurements entry")
    }

    @Test("`model:` on the entry settles it; a name not in the study is an error with a suggestion")
    func pinnedModel() throws {
        let folder = try ResultFolder(["r.json": vllmRun(["model_id": "\"/srv/checkpoint-12\""])])
        let (study, log) = folder.load(models: "[llama-3.1-8b, llama-2-7b]", measurements: "{file: r.json, model: llama-2-7b}")
        #expect(study?.measurements.allSatisfy { $0.model == "llama-2-7b" } == true, "\(log.summary)")
        #expect(study?.measurements.count == 2)
        let (_, badLog) = folder.load(models: "[llama-3.1-8b, llama-2-7b]", measurements: "{file: r.json, model: llama-2-7}")
        #expect(badLog.errors.map(\.message) == ["`model` names model `llama-2-7`, which is not in the study (its model entries: llama-3.1-8b, llama-2-7b) (did you mean `llama-2-7b`?)"])
    }

    @Test("one model whose name the id does not contain: the runs are taken as it, with a warning")
    func singleModelMismatch() throws {
        let folder = try ResultFolder(["r.json": vllmRun(["model_id": "\"/srv/checkpoint-12\""])])
        let (study, log) = folder.load(measurements: "r.json")
        #expect(study?.measurements.count == 2)
        #expect(log.warnings.map(\.message) == ["`r.json` names model `/srv/checkpoint-12`, which does not match the study's model `llama-3.1-8b`; its runs are taken as `llama-3.1-8b` (add `model: llama-3.1-8b` to this entry to say so)"])
    }

    @Test("two GPUs and no `hardware:`: an error at the entry; `hardware:` settles it")
    func hardware() throws {
        let folder = try ResultFolder(["r.json": vllmRun()])
        let (study, log) = folder.load(hardware: "[h100-sxm, a100-80gb-sxm]", measurements: "r.json")
        #expect(study == nil)
        #expect(log.errors.map(\.message) == ["`r.json` does not name its GPU (vLLM bench serve results never do) and the study has 2 hardware entries (h100-sxm, a100-80gb-sxm): add `hardware:` to this measurements entry"])
        let (pinned, pinnedLog) = folder.load(hardware: "[h100-sxm, a100-80gb-sxm]", measurements: "{file: r.json, hardware: a100-80gb-sxm}")
        #expect(pinned?.measurements.allSatisfy { $0.hardware == "a100-80gb-sxm" } == true, "\(pinnedLog.summary)")
    }
}

@Suite("Serving-engine results: malformed and unknown files get positioned diagnostics naming the field")
struct EngineDiagnosticsTests {
    /// The one error loading `text` (as `r.json`) gives: where, and what it says.
    func error(_ text: String, measurements: String = "r.json") throws -> (line: Int, column: Int, file: String, message: String) {
        let folder = try ResultFolder(["r.json": text])
        let (study, log) = folder.load(measurements: measurements)
        #expect(study == nil)
        #expect(log.errors.count == 1, "\(log.summary)")
        let error = try #require(log.errors.first)
        return (error.location.line, error.location.column, String(error.location.file.split(separator: "/").last ?? ""), error.message)
    }

    @Test("a value of the wrong type: at the value, naming the field")
    func wrongType() throws {
        let text = vllmRun(["mean_ttft_ms": "\"fast\""])
        let found = try error(text)
        let value = try #require(text.range(of: "\"fast\""))
        #expect(found.file == "r.json")
        #expect((found.line, found.column) == (1, text.distance(from: text.startIndex, to: value.lowerBound) + 1))
        #expect(found.message == "`mean_ttft_ms` (mean time to first token, ms) must be a number ≥ 0, found `fast`")
    }

    @Test("a missing field: at the run's object, naming the field")
    func missing() throws {
        let found = try error(vllmRun(dropping: ["mean_ttft_ms"]))
        #expect((found.line, found.column) == (1, 1))
        #expect(found.message == "the vLLM bench serve result has no `mean_ttft_ms` (mean time to first token, ms)")
    }

    @Test("a nested GuideLLM field is named by its whole path")
    func nestedPath() throws {
        let text = try Fixtures.text("engines/guidellm/benchmarks.json")
        // The synchronous benchmark's mean time to first token, made a string.
        let anchor = try #require(text.range(of: "\"time_to_first_token_ms\": {\n          \"successful\": {\n            \"mean\": "))
        let end = try #require(text[anchor.upperBound...].firstIndex(of: ","))
        let broken = text.replacingCharacters(in: anchor.upperBound..<end, with: "\"n/a\"")
        let line = broken[..<anchor.upperBound].filter { $0 == "\n" }.count + 1
        let found = try error(broken, measurements: "{file: r.json}")
        #expect((found.line, found.column) == (line, 21))
        #expect(found.message == "`metrics.time_to_first_token_ms.successful.mean` (mean time to first token, ms) must be a number ≥ 0, found `n/a`")
    }

    @Test("an AIPerf metric in a unit that is not a time: at the unit")
    func aiperfUnit() throws {
        let text = try Fixtures.text("engines/aiperf/c1-isl1024.json")
            .replacingOccurrences(of: "\"time_to_first_token\": {\n    \"unit\": \"ms\"", with: "\"time_to_first_token\": {\n    \"unit\": \"fortnights\"")
        let found = try error(text)
        let unit = try #require(text.range(of: "\"fortnights\""))
        #expect((found.line, found.column) == (text[..<unit.lowerBound].filter { $0 == "\n" }.count + 1, 13))
        #expect(found.message.hasPrefix("`time_to_first_token.unit` must be a time unit (ms, ns, s, sec, us, µs), found `fortnights`"))
    }

    @Test("a file no tool wrote: at its first object, listing its keys and the formats")
    func unknown() throws {
        let found = try error("{\"ttft\": 12.5, \"itl\": 7.1}\n")
        #expect((found.line, found.column) == (1, 1))
        #expect(found.message.hasPrefix("not a result file kvplan reads: its keys are `ttft`, `itl`; expected vLLM's or SGLang's `mean_ttft_ms`, GuideLLM's `benchmarks` or AIPerf's `time_to_first_token`"))
        #expect(found.message.hasSuffix("name the tool with `format:` (aiperf, genai-perf, guidellm, sglang, vllm)"))
    }

    @Test("vLLM's and SGLang's shared keys alone: ask for `format:`; naming it reads the file")
    func ambiguous() throws {
        let text = vllmRun(dropping: ["model_id", "num_prompts", "failed"])
        let found = try error(text)
        #expect(found.message.hasPrefix("the result has `mean_ttft_ms` and `completed` like vLLM's and SGLang's"))
        let folder = try ResultFolder(["r.json": text])
        let (study, log) = folder.load(measurements: "{file: r.json, format: vllm}")
        #expect(study?.measurements.count == 2, "\(log.summary)")
    }

    @Test("a truncated JSON line: a JSON syntax error at its line")
    func syntax() throws {
        let found = try error(vllmRun() + "\n" + vllmRun().dropLast(9) + "}\n")
        #expect(found.line == 2)
        #expect(found.message.hasPrefix("JSON syntax:"), "\(found.message)")
    }

    @Test("a value left empty: at the value, naming the field")
    func empty() throws {
        let found = try error(vllmRun() + "\n" + vllmRun(["completed": ""]) + "\n")
        #expect(found.line == 2)
        #expect(found.message == "`completed` (requests that completed) must be a number ≥ 0, found nothing")
    }

    @Test("a list at the top: a located error")
    func topLevelList() throws {
        let found = try error("[" + vllmRun() + "]")
        #expect((found.line, found.column) == (1, 1))
        #expect(found.message == "a serving benchmark's result file holds a JSON object (or one per line), found a list")
    }

    @Test("an unknown `format:` gets a suggestion")
    func unknownFormat() throws {
        let folder = try ResultFolder(["r.json": vllmRun()])
        let (_, log) = folder.load(measurements: "{file: r.json, format: vlm}")
        #expect(log.errors.count == 1)
        #expect(log.errors.first?.message.contains("did you mean `vllm`?") == true, "\(log.summary)")
    }
}
