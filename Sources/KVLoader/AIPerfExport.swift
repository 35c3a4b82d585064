import KVStudy

/// The one run of an NVIDIA AIPerf `profile_export_aiperf.json` or GenAI-Perf
/// `profile_export_genai_perf.json`: each metric an object `{unit, avg, p50, …}`, and the
/// configuration under `input_config`.
///
/// Seen in ai-dynamo/aiperf at db4f6397: `JsonExportData` and `JsonMetricResult` in
/// `aiperf/common/models/export_models.py` ("designed to mimic the structure of the GenAI-Perf
/// JSON output"), written by `aiperf/exporters/json_exporter.py` with `exclude_unset`; metric
/// names `time_to_first_token`, `inter_token_latency`, `input_sequence_length`,
/// `output_sequence_length`, `request_throughput`, `request_latency`, `request_count`,
/// `error_request_count`; the load under `input_config.loadgen` (`concurrency`, `request_rate`,
/// `aiperf/common/config/loadgen_config.py`) and the model under
/// `input_config.endpoint.model_names` (`endpoint_config.py`). GenAI-Perf's flat
/// `input_config.concurrency`, `request_rate` and `model` are read too.
enum AIPerfExport {
    /// Seconds per unit of the time units the exports write.
    static let secondsPerUnit: [String: Double] = ["ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "sec": 1]

    static func run(_ export: ResultObject, name: String) -> EngineRun? {
        func average(_ key: String, _ meaning: String, required: Bool = true) -> Double? {
            export.object(key, required: required, meaning)?.number("avg", meaning)
        }
        func seconds(_ key: String, _ meaning: String, required: Bool = true) -> Double? {
            guard let metric = export.object(key, required: required, meaning),
                  let unit = metric.string("unit", required: true, "the unit of `avg`"),
                  let value = metric.number("avg", meaning)
            else { return nil }
            guard let scale = secondsPerUnit[unit] else {
                metric.source.error(at: metric.value("unit")!, "`\(metric.field("unit"))` must be a time unit (\(secondsPerUnit.keys.sorted().joined(separator: ", "))), found `\(unit)`")
                return nil
            }
            return value * scale
        }
        let ttft = seconds("time_to_first_token", "mean time to first token")
        let itl = seconds("inter_token_latency", "mean inter-token latency")
        let input = average("input_sequence_length", "mean input tokens per request")
        let output = average("output_sequence_length", "mean output tokens per request")
        let completed = average("request_count", "requests that completed").map { Int($0.rounded()) }
        let failed = average("error_request_count", "requests that failed", required: false).map { Int($0.rounded()) }
        let achieved = average("request_throughput", "completed requests per second", required: false)
        let latency = seconds("request_latency", "mean request latency", required: false)
        let configuration = export.object("input_config", "the profile's configuration: its concurrency or request rate")
        let loadgen = configuration?.object("loadgen", required: false) ?? configuration
        let concurrency = loadgen?.count("concurrency", required: false, "requests kept in flight")
        let rate = loadgen?.rate("request_rate", "requests per second")
        let model = configuration?.object("endpoint", required: false)?.firstName("model_names")
            ?? configuration?.firstName("model_names") ?? configuration?.firstName("model")
        guard let ttft, let itl, let input, let output, let completed, configuration != nil else { return nil }
        // AIPerf's own default when neither is given: concurrency 1 (`UserConfig`'s validator,
        // aiperf/common/config/user_config.py, "If user has not provided a concurrency value, set it to 1").
        let load = concurrency ?? (rate?.present == true ? nil : 1)
        return EngineRun(
            name: name, location: export.source.location(of: export.node), modelID: model,
            concurrency: load, requestsPerSecond: rate?.requestsPerSecond, requestsSent: nil,
            completed: completed, failed: failed, achievedRequestsPerSecond: achieved,
            meanInFlight: achieved.flatMap { rate in latency.map { rate * $0 } },
            meanInputTokens: input, meanOutputTokens: output,
            timeToFirstTokenSeconds: ttft, interTokenSeconds: itl)
    }
}
