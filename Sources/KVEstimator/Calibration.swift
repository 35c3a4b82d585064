#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fitting efficiency factors to measured latencies (SPEC §3, calibrated mode; issue 5).
///
/// Each measurement is predicted by the estimator in calibrated mode with candidate factors; the
/// factors minimise Σ (ln predicted − ln measured)², i.e. relative error, symmetric in over- and
/// under-prediction. Levenberg–Marquardt on θ = ln e with e clamped to (0, 1]. Only the factors the
/// data can determine are fitted — prefill rows at two or more contexts separate `matmul` from
/// `attention`, decode rows give `memory`, context-switch rows give `link` — the rest stay at 1.
/// The per-layer decode `kernelOverhead` (issue 16) is fitted only where one model's decode steps
/// at two or more batch × context points separate it from `memory`, and only when it lowers the
/// leave-one-model-out error; `Bootstrap` gives every fitted factor its interval.
public enum Calibration {
    public enum Phase: String, Sendable, Equatable, CaseIterable {
        case prefill
        case decodeStep = "decode_step"
        case contextSwitch = "context_switch"
    }

    /// One measured latency of a model on the hardware being calibrated.
    public struct Observation: Sendable {
        public var model: Model
        public var workload: Workload
        public var phase: Phase
        public var batch: Int
        public var context: Int
        public var seconds: Double

        public init(model: Model, workload: Workload = Workload(), phase: Phase, batch: Int, context: Int, seconds: Double) {
            self.model = model
            self.workload = workload
            self.phase = phase
            self.batch = batch
            self.context = context
            self.seconds = seconds
        }
    }

    public enum Factor: String, Sendable, CaseIterable {
        case matmul, attention, memory, link
        /// Seconds per layer added to every decode step (`Efficiency.kernelOverheadSecondsPerLayer`).
        case kernelOverhead = "kernel_overhead"

        /// What a fitted value is a property of, and so where it may be carried (issue 16). Kernel
        /// launch and synchronisation cost and how much of the tensor cores' peak a GEMM or a flash
        /// kernel reaches are properties of the chip generation and its software (an H100 and an H200
        /// are the same GH100 die, 989 TFLOP/s bf16 dense, and run the same kernels); the share of
        /// HBM bandwidth a decode step reaches, and of the host link, depend on the part's memory
        /// system (HBM3 3.35 TB/s vs HBM3e 4.8 TB/s) and the machine it sits in.
        public var scope: Scope {
            switch self {
            case .matmul, .attention, .kernelOverhead: .generation
            case .memory, .link: .part
            }
        }

        /// The factor's value in `efficiency`.
        public func value(in efficiency: Efficiency) -> Double {
            switch self {
            case .matmul: efficiency.matmul
            case .attention: efficiency.attention
            case .memory: efficiency.memory
            case .link: efficiency.link
            case .kernelOverhead: efficiency.kernelOverheadSecondsPerLayer
            }
        }

        func set(_ value: Double, in efficiency: inout Efficiency) {
            switch self {
            case .matmul: efficiency.matmul = value
            case .attention: efficiency.attention = value
            case .memory: efficiency.memory = value
            case .link: efficiency.link = value
            case .kernelOverhead: efficiency.kernelOverheadSecondsPerLayer = value
            }
        }

        /// The fitted parameter θ of a value: ln e for a fraction e ∈ (0, 1], ln(τ / 1 ms) for the
        /// overhead τ (so θ ≤ 0 keeps it at most 1 ms per layer).
        func value(theta: Double) -> Double {
            switch self {
            case .kernelOverhead: 1e-3 * exp(theta) < 1e-10 ? 0 : 1e-3 * exp(theta)  // below 0.1 ns: none
            default: min(1, max(1e-4, exp(theta)))
            }
        }

        var startTheta: Double { self == .kernelOverhead ? log(0.005) : log(0.6) }
    }

    public enum Scope: String, Sendable {
        case generation, part
    }

    public struct Fit: Sendable {
        public var efficiency: Efficiency
        public var fitted: [Factor]
        /// Factors left at 1 (the overhead at 0), with the reason.
        public var notFitted: [(factor: Factor, reason: String)]
        /// Mean absolute relative error with the hardware's peak figures and after the fit.
        public var mapeBefore: Double
        public var mapeAfter: Double
        /// The same factors refitted to rows resampled with replacement (`Bootstrap`), for intervals.
        public var replicates: [Efficiency] = []
        /// Every row predicted by factors fitted to the other models' rows, without and with the
        /// kernel overhead; nil when the rows hold one model.
        public var heldOut: HeldOut?
    }

