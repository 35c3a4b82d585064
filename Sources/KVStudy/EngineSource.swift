/// A serving-benchmark tool whose result files `measurements:` reads besides kvplan's own CSV.
public enum EngineFormat: String, Sendable, Equatable, CaseIterable {
    /// `vllm bench serve --save-result` (and the older `benchmarks/benchmark_serving.py`): one JSON
    /// object per run, or one per line with `--append-result`.
    case vllm
    /// `python -m sglang.bench_serving --output-file`: one JSON object per line, one line per run.
    case sglang
    /// `guidellm benchmark --output-path …json`: one report whose `benchmarks` list holds the runs.
    case guidellm
    /// NVIDIA AIPerf's `profile_export_aiperf.json` (and GenAI-Perf's `profile_export_genai_perf.json`,
    /// whose shape AIPerf keeps): one run per file.
    case aiperf

    /// The names `format:` accepts for each (GenAI-Perf is read as AIPerf).
    public static let names: [String: EngineFormat] = [
        "vllm": .vllm, "sglang": .sglang, "guidellm": .guidellm, "aiperf": .aiperf, "genai-perf": .aiperf,
    ]

    /// The tool's name as its users write it.
    public var label: String {
        switch self {
        case .vllm: "vLLM bench serve"
        case .sglang: "SGLang bench_serving"
        case .guidellm: "GuideLLM"
        case .aiperf: "AIPerf / GenAI-Perf"
        }
    }
}

/// How a benchmark run becomes measurements, in words: the report states it beside the runs and
/// the README's "Measurements from serving engines" says the same (a test keeps them equal).
public enum EngineMapping {
    public static let statement = [
        "Each run of a serving benchmark becomes at most two measurements, from its mean latencies.",
        "Time to first token at concurrency 1 is a prefill of the run's mean input length (the prefill's forward pass samples the first token; the time also holds the server's scheduling and the HTTP round trip. Only concurrency-1 runs give prefill rows: at higher concurrency it includes waiting behind other requests' prefills).",
        "Inter-token latency (or, without it, time per output token) at a fixed concurrency c is a decode step at batch c and the run's mean context, input + half the output.",
        "A run driven by a request rate instead is a decode step at its mean number of requests in flight (Little's law: achieved requests per second × mean request latency).",
        "A run is left out of the fit, with a warning naming it, when its queueing would bias that mapping: it achieved under 90% of the request rate it asked for, its mean number in flight stayed under 80% of its concurrency (or it sent fewer requests than its concurrency), over 5% of its requests failed, or it sent every request at once with no concurrency limit, so the batch the engine ran is not known.",
    ].joined(separator: " ")
}

/// One result file of a serving benchmark named in `measurements`, and what became of each of
/// its runs: the report lists them beside the mapping statement.
public struct EngineSource: Sendable, Equatable {
    /// The path as the study wrote it.
    public var path: String
    public var format: EngineFormat
    public var runs: [EngineRunOutcome]

    public init(path: String, format: EngineFormat, runs: [EngineRunOutcome]) {
        self.path = path
        self.format = format
        self.runs = runs
    }
}

/// One benchmark run: which of the study's entries it was tied to, how many measurements it
/// gave, or why it was left out of the fit.
public struct EngineRunOutcome: Sendable, Equatable {
    /// How the run is named in warnings and the report ("line 3: max_concurrency 8").
    public var label: String
    /// The study's model and hardware entries the run was measured on.
    public var model: String
    public var hardware: String
    /// Measurements the run gave (0 when left out).
    public var rows: Int
    /// Why the run was left out of the fit; nil when it was used.
    public var leftOut: String?

    public init(label: String, model: String, hardware: String, rows: Int, leftOut: String? = nil) {
        self.label = label
        self.model = model
        self.hardware = hardware
        self.rows = rows
        self.leftOut = leftOut
    }
}
