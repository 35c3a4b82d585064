import KVStudy

/// One run of a serving benchmark, as read from its tool's result file: the means that become
/// measurements and what it takes to tell whether queueing biased them. Times are in seconds and
/// token counts per request, whatever units the file used.
struct EngineRun {
    /// How warnings and the report name the run ("line 3", "benchmark 2").
    var name: String
    /// Where the run's object starts in the result file.
    var location: SourceLocation
    /// The model the tool says it served (a Hugging Face repo, a path or a served name).
    var modelID: String?
    /// The fixed number of requests the tool kept in flight (`max_concurrency`, GuideLLM's
    /// `streams`, 1 for a synchronous run); nil when it set no limit.
    var concurrency: Int?
    /// The request rate it was asked to send; nil when it sent as fast as it could (`inf`).
    var requestsPerSecond: Double?
    /// Requests the run sent (`num_prompts`), when the file says.
    var requestsSent: Int?
    var completed: Int
    /// Requests that failed, when the file says.
    var failed: Int?
    /// The request rate the run achieved (completed requests per second of its duration).
    var achievedRequestsPerSecond: Double?
    /// The mean number of requests in flight, as measured by the tool or by Little's law.
    var meanInFlight: Double?
    var meanInputTokens: Double
    var meanOutputTokens: Double
    var timeToFirstTokenSeconds: Double
    /// Mean inter-token latency (or time per output token where the file has no ITL).
    var interTokenSeconds: Double

    /// How the tool loaded the server, for labels: "concurrency 8", "4 req/s", "all at once".
    var load: String {
        switch (concurrency, requestsPerSecond) {
        case (let c?, nil): "concurrency \(c)"
        case (nil, let rate?): "\(short(rate)) req/s"
        case (let c?, let rate?): "\(short(rate)) req/s, at most \(c) in flight"
        case (nil, nil): "all requests at once"
        }
    }

    var label: String { "\(name) (\(load))" }
}

/// How a run becomes measurements, and when it is left out instead (`EngineMapping.statement`
/// says the same in words). Engines batch every request in flight at each step (continuous
/// batching: vLLM's scheduler, SGLang's `ScheduleBatch`), so the number in flight is the decode
/// batch; a run whose requests queued is not a run at the batch it names.
enum EngineRunMapping {
    /// Below this share of the requested rate, requests queued in the client or the server.
    static let rateShortfall = 0.9
    /// Below this share of the configured concurrency, the run did not hold that many in flight
    /// (the tail of a finite run drains below it, which is why the bar is not 100%).
    static let concurrencyShortfall = 0.8
    /// Above this share of failed requests, the surviving means describe a different load.
    static let failedShare = 0.05

    struct Row: Equatable {
        var phase: Measurement.Phase
        var batch: Int
        var context: Int
        var seconds: Double
    }

    enum Outcome: Equatable {
        case used([Row])
        /// Left out of the fit, with the reason in words.
        case leftOut(String)
    }

    static func outcome(_ run: EngineRun) -> Outcome {
        guard run.completed > 0 else { return .leftOut("no request completed") }
        if let failed = run.failed, failed > 0, Double(failed) / Double(failed + run.completed) > failedShare {
            return .leftOut("\(failed) of \(failed + run.completed) requests failed (over \(percent(failedShare)))")
        }
        if let asked = run.requestsPerSecond, let achieved = run.achievedRequestsPerSecond, achieved < rateShortfall * asked {
            return .leftOut("it asked for \(short(asked)) req/s and achieved \(short(achieved)): requests queued, so latencies include waiting")
        }
        let batch: Int
        if let concurrency = run.concurrency {
            if let sent = run.requestsSent, sent < concurrency {
                return .leftOut("it sent \(sent) requests, fewer than its concurrency \(concurrency)")
            }
            if let inFlight = run.meanInFlight, inFlight < concurrencyShortfall * Double(concurrency) {
                return .leftOut("concurrency \(concurrency) was not reached: \(short(inFlight)) requests in flight on average")
            }
            batch = concurrency
        } else if run.requestsPerSecond != nil {
            guard let inFlight = run.meanInFlight else {
                return .leftOut("a request-rate run whose mean number of requests in flight the file does not give")
            }
            batch = max(1, Int(inFlight.rounded()))
        } else {
            return .leftOut("every request was sent at once with no concurrency limit: the batch the engine ran is not known")
        }
        var rows: [Row] = []
        if run.concurrency == 1 {
            rows.append(Row(phase: .prefill, batch: 1, context: max(1, Int(run.meanInputTokens.rounded())), seconds: run.timeToFirstTokenSeconds))
        }
        if run.meanOutputTokens >= 2, run.interTokenSeconds > 0 {
            let context = Int((run.meanInputTokens + run.meanOutputTokens / 2).rounded())
            rows.append(Row(phase: .decodeStep, batch: batch, context: max(1, context), seconds: run.interTokenSeconds))
        }
        guard !rows.isEmpty else {
            return .leftOut("at concurrency above 1 and with under 2 output tokens per request, it times neither a prefill nor a decode step")
        }
        return .used(rows)
    }

    private static func percent(_ fraction: Double) -> String { "\(short(fraction * 100))%" }
}

/// A rate or a mean as the warnings print it: two decimals at most (`6.12`, `4`).
func short(_ value: Double) -> String { format((value * 100).rounded() / 100) }
