import KVEstimator
import KVStudy

/// One scenario of a study with what computes its point at any context: its estimator and the
/// baselines its costs are relative to. The evaluation's series and a large study's streamed
/// downloads both take their estimates from here, so the two never differ. A reference: a
/// large study's writers pass it along with each of millions of points, and copying the
/// estimator's fields each time cost more than a third as much as computing the point.
public final class SweptSeries: Sendable {
    public let scenario: Scenario
    public let label: String
    let estimator: Estimator
    /// A session's GPU-seconds at the baseline context and compression (`Estimate.relativeCost`).
    let baselineGPUSeconds: Double
    /// The study's baseline session (`ComparableCost.studyRelativeCost`), in money when `priced`.
    let studyBaselineCost: Double?
    let priced: Bool

    init(scenario: Scenario, label: String, estimator: Estimator, baselineGPUSeconds: Double, studyBaselineCost: Double?, priced: Bool) {
        (self.scenario, self.label, self.estimator) = (scenario, label, estimator)
        (self.baselineGPUSeconds, self.studyBaselineCost, self.priced) = (baselineGPUSeconds, studyBaselineCost, priced)
    }

    /// The estimate at `context`, with its comparable cost against the study's baseline.
    func estimate(context: Int, traced: Bool = false) -> Estimate {
        var estimate = estimator.comparing(estimator.estimate(context: context, baselineGPUSeconds: baselineGPUSeconds, traced: traced))
        if let cost = estimate.comparable, let reference = studyBaselineCost {
            estimate.comparable?.studyRelativeCost = (priced ? cost.price! : cost.gpuSeconds) / reference
        }
        return estimate
    }
}

/// Every point of a study too large to lay out point by point, computed one at a time as a
/// download is written (untraced, as the JSON and CSV need them): the study's whole sweep in
/// constant memory. Pure and immutable, so any writer may run it again.
public struct StudySweep: Sendable {
    /// Every context of the study, ascending.
    public var contexts: [Int]
    public var series: [SweptSeries]

    public var pointCount: Int { contexts.count * series.count }

    /// Each series' estimates at every context, series by series (the study's order).
    public func forEach(_ body: (SweptSeries, Estimate) throws -> Void) rethrows {
        try forEach(points: 0..<pointCount, body)
    }

    /// The points in `points` of that order (point `i` is series `i / contexts.count` at context
    /// `i % contexts.count`): a piece of the sweep, so that pieces can be written on every core.
    public func forEach(points: Range<Int>, _ body: (SweptSeries, Estimate) throws -> Void) rethrows {
        guard !points.isEmpty else { return }
        try series.withUnsafeBufferPointer { series in
            var (index, offset) = points.lowerBound.quotientAndRemainder(dividingBy: contexts.count)
            var remaining = points.count
            while remaining > 0 {
                let end = min(contexts.count, offset + remaining)
                for context in contexts[offset..<end] { try body(series[index], series[index].estimate(context: context)) }
                remaining -= end - offset
                (index, offset) = (index + 1, 0)
            }
        }
    }

    /// Every context with each series' estimate there (a row per context, a column per series).
    public func forEachContext(_ body: (Int, [Estimate]) throws -> Void) rethrows {
        try forEachContext(in: 0..<contexts.count, body)
    }

    /// The same for the contexts at `indices` (a piece of the rows).
    public func forEachContext(in indices: Range<Int>, _ body: (Int, [Estimate]) throws -> Void) rethrows {
        var estimates: [Estimate] = []
        estimates.reserveCapacity(series.count)
        try series.withUnsafeBufferPointer { series in
            for context in contexts[indices] {
                estimates.removeAll(keepingCapacity: true)
                for entry in series.indices { estimates.append(series[entry].estimate(context: context)) }
                try body(context, estimates)
            }
        }
    }
}

/// Which contexts of a study the document lays out. A study of up to `pointLimit` points and
/// `contextLimit` contexts shows them all. A larger one is shown at an even spread of its
/// contexts (so that its series hold about `pointLimit` points, at most `contextLimit` each),
/// together with the contexts the study names (the baseline, a cell's `at:`) and, in each series,
/// the two contexts on either side of every change a sentence or a chart marks — the regime,
/// whether a session fits, beyond the model's maximum, attention outgrowing the linear layers,
/// prefill needing chunks — so a finding such as "from 1.2M tokens on not one session fits" names
/// the exact context. The tables and charts lay out those points; the CSV and JSON downloads
/// stream every point (`StudySweep`).
enum LaidOutContexts {
    static let pointLimit = 20_000
    static let contextLimit = 1_000
    /// At most this many contexts are added for changes (a study whose figures change at every
    /// context is shown at its spread plus the first of them).
    static let changeLimit = 1_000

    static func indices(of study: Study, _ series: [SweptSeries]) -> [Int] {
        let count = study.contexts.count
        guard count > contextLimit || count * series.count > pointLimit else { return Array(0..<count) }
        let perSeries = min(contextLimit, max(2, pointLimit / max(1, series.count)))
        var picked = Set((0..<perSeries).map { $0 * (count - 1) / (perSeries - 1) })
        for context in named(study) {
            if let index = firstIndex(of: context, in: study.contexts) { picked.insert(index) }
        }
        var changes = Set<Int>()
        for entry in series where changes.count < changeLimit {
            var previous: Signature?
            for (index, context) in study.contexts.enumerated() {
                let signature = Signature(entry.estimator.estimate(context: context))
                if let previous, previous != signature {
                    changes.insert(index - 1)
                    changes.insert(index)
                    if changes.count >= changeLimit { break }
                }
                previous = signature
            }
        }
        return picked.union(changes).sorted()
    }

    /// The contexts a study names: its baseline and the `at:` of its chart and table cells.
    static func named(_ study: Study) -> [Int] {
        [study.baseline.context] + study.cells.compactMap { cell in
            switch cell {
            case .chart(let chart): chart.at
            case .table(let table): table.at
            default: nil
            }
        }
    }

    /// Binary search in ascending contexts.
    static func firstIndex(of context: Int, in contexts: [Int]) -> Int? {
        var low = 0, high = contexts.count
        while low < high {
            let middle = (low + high) / 2
            if contexts[middle] < context { low = middle + 1 } else { high = middle }
        }
        return low < contexts.count && contexts[low] == context ? low : nil
    }

    /// What the report's sentences and marks depend on at one point.
    struct Signature: Equatable {
        var regime: Regime
        var beyondMaxContext: Bool
        var sessionFits: Bool
        var attentionOutgrowsLinear: Bool
        var prefillFitsUnchunked: Bool
        var speculativePaysOff: Bool

        init(_ e: Estimate) {
            regime = e.regime
            beyondMaxContext = e.beyondMaxContext
            sessionFits = e.concurrency > 0
            attentionOutgrowsLinear = e.prefillAttentionFLOPs > e.prefillLinearFLOPs
            prefillFitsUnchunked = e.prefillFitsUnchunked
            speculativePaysOff = (e.speculative?.speedup ?? 0) > 1
        }
    }
}