    /// Leave-one-model-out errors (signed, one per row): what a user should expect on a model the
    /// calibration did not see. The kernel overhead is fitted only when it lowers their MAPE.
    public struct HeldOut: Sendable {
        public var withoutOverhead: [(observation: Observation, error: Double)]
        /// Nil when the rows cannot determine the overhead.
        public var withOverhead: [(observation: Observation, error: Double)]?
        /// Whether the fit keeps the overhead: it lowers the held-out error and its bootstrap
        /// interval excludes 0 (set by `fit`).
        public var keepsOverhead: Bool

        init(withoutOverhead: [(observation: Observation, error: Double)], withOverhead: [(observation: Observation, error: Double)]?) {
            self.withoutOverhead = withoutOverhead
            self.withOverhead = withOverhead
            keepsOverhead = false
            keepsOverhead = lowersError
        }

        /// The overhead lowers the leave-one-model-out MAPE.
        public var lowersError: Bool {
            guard let withOverhead else { return false }
            return mape(withOverhead.map(\.error)) < mape(withoutOverhead.map(\.error))
        }

        /// The rows of the calibration `fit` makes: with the overhead when it is kept.
        public var chosen: [(observation: Observation, error: Double)] {
            keepsOverhead ? withOverhead ?? withoutOverhead : withoutOverhead
        }
    }

    /// The estimator's prediction of one observation on `hardware` (whose efficiency is used as given).
    public static func predict(_ observation: Observation, on hardware: Hardware, mode: Mode = .calibrated) throws(EstimatorInputError) -> Double {
        predict(observation, by: try Estimator(Scenario(model: observation.model, hardware: hardware, workload: observation.workload, mode: mode)))
    }

    /// Each observation's estimator on `hardware` (at peak, to be `recalibrated`): built once per
    /// fit instead of once per trial of the factors.
    static func estimators(_ observations: [Observation], on hardware: Hardware) throws(EstimatorInputError) -> [Estimator] {
        var peak = hardware
        peak.efficiency = .peak
        var result: [Estimator] = []
        result.reserveCapacity(observations.count)
        for observation in observations {
            result.append(try Estimator(Scenario(model: observation.model, hardware: peak, workload: observation.workload, mode: .calibrated)))
        }
        return result
    }

    /// The observations' predictions with `efficiency`, from their `estimators` (re-rated in place).
    static func predictions(_ observations: [Observation], _ estimators: inout [Estimator], with efficiency: Efficiency) throws(EstimatorInputError) -> [Double] {
        if !observations.isEmpty { try efficiency.validate() }  // as each row's estimator would
        var result: [Double] = []
        result.reserveCapacity(observations.count)
        for index in observations.indices {
            // In place, and without a throw inside: reading the array's elements, or a throwing
            // mutation of one, copies the ≈ 2 KB estimator.
            let (phase, batch, context) = (observations[index].phase, observations[index].batch, observations[index].context)
            result.append(estimators[index].reratedPhaseSeconds(efficiency, phase, batch: batch, context: context))
        }
        return result
    }

    /// `ln(predicted / measured)` of each observation.
    static func logRatios(_ predicted: [Double], _ observations: [Observation]) -> [Double] {
        var result = predicted
        for index in observations.indices { result[index] = log(predicted[index] / observations[index].seconds) }
        return result
    }

    /// One observation's prediction by an estimator built for it.
    static func predict(_ observation: Observation, by estimator: Estimator) -> Double {
        estimator.measuredPhaseSeconds(observation.phase, batch: observation.batch, context: observation.context)
    }

    /// `(predicted − measured) / measured`, the signed error `kvplan validate` reports.
    public static func error(predicted: Double, measured: Double) -> Double { (predicted - measured) / measured }

    public static func mape(_ errors: [Double]) -> Double {
        errors.isEmpty ? 0 : errors.reduce(0) { $0 + abs($1) } / Double(errors.count)
    }

