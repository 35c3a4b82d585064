/// The values a numeric key accepts, with the reason in its wording. Every number a study or
/// catalog gives is checked against one before it reaches the estimator, so no later conversion
/// (to `Int`) or formatter meets an absurd value: the ranges are wide enough for any real
/// deployment and narrow enough that products of them stay far from overflow.
struct ValueRange: Sendable {
    var lower: Double
    var upper: Double
    /// "between 1 and 2^40 tokens".
    var wording: String

    func contains(_ value: Double) -> Bool { value >= lower && value <= upper }

    /// Largest context, output length or token budget: 2^40 ≈ 1.1 trillion tokens.
    static let maxTokens = 1 << 40

    static let tokens = ValueRange(lower: 1, upper: Double(maxTokens), wording: "between 1 and 2^40 tokens")
    static let tokensOrZero = ValueRange(lower: 0, upper: Double(maxTokens), wording: "between 0 and 2^40 tokens")
    /// Model dimensions (hidden, heads, FFN, vocabulary, ranks…).
    static let dimension = ValueRange(lower: 1, upper: 16_777_216, wording: "between 1 and 16,777,216 (2^24)")
    static let dimensionOrZero = ValueRange(lower: 0, upper: 16_777_216, wording: "between 0 and 16,777,216 (2^24)")
    /// Layers, experts, GPUs, layer groups.
    static let count = ValueRange(lower: 1, upper: 65_536, wording: "between 1 and 65,536")
    static let countOrZero = ValueRange(lower: 0, upper: 65_536, wording: "between 0 and 65,536")
    /// Users, batches.
    static let sessions = ValueRange(lower: 1, upper: 1_073_741_824, wording: "between 1 and 2^30 sessions")
    static let bytes = ValueRange(lower: 1, upper: 1_152_921_504_606_846_976, wording: "between 1 B and 1 EiB (2^60 B)")
    static let bytesOrZero = ValueRange(lower: 0, upper: 1_152_921_504_606_846_976, wording: "between 0 and 1 EiB (2^60 B)")
    static let bandwidth = ValueRange(lower: 1, upper: 1e18, wording: "between 1 B/s and 1 EB/s")
    static let flops = ValueRange(lower: 1, upper: 1e21, wording: "between 1 FLOP/s and 1e21 FLOP/s")
    static let parameters = ValueRange(lower: 1, upper: 1e15, wording: "between 1 and 1e15 parameters")
    static let fraction = ValueRange(lower: 1e-9, upper: 1, wording: "a fraction in (0, 1], at least 1e-9")
    static let bits = ValueRange(lower: 1, upper: 32, wording: "between 1 and 32 bits")
    static let price = ValueRange(lower: 1e-9, upper: 1e9, wording: "between 1e-9 and 1e9 per GPU-hour")
    static let rate = ValueRange(lower: 1e-9, upper: 1e9, wording: "between 1e-9 and 1e9 per second")
    static let seconds = ValueRange(lower: 1e-12, upper: 1e9, wording: "between 1e-12 and 1e9 seconds")
    /// A published figure (sessions, seconds, bytes, a ratio).
    static let published = ValueRange(lower: 1e-12, upper: 1e30, wording: "between 1e-12 and 1e30")
    static let steps = ValueRange(lower: 1, upper: Double(ContextRange.stepLimit), wording: "between 1 and 1,000,000 points")

    /// The range of an integer key.
    static func integer(_ key: String, allowZero: Bool) -> ValueRange {
        switch key {
        case "layers", "heads", "kv_heads", "head_dim", "experts", "active", "every", "gpus", "layer_share",
             "expand", "d_conv", "d_state", "qk_nope_head_dim", "v_head_dim": .count
        case "qk_rope_head_dim": allowZero ? .countOrZero : .count
        case "shared", "dense_layers": .countOrZero
        case "users", "max_batch", "batch": .sessions
        case "output_tokens", "residual_tokens": allowZero ? .tokensOrZero : .tokens
        case "steps": .steps
        default: allowZero ? .dimensionOrZero : .dimension
        }
    }

    /// The range of a plain number key.
    static func number(_ key: String) -> ValueRange {
        switch key {
        case "params", "active_params": .parameters
        case "kv_bits": .bits
        case "price_per_hour": .price
        case "arrival_rate": .rate
        case "seconds", "kernel_overhead": .seconds
        default: .published
        }
    }
}

/// The longest text each kind of string key takes (a name ends up in every table, legend and
/// file header; prose is a page).
enum TextLimit {
    static let name = 200
    static let line = 2_000
    static let prose = 200_000

    static func of(_ key: String) -> Int {
        switch key {
        case "name", "label", "preset", "model", "hardware", "compression", "axis", "quantity": name
        case "description", "markdown": prose
        default: line
        }
    }
}
