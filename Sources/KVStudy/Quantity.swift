import KVEstimator

/// One figure kvplan reports against context length — a challenge's cost (prefill time,
/// concurrency, decode time, context switch) or the session's relative cost: its name, unit, how
/// to read it from an `Estimate`, and the formula traces behind it. Headlines, chart and table
/// cells, findings and measured phases name their subject with a quantity's `Key`; charts, tables
/// and findings read it through the quantity, so one idea is one type.
public struct Quantity: Sendable {
    /// What studies, cells and the site call the quantity (`prefill`, `decode_step`).
    public enum Key: String, Sendable, Hashable, CaseIterable {
        case concurrency, prefill, decode
        case decodeStep = "decode_step"
        case concurrencySustained = "concurrency_sustained"
        case switching, cost
        case decodeThroughput = "decode_throughput"
        case costPerMillionTokens = "cost_per_million_tokens"
    }

    public var key: Key
    /// Noun phrase for captions and axes: "Concurrent sessions in HBM".
    public var name: String
    /// Axis and column unit: "sessions", "s", "ms", "×".
    public var unit: String
    /// The value in `unit`; nil where it does not exist (decode when the weights do not fit).
    public var value: @Sendable (Estimate) -> Double?
    /// Whole sessions rather than a measure: shown without decimals, on a linear axis where zeros matter.
    public var isCount: Bool
    /// A log axis suits it when its values span decades.
    public var prefersLog: Bool
    /// The `FormulaTrace.quantity` titles that explain it.
    public var traces: [String]

    public static let concurrency = Quantity(
        key: .concurrency, name: "Concurrent sessions in HBM", unit: "sessions",
        value: { $0.regime == .weightsDoNotFit ? nil : Double($0.concurrency) },
        isCount: true, prefersLog: false,
        traces: ["Weights", "KV cache per session", "KV replication over ranks", "Concurrency", "Concurrency through the last token"])

    /// Sessions that still fit at their last token, n + m: the decode batch's ceiling (issue 11).
    public static let concurrencySustained = Quantity(
        key: .concurrencySustained, name: "Sessions through their last token", unit: "sessions",
        value: { $0.regime == .weightsDoNotFit ? nil : Double($0.concurrencySustained) },
        isCount: true, prefersLog: false, traces: ["Concurrency through the last token"])

    public static let prefill = Quantity(
        key: .prefill, name: "Prefill time", unit: "s",
        value: { $0.prefill.seconds }, isCount: false, prefersLog: true, traces: ["Prefill"])

    /// At a stated batch: one session alone (b = 1), so that it is comparable across contexts and
    /// GPUs; what the batch that fits yields is `decodeThroughput`.
    public static let decode = Quantity(
        key: .decode, name: "Decode time of the output, one session alone", unit: "s",
        value: { $0.regime == .weightsDoNotFit ? nil : ($0.comparable?.decodeSecondsAlone ?? $0.decodeSeconds) },
        isCount: false, prefersLog: true, traces: ["Decode step", "Decode of m tokens"])

    public static let decodeStep = Quantity(
        key: .decodeStep, name: "Decode step", unit: "ms",
        value: { $0.regime == .weightsDoNotFit ? nil : $0.decodeStep.seconds * 1e3 },
        isCount: false, prefersLog: true, traces: ["Decode step"])

    public static let switching = Quantity(
        key: .switching, name: "Context switch (swap one session out, another in)", unit: "s",
        value: { $0.contextSwitchSeconds }, isCount: false, prefersLog: true, traces: ["Context switch"])

    /// Tokens per second of the batch that fits, `b / t_step` with b = `decodeBatch`.
    public static let decodeThroughput = Quantity(
        key: .decodeThroughput, name: "Decode throughput at the batch that fits", unit: "tokens/s",
        value: { $0.regime == .weightsDoNotFit ? nil : $0.decodeTokensPerSecond },
        isCount: false, prefersLog: true, traces: ["Decode step"])

    /// Against one baseline for the whole study (its first scenario at the baseline context and
    /// compression), over each scenario's whole replica — so that GPUs compare with each other.
    public static let cost = Quantity(
        key: .cost, name: "Cost per session relative to the baseline", unit: "×",
        value: { $0.regime == .weightsDoNotFit ? nil : ($0.comparable?.studyRelativeCost ?? $0.relativeCost) },
        isCount: false, prefersLog: true, traces: [])

    /// Cost of a million processed tokens (prompt and output), in money when every GPU of the
    /// study has a price and in GPU-seconds of the whole replica otherwise.
    public static func costPerMillionTokens(priced: Bool) -> Quantity {
        Quantity(
            key: .costPerMillionTokens, name: priced ? "Price per million tokens" : "GPU-seconds per million tokens",
            unit: priced ? "$" : "GPU-s",
            value: { estimate in
                guard estimate.regime != .weightsDoNotFit, let cost = estimate.comparable else { return nil }
                return priced ? cost.pricePerMillionTokens : cost.gpuSecondsPerMillionTokens
            },
            isCount: false, prefersLog: true, traces: [])
    }

    public static let all: [Quantity] = [.concurrency, .prefill, .decode, .decodeStep, .switching, .cost, .decodeThroughput, costPerMillionTokens(priced: false), .concurrencySustained]

    public init(key: Key) {
        self = Self.all.first { $0.key == key }!
    }

    init(key: Key, name: String, unit: String, value: @escaping @Sendable (Estimate) -> Double?,
         isCount: Bool, prefersLog: Bool, traces: [String]) {
        self.key = key
        self.name = name
        self.unit = unit
        self.value = value
        self.isCount = isCount
        self.prefersLog = prefersLog
        self.traces = traces
    }
}

// What each of the study's subjects is about, in one place.

extension Study.Headline {
    /// The quantity a headline stands for; nil for `measured`.
    public var quantity: Quantity.Key? { Quantity.Key(rawValue: rawValue) }
}

extension ChartCell.Kind {
    /// The quantity a chart draws against context; nil for memory, roofline, sharing and measured charts.
    public var quantity: Quantity.Key? { Quantity.Key(rawValue: rawValue) }
}

extension TableCell.Kind {
    /// The quantity a table lists by context; nil for setup, sharing, measured and appendix tables.
    public var quantity: Quantity.Key? { Quantity.Key(rawValue: rawValue) }
}

extension Measurement.Phase {
    /// The phase as a sentence names it: "prefill", "decode step", "context switch".
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }

    /// The quantity a measured latency is compared with.
    public var quantity: Quantity.Key {
        switch self {
        case .prefill: .prefill
        case .decodeStep: .decodeStep
        case .contextSwitch: .switching
        }
    }
}

extension ChartCell.Kind {
    /// The chart of a quantity against context.
    public init(quantity: Quantity) {
        self.init(rawValue: quantity.key.rawValue)!
    }
}
