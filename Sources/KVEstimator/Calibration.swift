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

    /// Fits the factors of `hardware` to `observations` (all measured on that hardware).
    public static func fit(_ observations: [Observation], on hardware: Hardware) throws(EstimatorInputError) -> Fit {
        let prefillContexts = Set(observations.filter { $0.phase == .prefill }.map(\.context))
        let decodeRows = observations.filter { $0.phase == .decodeStep }.count
        let switchRows = observations.filter { $0.phase == .contextSwitch }.count
        var free: [Factor] = []
        var notFitted: [(Factor, String)] = []
        var tieAttentionToMatmul = false
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
        func residuals(_ theta: [Double]) throws(EstimatorInputError) -> [Double] {
            var calibrated = hardware
            calibrated.efficiency = efficiency(theta)
            var result: [Double] = []
            for observation in observations {
                result.append(log(try predict(observation, on: calibrated) / observation.seconds))
            }
            return result
        }

        var peakHardware = hardware
        peakHardware.efficiency = .peak
        var before: [Double] = []
        for observation in observations {
            before.append(error(predicted: try predict(observation, on: peakHardware), measured: observation.seconds))
        }

        // Levenberg–Marquardt with a forward-difference Jacobian; a handful of parameters.
        var theta = [Double](repeating: log(0.6), count: free.count)
        var r = try residuals(theta)
        var cost = r.reduce(0) { $0 + $1 * $1 }
        var lambda = 1e-3
        for _ in 0..<200 where !free.isEmpty {
            var jacobian: [[Double]] = []
            for index in theta.indices {
                var step = theta
                step[index] += 1e-6
                let shifted = try residuals(step)
                jacobian.append(zip(shifted, r).map { ($0 - $1) / 1e-6 })
            }
            let n = theta.count
            var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            var g = [Double](repeating: 0, count: n)
            for i in 0..<n {
                for j in 0..<n { a[i][j] = zip(jacobian[i], jacobian[j]).reduce(0) { $0 + $1.0 * $1.1 } }
                g[i] = zip(jacobian[i], r).reduce(0) { $0 + $1.0 * $1.1 }
            }
            var improved = false
            for _ in 0..<20 {
                var damped = a
                for i in 0..<n { damped[i][i] += lambda * max(a[i][i], 1e-12) }
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

        let fitted = efficiency(theta)
        var calibrated = hardware
        calibrated.efficiency = fitted
        var after: [Double] = []
        for observation in observations {
            after.append(error(predicted: try predict(observation, on: calibrated), measured: observation.seconds))
        }
        return Fit(efficiency: fitted, fitted: free, notFitted: notFitted.map { (factor: $0.0, reason: $0.1) },
                   mapeBefore: mape(before), mapeAfter: mape(after))
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
