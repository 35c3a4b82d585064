import KVStudy

/// One run of vLLM's `vllm bench serve --save-result` (or the older
/// `benchmarks/benchmark_serving.py`) or of SGLang's `bench_serving --output-file`, whose result
/// object SGLang adapted from vLLM's: the same `mean_ttft_ms`, `mean_itl_ms`, `mean_tpot_ms`,
/// `total_input_tokens`, `max_concurrency` and `request_rate` keys.
///
/// Seen in vllm-project/vllm `vllm/benchmarks/serve.py` (`benchmark()` builds `result`,
/// `main_async()` adds `model_id`, `num_prompts`, `request_rate` — the string `"inf"` when
/// unbounded — and `max_concurrency`; `--append-result` writes one object per line) and in
/// sgl-project/sglang `python/sglang/bench_serving.py` (`benchmark()` appends one
/// `json.dumps(result)` line per run: `request_rate` is Python's float, `Infinity` when unbounded;
/// `concurrency` is the mean number of requests in flight; `mean_e2e_latency_ms`; no model id).
enum BenchServingResult {
    static func run(_ run: ResultObject, name: String, format: EngineFormat) -> EngineRun? {
        let completed = run.count("completed", "requests that completed")
        let inputTokens = run.number("total_input_tokens", "input tokens of the completed requests")
        let outputTokens = run.number("total_output_tokens", "output tokens of the completed requests")
        let ttftMilliseconds = run.number("mean_ttft_ms", "mean time to first token, ms")
        let itlMilliseconds = run.number("mean_itl_ms", required: false, "mean inter-token latency, ms")
        let tpotMilliseconds = run.number("mean_tpot_ms", required: false, "mean time per output token, ms")
        if itlMilliseconds == nil, tpotMilliseconds == nil, !run.has("mean_itl_ms"), !run.has("mean_tpot_ms") {
            run.missing("mean_itl_ms", "mean inter-token latency, ms; or `mean_tpot_ms`")
        }
        let concurrency = run.count("max_concurrency", required: false, "the most requests the client kept in flight")
        let rate = run.rate("request_rate", "the request rate the client was asked to send")
        let achieved = run.number("request_throughput", required: false, "completed requests per second")
        let failed = run.count("failed", required: false, "requests that failed")
        let sent = run.count("num_prompts", required: false, "requests sent")
        let e2eKey = format == .sglang ? "mean_e2e_latency_ms" : "mean_e2el_ms"
        let e2eMilliseconds = run.number(e2eKey, required: false, "mean end-to-end request latency, ms")
        let measuredInFlight = format == .sglang ? run.number("concurrency", required: false, "mean requests in flight") : nil
        let modelID = format == .sglang
            ? run.object("server_info", required: false).flatMap { $0.string("model_path") }
            : run.string("model_id", "the served model")
        guard let completed, let inputTokens, let outputTokens, let ttftMilliseconds,
              let interToken = itlMilliseconds ?? tpotMilliseconds
        else { return nil }
        if let concurrency, concurrency == 0 {
            run.source.error(at: run.value("max_concurrency")!, "`\(run.field("max_concurrency"))` must be at least 1, found 0")
            return nil
        }
        let perRequest = { (total: Double) in completed > 0 ? total / Double(completed) : 0 }
        let output = perRequest(outputTokens)
        // Little's law where the tool does not measure the mean in flight: a request lasts its
        // first token plus (output − 1) token gaps, TPOT being measured excluding the first.
        let latencySeconds = e2eMilliseconds.map { $0 / 1000 }
            ?? (ttftMilliseconds + (tpotMilliseconds ?? interToken) * max(0, output - 1)) / 1000
        return EngineRun(
            name: name, location: run.source.location(of: run.node), modelID: modelID,
            concurrency: concurrency, requestsPerSecond: rate.requestsPerSecond, requestsSent: sent,
            completed: completed, failed: failed, achievedRequestsPerSecond: achieved,
            meanInFlight: measuredInFlight ?? achieved.map { $0 * latencySeconds },
            meanInputTokens: perRequest(inputTokens), meanOutputTokens: output,
            timeToFirstTokenSeconds: ttftMilliseconds / 1000, interTokenSeconds: interToken / 1000)
    }
}
