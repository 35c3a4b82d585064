#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The prefill stage of a shared GPU as an M/G/1 FCFS queue (SPEC §3, "Sharing the GPU"; issue 6):
/// requests arrive as a Poisson process of rate λ, a fraction p of them long; each holds the GPU
/// for its unchunked prefill, so the service time S is `t_prefill(short)` with probability 1 − p and
/// `t_prefill(long)` with probability p.
///
/// A request's time to first token is its wait W plus its own prefill. Poisson arrivals see the
/// queue's time average (PASTA) and under FCFS a request's wait does not depend on its own length,
/// so a short request's TTFT is `W + t_prefill(short)` with W the queue's stationary wait.
public struct PrefillQueue: Sendable, Equatable {
    /// Prefill time of a short request, seconds.
    public var shortSeconds: Double
    /// Prefill time of a long request, seconds.
    public var longSeconds: Double
    /// Fraction p of requests that are long.
    public var longFraction: Double
    /// Arrival rate λ, requests per second.
    public var arrivalsPerSecond: Double

    public init(shortSeconds: Double, longSeconds: Double, longFraction: Double, arrivalsPerSecond: Double) {
        self.shortSeconds = shortSeconds
        self.longSeconds = longSeconds
        self.longFraction = longFraction
        self.arrivalsPerSecond = arrivalsPerSecond
    }

    /// `E[S] = (1 − p)·s_short + p·s_long`, seconds.
    public var meanServiceSeconds: Double { (1 - longFraction) * shortSeconds + longFraction * longSeconds }

    /// `E[S²]`, seconds².
    public var serviceSecondMoment: Double {
        (1 - longFraction) * shortSeconds * shortSeconds + longFraction * longSeconds * longSeconds
    }

    /// `ρ = λ·E[S]`: the fraction of time the GPU spends prefilling. ρ ≥ 1 is saturation.
    public var utilization: Double { arrivalsPerSecond * meanServiceSeconds }

    /// Whether the queue has a steady state (0 ≤ ρ < 1 and every input finite).
    public var isStable: Bool {
        let rho = utilization
        return rho.isFinite && rho >= 0 && rho < 1 && serviceSecondMoment.isFinite
    }

    /// Mean wait by Pollaczek–Khinchine, `W = λ·E[S²] / (2·(1 − ρ))`, seconds; nil on saturation.
    /// (Pollaczek 1930, Khinchine 1932; e.g. Kleinrock, Queueing Systems I, eq. 5.105.)
    public var meanWaitSeconds: Double? {
        guard isStable else { return nil }
        return arrivalsPerSecond * serviceSecondMoment / (2 * (1 - utilization))
    }

