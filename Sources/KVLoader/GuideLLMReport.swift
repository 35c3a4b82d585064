import KVStudy

/// The runs of a GuideLLM report (`guidellm benchmark --output-path benchmarks.json`): its
/// `benchmarks` list, one per scheduling strategy of the profile.
///
/// Seen in vllm-project/guidellm at v0.5.4 (fc31a9eb): `GenerativeBenchmarksReport` in
/// `src/guidellm/benchmark/schemas/generative/report.py` (`metadata`, `args` with `model`,
/// `benchmarks`); `GenerativeBenchmark` in `…/generative/benchmark.py` (`config.strategy`,
/// `metrics`); `GenerativeMetrics` in `…/generative/metrics.py` (`request_totals`,
/// `requests_per_second`, `request_concurrency`, `prompt_token_count`, `output_token_count`,
/// `time_to_first_token_ms`, `inter_token_latency_ms`, each a `StatusDistributionSummary` whose
/// `successful.mean` is read); strategies in `src/guidellm/scheduler/strategies.py` (`type_`
/// synchronous | concurrent with `streams` | throughput | constant / poisson with `rate`). Older
/// reports (v0.3) put the strategy under `args.strategy`, the model under `worker.backend_model`
/// and the totals under `request_totals`; those are read too.
enum GuideLLMReport {
    static func runs(_ report: ResultObject) -> [EngineRun]? {
        guard let list = report.value("benchmarks") else {
            report.missing("benchmarks", "the list of benchmark runs")
            return nil
        }
        guard case .sequence(let items) = list else {
            report.source.error(at: list, "`benchmarks` must be a list of benchmark runs, found \(list.kindName)")
            return nil
        }
        let reportModel = report.object("args", required: false)?.string("model")
            ?? report.object("config", required: false)?.object("backend", required: false)?.string("model")
        var runs: [EngineRun] = []
        var complete = true
        for (index, item) in items.enumerated() {
            guard let benchmark = ResultObject(item, source: report.source, what: "GuideLLM benchmark \(index + 1)"),
                  let run = run(benchmark, name: "benchmark \(index + 1)", reportModel: reportModel)
            else { complete = false; continue }
            runs.append(run)
        }
        return complete ? runs : nil
    }

    static func run(_ benchmark: ResultObject, name: String, reportModel: String?) -> EngineRun? {
        let configuration = benchmark.object("config", required: false) ?? benchmark.object("args", required: false)
        guard let strategy = configuration?.object("strategy", "the scheduling strategy") else {
            if configuration == nil { benchmark.missing("config", "the benchmark's configuration, with its `strategy`") }
            return nil
        }
        let kind = strategy.string("type_", required: true, "synchronous, concurrent, throughput, constant or poisson")
        var concurrency: Int?
        var rate: Double?
        switch kind ?? "" {
        case "synchronous": concurrency = 1
        case "concurrent": concurrency = strategy.count("streams", "requests kept in flight")
        case "constant", "poisson":
            rate = strategy.number("rate", "requests per second")
            concurrency = strategy.count("max_concurrency", required: false, "the most requests in flight")
        default: break  // throughput (as fast as possible), traces: no fixed load
        }
        guard let metrics = benchmark.object("metrics", "the benchmark's metrics") else { return nil }
        func mean(_ key: String, _ meaning: String) -> Double? {
            metrics.object(key, meaning)?.object("successful", "its successful requests")?.number("mean", meaning)
        }
        let ttft = mean("time_to_first_token_ms", "mean time to first token, ms")
        let itl = metrics.has("inter_token_latency_ms")
            ? mean("inter_token_latency_ms", "mean inter-token latency, ms")
            : mean("time_per_output_token_ms", "mean time per output token, ms")
        let input = mean("prompt_token_count", "mean input tokens per request")
        let output = mean("output_token_count", "mean output tokens per request")
        let achieved = mean("requests_per_second", "completed requests per second")
        let inFlight = mean("request_concurrency", "mean requests in flight")
        let totals = metrics.object("request_totals", required: false)
            ?? benchmark.object("request_totals", required: false)
            ?? benchmark.object("run_stats", required: false)?.object("requests_made", required: false)
        if totals == nil { metrics.missing("request_totals", "successful and errored request counts") }
        let completed = totals?.count("successful", "requests that completed")
        let failed = totals?.count("errored", required: false, "requests that failed")
        guard kind != nil, let ttft, let itl, let input, let output, let completed else { return nil }
        if kind == "concurrent", concurrency == nil { return nil }
        if ["constant", "poisson"].contains(kind), rate == nil { return nil }
        let model = configuration?.object("backend", required: false)?.string("model")
            ?? benchmark.object("worker", required: false)?.string("backend_model") ?? reportModel
        return EngineRun(
            name: "\(name), \(kind!)", location: benchmark.source.location(of: benchmark.node), modelID: model,
            concurrency: concurrency, requestsPerSecond: rate, requestsSent: nil,
            completed: completed, failed: failed, achievedRequestsPerSecond: achieved, meanInFlight: inFlight,
            meanInputTokens: input, meanOutputTokens: output,
            timeToFirstTokenSeconds: ttft / 1000, interTokenSeconds: itl / 1000)
    }
}