    /// Fits the factors of `hardware` to `observations` (all measured on that hardware): only the
    /// factors the rows determine, by least squares on ln(predicted / measured); the kernel
    /// overhead only where it lowers the leave-one-model-out error. `replicates` bootstrap refits
    /// give the intervals (0: none).
    ///
    /// The overhead is kept only when both hold: it lowers the held-out error, and its 95% bootstrap
    /// interval excludes 0 — an interval reaching 0 says the rows cannot tell it from the memory
    /// factor, and its spread would then widen every decode figure for nothing. The interval test
    /// always resamples (`Bootstrap.replicates`), so the decision does not depend on `replicates`.
    public static func fit(_ observations: [Observation], on hardware: Hardware, replicates: Int = Bootstrap.replicates) throws(EstimatorInputError) -> Fit {
        var factors = try FreeFactors(observations, overhead: false).determined(by: observations, on: hardware)
        let undetermined = FreeFactors.overheadUndetermined(observations)
        var heldOut: HeldOut?
        let without = try leaveOneModelOut(observations, on: hardware, overhead: false)
        if !without.isEmpty {
            heldOut = HeldOut(withoutOverhead: without,
                              withOverhead: undetermined == nil ? try leaveOneModelOut(observations, on: hardware, overhead: true) : nil)
        }
        var bootstrapped: (theta: [Double], replicates: [Efficiency])?
        if let undetermined {
            factors.notFitted.append((.kernelOverhead, undetermined))
        } else if let held = heldOut, let with = held.withOverhead {
            let (withText, withoutText) = percentTexts(mape(with.map(\.error)), mape(without.map(\.error)))
            let errorText = "leave-one-model-out MAPE (\(withText) with it, \(withoutText) without)"
            if held.lowersError {
                let withOverhead = try FreeFactors(observations, overhead: true).determined(by: observations, on: hardware)
                let theta = try solve(observations, on: hardware, factors: withOverhead)
                let refits = try Bootstrap.refits(observations, on: hardware, factors: withOverhead, from: theta, count: Bootstrap.replicates)
                let interval = Bootstrap.interval(refits.map(\.kernelOverheadSecondsPerLayer))
                if interval.lowerBound > 0 {
                    factors = withOverhead
                    bootstrapped = (theta, refits)
                } else {
                    let high = (interval.upperBound * 1e7).rounded() / 10
                    factors.notFitted.append((.kernelOverhead, "its 95% bootstrap interval, 0–\(high) µs/layer, includes 0, so the rows cannot tell it from the memory factor, though it lowers the \(errorText)"))
                    heldOut?.keepsOverhead = false
                }
            } else {
                factors.notFitted.append((.kernelOverhead, "it does not lower the \(errorText)"))
            }
        }
        let theta: [Double]
        if let bootstrapped { theta = bootstrapped.theta } else { theta = try solve(observations, on: hardware, factors: factors) }
        let fitted = factors.efficiency(theta)
        var fit = Fit(efficiency: fitted, fitted: factors.free, notFitted: factors.notFitted.map { (factor: $0.0, reason: $0.1) },
                      mapeBefore: mape(try errors(observations, on: hardware, with: .peak)),
                      mapeAfter: mape(try errors(observations, on: hardware, with: fitted)))
        fit.heldOut = heldOut
        if replicates > 0, !factors.free.isEmpty {
            if let bootstrapped, replicates == Bootstrap.replicates {
                fit.replicates = bootstrapped.replicates
            } else {
                fit.replicates = try Bootstrap.refits(observations, on: hardware, factors: factors, from: theta, count: replicates)
            }
        }
        return fit
    }

    /// The parameters θ (one per free factor) that minimise Σ ln(predicted / measured)².
    /// `estimators`, when given, are the observations' (`estimators(_:on:)`), built already.
    static func solve(_ observations: [Observation], on hardware: Hardware, factors: FreeFactors, start: [Double]? = nil,
                      estimators built: [Estimator]? = nil) throws(EstimatorInputError) -> [Double] {
        var estimators: [Estimator]
        if let built { estimators = built } else { estimators = try Calibration.estimators(observations, on: hardware) }
        func residuals(_ theta: [Double]) throws(EstimatorInputError) -> [Double] {
            logRatios(try predictions(observations, &estimators, with: factors.efficiency(theta)), observations)
        }
        return try levenbergMarquardt(start: start ?? factors.free.map(\.startTheta), residuals: residuals)
    }