    /// The q-quantile of the stationary wait W (q in (0, 1), e.g. 0.99), seconds; nil on saturation.
    ///
    /// Not an approximation by a fitted shape but the M/G/1 waiting-time distribution itself,
    /// computed numerically. Its CDF F solves the defective renewal equation behind the
    /// Pollaczek–Khinchine (Beneš) series `F = (1 − ρ)·Σ ρᵏ·F_e^{*k}`:
    ///
    ///     F(t) = (1 − ρ) + λ·∫₀ᵗ F(t − x)·P(S > x) dx
    ///
    /// (Asmussen, Applied Probability and Queues, 2nd ed., VIII.5 and X.1). For the two-point S
    /// the kernel is a step, so with `G(t) = ∫₀ᵗ F` the equation is a delay equation,
    /// `F(t) = (1 − ρ) + λ·[(1 − p)·(G(t) − G(t − s_short)) + p·(G(t) − G(t − s_long))]`,
    /// marched with the implicit trapezoid rule on a grid that puts the longer service on a grid
    /// point (error O(h²); the implicit step is always well posed because its coefficient is at
    /// most ρ/2 + ρ/(2M) < 1). The march covers eight longer services; beyond, the tail is extended
    /// by its exact asymptotic decay `P(W > t) ∝ e^{−γt}`, γ the positive root of the Lundberg
    /// equation `λ·(E[e^{γS}] − 1) = γ` (Cramér–Lundberg; Abate, Choudhury & Whitt 1995, "Exponential
    /// approximations for tail probabilities in queues I", Oper. Res. 43(5)).
    ///
    /// Why not that exponential approximation alone, `P(W > t) ≈ C·e^{−γt}`: it is within 1–2% of a
    /// simulation from ρ ≈ 0.2 up, but off by about 10% at ρ ≈ 0.03–0.13, where the p99 falls inside
    /// the first long prefill and the tail is not yet exponential; the march is exact there too.
    /// Checked against Erlang's exact M/D/1 distribution (p = 0) to 1e-7 and against a simulation
    /// (SharingSimulationTests). Cost: at most `8·M` steps of a few flops with
    /// `M = clamp(⌈4·s_long/s_short⌉, 400, 32768)` — about 0.1 ms for 2K beside 128K, 3 ms at the cap —
    /// and one scratch buffer of M + 1 doubles (`withUnsafeTemporaryAllocation`: on the stack when
    /// it fits).
    public func waitQuantileSeconds(_ q: Double) -> Double? {
        guard isStable, q.isFinite, q > 0, q < 1 else { return nil }
        let lambda = arrivalsPerSecond, rho = utilization
        if 1 - rho >= q { return 0 }  // P(W = 0) = 1 − ρ

        // The two service times with positive probability, a ≤ b.
        var (a, b, pa, pb) = (shortSeconds, longSeconds, 1 - longFraction, longFraction)
        if a > b { (a, b, pa, pb) = (b, a, pb, pa) }
        if pb == 0 { b = a }
        if pa == 0 { a = b }
        guard a > 0, b.isFinite else { return nil }

        let steps = Int(min(32768, max(400, (4 * b / a).rounded(.up))))
        let h = b / Double(steps)
        let lagA = a / h  // the shorter delay in grid steps, ≤ steps
        let horizon = 8 * steps
        let denominatorBase = lambda * h / 2

        return withUnsafeTemporaryAllocation(of: Double.self, capacity: steps + 1) { ring -> Double? in
            ring.initialize(repeating: 0)
            // G at grid point j (0 for j ≤ 0, where the integral is empty).
            @inline(__always) func integral(_ j: Int) -> Double { j <= 0 ? 0 : ring[j % (steps + 1)] }

            var previousF = 1 - rho, previousG = 0.0
            for k in 1...horizon {
                let carried = previousG + h / 2 * previousF  // G_k = carried + (h/2)·F_k
                // G(t_k − a) = α + β·G_k by linear interpolation between grid points.
                let x = Double(k) - lagA
                var alpha = 0.0, beta = 0.0
                if x > 0 {
                    let i = Int(x.rounded(.down)), theta = x - Double(i)
                    if i >= k - 1 {
                        alpha = (1 - theta) * previousG
                        beta = theta
                    } else {
                        alpha = (1 - theta) * integral(i) + theta * integral(i + 1)
                    }
                }
                let delayedB = integral(k - steps)
                let numerator = (1 - rho) + lambda * (pa * ((1 - beta) * carried - alpha) + pb * (carried - delayedB))
                let f = numerator / (1 - denominatorBase * (pa * (1 - beta) + pb))
                let g = carried + h / 2 * f
                ring[k % (steps + 1)] = g
                let t = Double(k) * h
                if f >= q {
                    let rise = f - previousF
                    return rise > 0 ? t - h * (f - q) / rise : t
                }
                if k == horizon {
                    guard let gamma = lundbergRoot() else { return nil }
                    return t + log((1 - f) / (1 - q)) / gamma
                }
                previousF = f
                previousG = g
            }
            return nil
        }
    }

    /// The decay rate γ > 0 of the wait's tail, the positive root of `λ·(E[e^{γS}] − 1) = γ`.
    ///
    /// `φ(γ) = λ·((1 − p)·(e^{γa} − 1) + p·(e^{γb} − 1)) − γ` is convex with φ(0) = 0 and
    /// φ'(0) = ρ − 1 < 0, so the root is unique. Since e^x ≥ 1 + x + x²/2, φ lies above
    /// `(ρ − 1)·γ + λ·E[S²]·γ²/2`, whose root `2(1 − ρ)/(λ·E[S²])` (the heavy-traffic rate) is
    /// therefore at or beyond γ: bisection between 0 and it (doubled if rounding says otherwise).
    func lundbergRoot() -> Double? {
        let lambda = arrivalsPerSecond, p = longFraction
        func phi(_ gamma: Double) -> Double {
            lambda * ((1 - p) * expm1(gamma * shortSeconds) + p * expm1(gamma * longSeconds)) - gamma
        }
        var low = 0.0, high = 2 * (1 - utilization) / (lambda * serviceSecondMoment)
        guard high.isFinite, high > 0 else { return nil }
        for _ in 0..<64 where phi(high) < 0 { high *= 2 }
        for _ in 0..<200 where high - low > 1e-14 * high {
            let mid = (low + high) / 2
            if phi(mid) < 0 { low = mid } else { high = mid }  // an overflow to +∞ counts as ≥ 0
        }
        let gamma = (low + high) / 2
        return gamma.isFinite && gamma > 0 ? gamma : nil
    }
}
