import KVEstimator

extension Model {
    /// The longest context the model is advertised for; unbounded (`Int.max`) when it states none.
    /// Findings and charts compare within it, and mark what lies beyond.
    var contextLimit: Int { maxContext ?? Int.max }
}