    /// Each row's signed error when its model is left out of the fit: the factors are fitted to
    /// the other models' rows (the overhead too when `overhead`) and predict the held-out model's.
    /// Empty when the rows hold fewer than two models.
    public static func leaveOneModelOut(_ observations: [Observation], on hardware: Hardware, overhead: Bool) throws(EstimatorInputError) -> [(observation: Observation, error: Double)] {
        var names: [String] = []
        for observation in observations where !names.contains(observation.model.name) { names.append(observation.model.name) }
        guard names.count > 1 else { return [] }
        var result: [(observation: Observation, error: Double)] = []
        for name in names {
            let training = observations.filter { $0.model.name != name }
            let factors = try FreeFactors(training, overhead: overhead && FreeFactors.decodeShapesUndetermined(training) == nil).determined(by: training, on: hardware)
            var calibrated = hardware
            calibrated.efficiency = factors.efficiency(try solve(training, on: hardware, factors: factors))
            for observation in observations where observation.model.name == name {
                result.append((observation, error(predicted: try predict(observation, on: calibrated), measured: observation.seconds)))
            }
        }
        return result
    }

    /// A fraction as a percentage with `decimals` decimals (`0.05123` → `5.12%`).
    static func percentText(_ fraction: Double, decimals: Int = 2) -> String {
        let scale = Int(pow(10, Double(decimals)))
        let units = Int((fraction * 100 * Double(scale)).rounded())
        let digits = String(units % scale)
        return "\(units / scale).\(String(repeating: "0", count: decimals - digits.count) + digits)%"
    }

    /// Two fractions as percentages with enough decimals to tell them apart (two, up to four).
    static func percentTexts(_ a: Double, _ b: Double) -> (String, String) {
        let decimals = (2...4).first { percentText(a, decimals: $0) != percentText(b, decimals: $0) } ?? 4
        return (percentText(a, decimals: decimals), percentText(b, decimals: decimals))
    }

    /// Which factors the observations determine, and why the others are left at 1.
    struct FreeFactors {
        var free: [Factor] = []
        var notFitted: [(Factor, String)] = []
        /// Prefill at one context cannot tell attention from the linear layers: they share a factor.
        var tieAttentionToMatmul = false

        init(_ observations: [Observation], overhead: Bool) {
            let prefillContexts = Set(observations.filter { $0.phase == .prefill }.map(\.context))
            let decodeRows = observations.filter { $0.phase == .decodeStep }.count
            let switchRows = observations.filter { $0.phase == .contextSwitch }.count
            switch prefillContexts.count {
            case 0:
                if decodeRows > 0 { free.append(.matmul) } else { notFitted.append((.matmul, "no prefill or decode rows")) }
                notFitted.append((.attention, "no prefill rows"))
            case 1:
                free.append(.matmul)
                tieAttentionToMatmul = true
                notFitted.append((.attention, "prefill rows at one context only: attention cannot be told from the linear layers, so it shares the matmul factor"))
            default:
                free += [.matmul, .attention]
            }
            if decodeRows > 0 { free.append(.memory) } else { notFitted.append((.memory, "no decode_step rows")) }
            if switchRows > 0 { free.append(.link) } else { notFitted.append((.link, "no context_switch rows")) }
            if overhead { free.append(.kernelOverhead) }
        }

        /// These factors less those no row's prediction depends on (decode steps memory-bound
        /// whatever `matmul` is), each moved to `notFitted` with the reason: a factor the residuals
        /// do not move would stay at its start value and read as fitted.
        func determined(by observations: [Observation], on hardware: Hardware) throws(EstimatorInputError) -> FreeFactors {
            let start = free.map(\.startTheta)
            var estimators = try Calibration.estimators(observations, on: hardware)
            func predictions(_ theta: [Double]) throws(EstimatorInputError) -> [Double] {
                try Calibration.predictions(observations, &estimators, with: efficiency(theta))
            }
            let base = try predictions(start)
            var result = self
            for (index, factor) in free.enumerated() {
                var moved = start
                moved[index] -= 0.5
                let shifted = try predictions(moved)
                guard !zip(base, shifted).contains(where: { abs($1 - $0) > 1e-9 * abs($0) }) else { continue }
                result.free.removeAll { $0 == factor }
                result.notFitted.append((factor, factor == .matmul && !observations.contains { $0.phase == .prefill }
                    ? "no row depends on it: every measured decode step is limited by memory bandwidth, not compute, and there are no prefill rows"
                    : "no row's prediction depends on it"))
            }
            return result
        }

