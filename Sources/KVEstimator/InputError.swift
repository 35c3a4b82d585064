/// An impossible input to the estimator: a size that is not positive, a fraction outside (0, 1],
/// heads that do not divide into KV heads. `field` is the study-file key at fault (`kv_heads`,
/// `moe.active`), so the loader can point at the exact line and column that holds it.
public struct EstimatorInputError: Error, Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Small checks shared by the input types' `validate()`.
enum Check {
    static func positive(_ value: Double, _ field: String) throws(EstimatorInputError) {
        guard value.isFinite, value > 0 else {
            throw EstimatorInputError(field: field, "must be a positive finite number, got \(value)")
        }
    }

    static func positive(_ value: Int, _ field: String) throws(EstimatorInputError) {
        guard value > 0 else { throw EstimatorInputError(field: field, "must be positive, got \(value)") }
    }

    static func nonNegative(_ value: Int, _ field: String) throws(EstimatorInputError) {
        guard value >= 0 else { throw EstimatorInputError(field: field, "must not be negative, got \(value)") }
    }

    static func nonNegative(_ value: Double, _ field: String) throws(EstimatorInputError) {
        guard value.isFinite, value >= 0 else {
            throw EstimatorInputError(field: field, "must be a finite number ≥ 0, got \(value)")
        }
    }

    /// Fractions such as `token_keep` or an efficiency factor live in (0, 1].
    static func fraction(_ value: Double, _ field: String) throws(EstimatorInputError) {
        guard value.isFinite, value > 0, value <= 1 else {
            throw EstimatorInputError(field: field, "must be a fraction in (0, 1], got \(value)")
        }
    }
}
