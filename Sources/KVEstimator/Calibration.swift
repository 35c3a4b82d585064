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
    }

    public struct Fit: Sendable {
        public var efficiency: Efficiency
        public var fitted: [Factor]
        /// Factors left at 1, with the reason.
        public var notFitted: [(factor: Factor, reason: String)]
        /// Mean absolute relative error with the hardware's peak figures and after the fit.
        public var mapeBefore: Double
        public var mapeAfter: Double
    }

    /// The estimator's prediction of one observation on `hardware` (whose efficiency is used as given).
    public static func predict(_ observation: Observation, on hardware: Hardware, mode: Mode = .calibrated) throws(EstimatorInputError) -> Double {
        let estimator = try Estimator(Scenario(model: observation.model, hardware: hardware, workload: observation.workload, mode: mode))
        let context = Double(observation.context)
        switch observation.phase {
        case .prefill: return estimator.prefillTime(tokens: context).seconds
        case .decodeStep: return estimator.decodeStepTime(batch: Double(observation.batch), context: context).seconds
        case .contextSwitch: return estimator.contextSwitchSeconds(tokens: context) * Double(max(1, observation.batch))
        }
    }

    /// `(predicted − measured) / measured`, the signed error `kvplan validate` reports.
    public static func error(predicted: Double, measured: Double) -> Double { (predicted - measured) / measured }

    public static func mape(_ errors: [Double]) -> Double {
        errors.isEmpty ? 0 : errors.reduce(0) { $0 + abs($1) } / Double(errors.count)
    }

    /// Fits the factors of `hardware` to `observations` (all measured on that hardware): only the
    /// factors the rows determine, by least squares on ln(predicted / measured).
    public static func fit(_ observations: [Observation], on hardware: Hardware) throws(EstimatorInputError) -> Fit {
        let factors = FreeFactors(observations)
        func residuals(_ theta: [Double]) throws(EstimatorInputError) -> [Double] {
            var calibrated = hardware
            calibrated.efficiency = factors.efficiency(theta)
            var result: [Double] = []
            for observation in observations {
                result.append(log(try predict(observation, on: calibrated) / observation.seconds))
            }
            return result
        }
        let theta = try levenbergMarquardt(start: [Double](repeating: log(0.6), count: factors.free.count), residuals: residuals)
        let fitted = factors.efficiency(theta)
        return Fit(efficiency: fitted, fitted: factors.free, notFitted: factors.notFitted.map { (factor: $0.0, reason: $0.1) },
                   mapeBefore: mape(try errors(observations, on: hardware, with: .peak)),
                   mapeAfter: mape(try errors(observations, on: hardware, with: fitted)))
    }

    /// Which factors the observations determine, and why the others are left at 1.
    struct FreeFactors {
        var free: [Factor] = []
        var notFitted: [(Factor, String)] = []
        /// Prefill at one context cannot tell attention from the linear layers: they share a factor.
        var tieAttentionToMatmul = false

        init(_ observations: [Observation]) {
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
        }

        /// The factors for log-parameters `theta` (one per free factor), clamped to (0, 1].
        func efficiency(_ theta: [Double]) -> Efficiency {
            var result = Efficiency()
            for (factor, value) in zip(free, theta) {
                let e = min(1, max(1e-4, exp(value)))
                switch factor {
                case .matmul: result.matmul = e
                case .attention: result.attention = e
                case .memory: result.memory = e
                case .link: result.link = e
                }
            }
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
                    improved = gain > 1e-15
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
    public subscript(factor: Calibration.Factor) -> Double {
        switch factor {
        case .matmul: matmul
        case .attention: attention
        case .memory: memory
        case .link: link
        }
    }
}