        /// Why the rows cannot determine a per-layer decode overhead beside the memory factor, or
        /// nil when they can: a model's step time is (weights + KV(c))/(e·B) + L·τ, so τ needs one
        /// model's decode steps at two or more different KV sizes (the intercept), and the
        /// leave-one-model-out test that decides whether to keep it needs two models.
        static func overheadUndetermined(_ observations: [Observation]) -> String? {
            if let reason = decodeShapesUndetermined(observations) { return reason }
            guard Set(observations.map(\.model.name)).count >= 2 else {
                return "one model only: whether it helps on a model the fit did not see cannot be tested"
            }
            return nil
        }

        /// Why the rows' decode steps cannot separate τ from the memory factor, or nil.
        static func decodeShapesUndetermined(_ observations: [Observation]) -> String? {
            var shapes: [String: Set<[Int]>] = [:]
            for row in observations where row.phase == .decodeStep { shapes[row.model.name, default: []].insert([row.batch, row.context]) }
            return shapes.values.contains(where: { $0.count >= 2 }) ? nil : "no model has decode_step rows at two batch × context points"
        }

        /// The factors for log-parameters `theta` (one per free factor).
        func efficiency(_ theta: [Double]) -> Efficiency {
            var result = Efficiency()
            for (factor, value) in zip(free, theta) { factor.set(factor.value(theta: value), in: &result) }
            if tieAttentionToMatmul { result.attention = result.matmul }
            return result
        }
    }

    /// Each observation's relative error with `efficiency` on `hardware`.
    static func errors(_ observations: [Observation], on hardware: Hardware, with efficiency: Efficiency) throws(EstimatorInputError) -> [Double] {
        var calibrated = hardware
        calibrated.efficiency = efficiency
        var result: [Double] = []
        for observation in observations {
            result.append(error(predicted: try predict(observation, on: calibrated), measured: observation.seconds))
        }
        return result
    }

    /// Levenberg–Marquardt with a forward-difference Jacobian, for a handful of parameters kept ≤ 0
    /// (factors ≤ 1): the parameters that minimise the sum of squared residuals.
    static func levenbergMarquardt(
        start: [Double], residuals: ([Double]) throws(EstimatorInputError) -> [Double]
    ) throws(EstimatorInputError) -> [Double] {
        var theta = start
        var r = try residuals(theta)
        var cost = r.reduce(0) { $0 + $1 * $1 }
        var lambda = 1e-3
        for _ in 0..<200 where !theta.isEmpty {
            var jacobian: [[Double]] = []
            for index in theta.indices {
                var step = theta
                step[index] += 1e-6
                let shifted = try residuals(step)
                jacobian.append(zip(shifted, r).map { ($0 - $1) / 1e-6 })
            }
            let (a, g) = normalEquations(jacobian, r)
            var improved = false
            for _ in 0..<20 {
                var damped = a
                for i in 0..<theta.count { damped[i][i] += lambda * max(a[i][i], 1e-12) }
                guard let delta = solve(damped, g.map { -$0 }) else { lambda *= 10; continue }
                let candidate = zip(theta, delta).map { min(0, $0 + $1) }  // e ≤ 1
                let candidateResiduals = try residuals(candidate)
                let candidateCost = candidateResiduals.reduce(0) { $0 + $1 * $1 }
                if candidateCost < cost {
                    let gain = cost - candidateCost
                    theta = candidate
                    r = candidateResiduals
                    cost = candidateCost
                    lambda = max(lambda / 10, 1e-12)
                    improved = gain > max(1e-15, cost * 1e-9)  // relative: stop once a step gains under a part in 10⁹
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return theta
    }

    /// JᵀJ and Jᵀr, with the Jacobian stored one row per parameter.
    static func normalEquations(_ jacobian: [[Double]], _ r: [Double]) -> (a: [[Double]], g: [Double]) {
        let n = jacobian.count
        var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var g = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n { a[i][j] = zip(jacobian[i], jacobian[j]).reduce(0) { $0 + $1.0 * $1.1 } }
            g[i] = zip(jacobian[i], r).reduce(0) { $0 + $1.0 * $1.1 }
        }
        return (a, g)
    }

    /// Gaussian elimination with partial pivoting; nil when singular.
    static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double]? {
        var a = matrix, b = vector
        let n = b.count
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(a[$0][column]) < abs(a[$1][column]) }), abs(a[pivot][column]) > 1e-300 else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n where row < n {
                let factor = a[row][column] / a[column][column]
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            let sum = ((row + 1)..<n).reduce(0.0) { $0 + a[row][$1] * x[$1] }
            x[row] = (b[row] - sum) / a[row][row]
        }
        return x
    }
}

