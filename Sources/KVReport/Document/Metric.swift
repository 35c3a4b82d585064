import KVEstimator

/// A figure plotted against context length: one chart and one table per challenge share this
/// description, so that every "metric vs context" chart and table is built by the same code.
struct Metric: Sendable {
    var id: String
    /// Noun phrase for captions: "Concurrent sessions".
    var name: String
    /// Axis and column unit: "sessions", "s".
    var unit: String
    var value: @Sendable (Estimate) -> Double?
    var format: @Sendable (Double) -> String
    /// Log scale when values span more than this ratio.
    var prefersLog: Bool

    static let concurrency = Metric(
        id: "concurrency", name: "Concurrent sessions in HBM", unit: "sessions",
        value: { $0.regime == .weightsDoNotFit ? nil : Double($0.concurrency) },
        format: { Format.integer(Int(clamping: $0)) }, prefersLog: false)

    static let prefill = Metric(
        id: "prefill", name: "Prefill time", unit: "s",
        value: { $0.prefill.seconds }, format: { Format.fixed($0, significant: 3) }, prefersLog: true)

    static let decode = Metric(
        id: "decode", name: "Decode time of the output", unit: "s",
        value: { $0.regime == .weightsDoNotFit ? nil : $0.decodeSeconds },
        format: { Format.fixed($0, significant: 3) }, prefersLog: true)

    static let decodeStep = Metric(
        id: "decode-step", name: "Decode step", unit: "ms",
        value: { $0.regime == .weightsDoNotFit ? nil : $0.decodeStep.seconds * 1e3 },
        format: { Format.fixed($0, significant: 3) }, prefersLog: true)

    static let switching = Metric(
        id: "switching", name: "Context switch (swap one session out, another in)", unit: "s",
        value: { $0.contextSwitchSeconds }, format: { Format.fixed($0, significant: 3) }, prefersLog: true)

    static let cost = Metric(
        id: "cost", name: "Cost per session relative to the baseline", unit: "×",
        value: { $0.regime == .weightsDoNotFit ? nil : $0.relativeCost },
        format: { Format.fixed($0, significant: 3) }, prefersLog: true)
}