extension Efficiency {
    /// One factor by name.
    public subscript(factor: Calibration.Factor) -> Double { factor.value(in: self) }
}

extension Calibration {
    /// A calibration carried to another part of the same chip generation (issue 16): the
    /// generation's terms (`Factor.scope == .generation`: matmul, attention, kernel overhead) are
    /// taken from `source` as they are; the part's terms (memory, link) are fitted to the target's
    /// own `observations` where they determine them, and otherwise carried too (with the reason).
    public static func carry(_ source: Efficiency, to observations: [Observation], on hardware: Hardware) throws(EstimatorInputError) -> Carried {
        var target = hardware
        target.efficiency = source
        let all = FreeFactors(observations, overhead: false)
        var part = FreeFactors(observations, overhead: false)
        part.free = all.free.filter { $0.scope == .part }
        part.tieAttentionToMatmul = false
        part.notFitted = Factor.allCases.filter { $0.scope == .part && !part.free.contains($0) }.map { factor in
            (factor, "carried from the source calibration: " + (all.notFitted.first { $0.0 == factor }?.1 ?? "not determined here"))
        }
        func efficiency(_ theta: [Double]) -> Efficiency {
            var result = source
            for (factor, value) in zip(part.free, theta) { factor.set(factor.value(theta: value), in: &result) }
            return result
        }
        var estimators = try Calibration.estimators(observations, on: hardware)
        func residuals(_ theta: [Double]) throws(EstimatorInputError) -> [Double] {
            Calibration.logRatios(try Calibration.predictions(observations, &estimators, with: efficiency(theta)), observations)
        }
        let theta = try levenbergMarquardt(start: part.free.map(\.startTheta), residuals: residuals)
        let carried = efficiency(theta)
        return Carried(efficiency: carried, fitted: part.free, notFitted: part.notFitted.map { (factor: $0.0, reason: $0.1) },
                       everyTermCarried: try errors(observations, on: hardware, with: source),
                       partTermsFitted: try errors(observations, on: hardware, with: carried))
    }

    /// A calibration carried to another part: the factors used and each row's signed error.
    public struct Carried: Sendable {
        public var efficiency: Efficiency
        /// The part's terms fitted to the target's rows.
        public var fitted: [Factor]
        public var notFitted: [(factor: Factor, reason: String)]
        /// Every source term as it is, the part's too: the error with no measurement of the target.
        public var everyTermCarried: [Double]
        /// The generation's terms carried, the part's fitted to the target's rows.
        public var partTermsFitted: [Double]
    }
}

extension Estimator {
    /// What one measured row's phase takes by this estimator: a prefill of `context` tokens, a
    /// decode step of `batch` sessions at `context`, or `batch` context switches at `context`.
    func measuredPhaseSeconds(_ phase: Calibration.Phase, batch: Int, context: Int) -> Double {
        let tokens = Double(context)
        switch phase {
        case .prefill: return prefillTime(tokens: tokens).seconds
        case .decodeStep: return decodeStepTime(batch: Double(batch), context: tokens).seconds
        case .contextSwitch: return contextSwitchSeconds(tokens: tokens) * Double(max(1, batch))
        }
    }

    /// `measuredPhaseSeconds` after `rerate(efficiency)` (factors already validated), in place.
    mutating func reratedPhaseSeconds(_ efficiency: Efficiency, _ phase: Calibration.Phase, batch: Int, context: Int) -> Double {
        rerate(efficiency)
        return measuredPhaseSeconds(phase, batch: batch, context: context)
    }
}
