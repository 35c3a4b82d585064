#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One replica under load (issue 14): continuous batching with chunked prefill, each iteration one
/// chunk of the prompt at the head of the queue beside one decode step of every running session
/// (`iterationSeconds`). Built once per candidate (the part that does not depend on the arrival
/// rate); `verdict(arrivalsPerSecond:targets:)` then answers in O(classes · log chunks), without
/// allocating, whether the replica meets the targets at a rate.
///
/// **The queueing approximation** (checked against a seeded discrete-event simulation of the same
/// replica in PlanSimulationTests):
/// 1. *Decode batch.* A request decodes for `m − 1` iterations after the one that ends its prefill.
///    A session sees mixed iterations at the rate `λ·E[K]` (K = ⌈n/c⌉ chunks per prompt) while the
///    prefill queue is busy and decode-only iterations of `τ_d(b)` otherwise, so by Little's law
///    the mean batch solves `b = λ·(E[m] − 1) / (λ·E[K] + (1 − ρ(b))/τ_d(b))`, a fixed point reached
///    from b = 0 by iteration (the right side grows with b; no fixed point is overload).
/// 2. *Prefill queue: M/G/1 over the whole iterations.* A prompt of class i holds the queue's head
///    for its K_i iterations, each a chunk beside the decode batch of mean size b, so its service
///    time `S_i(b) = Σ_k τ_k(b)` counts the decode work of those iterations too (the sharing
///    model's `PrefillQueue` counts prefill only, so its ρ < 1 did not mean the replica is
///    stable). Each τ_k is a maximum of two lines in b, so S_i is piecewise linear in b and is
///    precomputed as sorted breakpoints. ρ = λ·E[S] < 1 is stability.
/// 3. *Waiting time.* Pollaczek–Khinchine's mean `E[W] = λ·E[S²] / (2(1 − ρ))` and the
///    Cramér–Lundberg tail `P(W > t) ≈ C·e^{−γt}`, γ the positive root of `λ(E[e^{γS}] − 1) = γ`
///    and `C = (1 − ρ)/(λ·E[S·e^{γS}] − 1)` (Asmussen, Applied Probability and Queues, XIII.5;
///    Abate, Choudhury & Whitt 1995, Oper. Res. 43(5)), with the exact atom `P(W = 0) = 1 − ρ`: the
///    q-quantile is 0 when ρ ≤ 1 − q and `ln(C/(1 − q))/γ` otherwise. Under FCFS a request's wait
///    does not depend on its own class (PASTA), so class i's TTFT is `W + S_i(b)` plus the rest of
///    a decode-only iteration an arrival finds running, whose mean `(1 − ρ)(1 − e^{−b})·τ_d/2` is
///    added to every quantile.
/// 4. *Inter-token latency.* A fraction `q = λ·E[K] / (λ·E[K] + (1 − ρ)/τ_d)` of the iterations a
///    session sees carry a chunk, chunk k of class i with probability `p_i / E[K]`; below q = 1%
///    the p99 gap is the decode-only step, above it the `1 − 0.01/q` quantile of the chunk
///    iterations' times (ranked once at b = 0).
/// 5. *Memory.* The sessions decoding at once are M/G/∞-like, Poisson with mean b, so the KV of
///    `b + 2.33·√b + 1` sessions at the batch's mean context plus the prompt being prefilled must
///    fit the free HBM; one session of the longest prompt and output must fit at all.
///
/// Against the simulation (20 random replicas of Llama-3.1-8B/70B on 1–8 A100/H100/H200 GPUs, 2–3
/// prompt classes, chunks of 512–2048, prefill utilisation 0.15–0.7) the worst errors are 9% on
/// the TTFT mean, 15% on the TTFT p99 (at ρ ≈ 0.18, where the exponential tail is least
/// accurate) and 5% on the p99 gap between tokens. The mean gap is up to 18% low: sessions are
/// born at prefill completions, so the batch is larger while prompts are prefilled than step 1's
/// independence assumes; it is reported, not planned on. FCFS with one prompt prefilled at a time
/// is vLLM's and SGLang's default order; a short prompt waits behind a long one's chunks (engines
/// that prefill several prompts at once, vLLM's `max_num_partial_prefills`, do better on TTFT).
public final class ReplicaModel: Sendable {
    public let estimator: Estimator
    public let chunkTokens: Int
    let promptShares: [Double]
    let promptTokens: [Int]
    let ttftP99Targets: [Double]
    /// Whether `ttft_p50` holds for the class (not for one with its own TTFT p99 target).
    let ttftP50Applies: [Bool]
    let targetP50: Double?
    /// `E[K]`, chunks per prompt.
    let meanChunks: Double
    /// `E[m] − 1`, decode iterations per request.
    let meanDecodeIterations: Double
    /// Per decoding session at the batch's mean context: KV bytes over all ranks, attention FLOPs.
    public let decodeKVBytesPerSession: Double
    let decodeAttentionFLOPsPerSession: Double
    /// `∂τ/∂b` of a chunk iteration on its memory and compute lines, and of its communication.
    let memorySlope: Double, computeSlope: Double, communicationPerToken: Double
    /// A decode-only iteration's fixed parts: replicated weights (seconds of HBM), communication
    /// latency; the weights it reads depend on the batch only for a mixture of experts.
    let replicatedWeightsSeconds: Double, communicationBase: Double
    let hasExperts: Bool
    let denseWeightsReadSeconds: Double
    /// Breakpoints of each class's `S_i(b)`: `curveStart[i] ..< curveStart[i + 1]` in the arrays.
    let curveStart: [Int]
    let curveBase: [(intercept: Double, slope: Double)]
    let breakpoints: [Double]
    let cumulativeIntercept: [Double]
    let cumulativeSlope: [Double]
    /// Every chunk iteration, slowest (at b = 0) first: the probability of a chunk at least this
    /// slow, and its memory and compute intercepts and communication.
    let chunkTail: [Double]
    let chunkLines: [(memory: Double, compute: Double, communication: Double)]
    /// HBM left for KV caches; one session of the longest prompt and output; the prompt prefilling.
    public let availableKVBytes: Double
    public let longestSessionBytes: Double
    let prefillingBytes: Double

    /// z for the 99th percentile of a normal, the Poisson batch's margin.
    static let poissonMargin = 2.326

    public init(estimator base: Estimator, workload: PlanWorkload, chunkTokens: Int) {
        let estimator = base.decoding(prompt: Int(workload.meanPromptTokens.rounded()))
        self.estimator = estimator
        let chunk = max(1, chunkTokens)
        self.chunkTokens = chunk
        promptShares = workload.prompts.map(\.share)
        promptTokens = workload.prompts.map(\.tokens)
        ttftP99Targets = workload.prompts.map(workload.ttftP99Target)
        ttftP50Applies = workload.prompts.map { $0.ttftP99Seconds == nil }
        targetP50 = workload.targets.ttftP50Seconds
        meanChunks = workload.prompts.reduce(0) { $0 + $1.share * (Double($1.tokens) / Double(chunk)).rounded(.up) }
        meanDecodeIterations = max(0, workload.meanOutputTokens - 1)

        // The decode batch's mean context: sessions weighted by the iterations they decode.
        var weighted = 0.0, weights = 0.0
        for prompt in workload.prompts {
            for output in workload.outputs {
                let iterations = Double(output.tokens - 1)
                weighted += prompt.share * output.share * iterations * (Double(prompt.tokens) + Double(output.tokens) / 2)
                weights += prompt.share * output.share * iterations
            }
        }
        let context = weights > 0 ? weighted / weights : workload.meanPromptTokens
        decodeKVBytesPerSession = estimator.heldKVBytes(tokens: context)
        decodeAttentionFLOPsPerSession = estimator.decodeAttentionFLOPs(context: context)
        memorySlope = decodeKVBytesPerSession / estimator.memoryBytesPerSecond
        computeSlope = estimator.decodeLinearFLOPs(batch: 1) / estimator.matmulFLOPsPerSecond
            + decodeAttentionFLOPsPerSession / estimator.attentionFLOPsPerSecond
        let communicationBase = estimator.gpus > 1 ? estimator.communication(tokens: 0).seconds : 0
        self.communicationBase = communicationBase
        communicationPerToken = estimator.gpus > 1 ? estimator.communication(tokens: 1).seconds - communicationBase : 0
        replicatedWeightsSeconds = estimator.replicatedWeightsBytes / estimator.memoryBytesPerSecond
        hasExperts = estimator.parameters.routedExperts > 0
        denseWeightsReadSeconds = estimator.weightsReadBytes(batch: 1) / estimator.memoryBytesPerSecond

        var curveStart = [0], curveBase: [(intercept: Double, slope: Double)] = []
        var breakpoints: [Double] = [], cumulativeIntercept: [Double] = [], cumulativeSlope: [Double] = []
        var chunks: [(probability: Double, time: Double, memory: Double, compute: Double, communication: Double)] = []
        for prompt in workload.prompts {
            var intercept = 0.0, slope = 0.0
            var switches: [(at: Double, intercept: Double, slope: Double)] = []
            var start = 0
            let n = prompt.tokens
            while start < n {
                let end = min(n, start + chunk)
                // The chunk alone (b = 0) on each line; each decode session adds memorySlope or computeSlope.
                let prefix = start > 0 ? estimator.heldKVBytes(tokens: Double(start)) : 0
                let memory = (estimator.weightsBytes + estimator.replicatedWeightsBytes + prefix) / estimator.memoryBytesPerSecond
                var linear = 2 * estimator.parameters.activeNonEmbedding * Double(end - start)
                if end == n { linear += estimator.logitFLOPsPerToken }
                let attention = estimator.prefillAttentionFLOPs(tokens: Double(end)) - estimator.prefillAttentionFLOPs(tokens: Double(start))
                let compute = linear / estimator.matmulFLOPsPerSecond + attention / estimator.attentionFLOPsPerSecond
                let communication = communicationBase + communicationPerToken * Double(end - start)
                intercept += communication
                slope += communicationPerToken
                // Which line is above at b = 0, and where (if ever) the other overtakes it.
                let (lowIntercept, lowSlope, highIntercept, highSlope) = memory > compute || (memory == compute && memorySlope >= computeSlope)
                    ? (memory, memorySlope, compute, computeSlope) : (compute, computeSlope, memory, memorySlope)
                intercept += lowIntercept
                slope += lowSlope
                if highSlope > lowSlope {
                    switches.append(((lowIntercept - highIntercept) / (highSlope - lowSlope), highIntercept - lowIntercept, highSlope - lowSlope))
                }
                chunks.append((prompt.share, memory > compute ? memory : compute, memory, compute, communication))
                start = end
            }
            switches.sort { $0.at < $1.at }
            var sumIntercept = 0.0, sumSlope = 0.0
            for change in switches {
                sumIntercept += change.intercept
                sumSlope += change.slope
                breakpoints.append(change.at)
                cumulativeIntercept.append(sumIntercept)
                cumulativeSlope.append(sumSlope)
            }
            curveBase.append((intercept, slope))
            curveStart.append(breakpoints.count)
        }
        self.curveStart = curveStart
        self.curveBase = curveBase
        self.breakpoints = breakpoints
        self.cumulativeIntercept = cumulativeIntercept
        self.cumulativeSlope = cumulativeSlope

        chunks.sort { $0.time + $0.communication > $1.time + $1.communication }
        var tail: [Double] = [], running = 0.0
        let total = chunks.reduce(0) { $0 + $1.probability }
        for chunk in chunks {
            running += chunk.probability / total
            tail.append(running)
        }
        chunkTail = tail
        chunkLines = chunks.map { ($0.memory, $0.compute, $0.communication) }

        availableKVBytes = estimator.availableKVBytes
        longestSessionBytes = estimator.heldKVBytes(tokens: Double(workload.longestPromptTokens + workload.longestOutputTokens))
        prefillingBytes = estimator.heldKVBytes(tokens: Double(workload.longestPromptTokens))
    }

    // MARK: The pieces of the model

    /// `S_i(b)`: the iterations that prefill a prompt of class i beside a decode batch of b, seconds.
    @inline(__always) public func serviceSeconds(promptClass i: Int, decodeBatch b: Double) -> Double {
        let base = curveBase[i]
        var low = curveStart[i], high = curveStart[i + 1]
        let first = low
        while low < high {  // the breakpoints at or below b
            let mid = (low + high) / 2
            if breakpoints[mid] <= b { low = mid + 1 } else { high = mid }
        }
        var seconds = base.intercept + base.slope * b
        if low > first { seconds += cumulativeIntercept[low - 1] + cumulativeSlope[low - 1] * b }
        return seconds
    }

    /// `τ_d(b)`: a decode-only iteration of b sessions at the batch's mean context, seconds — the
    /// same as `iterationSeconds` without a chunk, from the constants precomputed here (the
    /// communication is affine in the tokens, so its two coefficients stand for it).
    @inline(__always) public func decodeIterationSeconds(decodeBatch b: Double) -> Double {
        let weights = hasExperts ? estimator.weightsReadBytes(batch: b) / estimator.memoryBytesPerSecond : denseWeightsReadSeconds
        let memory = weights + replicatedWeightsSeconds + b * memorySlope
        return max(memory, b * computeSlope) + communicationBase + communicationPerToken * b
    }

    /// The stationary state of the replica at one arrival rate (steps 1–2 of the approximation).
    struct State {
        var arrivalsPerSecond: Double
        var decodeBatch: Double
        var utilization: Double
        var meanService: Double
        var serviceSecondMoment: Double
        var decodeStepSeconds: Double
        /// Iterations per second a decoding session sees.
        var iterationRate: Double
        var stable: Bool
    }

    /// Solves steps 1–2 at λ, leaving `S_i(b)` of the final batch in `services`.
    func state(arrivalsPerSecond lambda: Double, services: UnsafeMutableBufferPointer<Double>) -> State {
        var b = 0.0
        var state = State(arrivalsPerSecond: lambda, decodeBatch: 0, utilization: 0, meanService: 0, serviceSecondMoment: 0,
                          decodeStepSeconds: 0, iterationRate: 0, stable: false)
        for _ in 0..<200 {
            var mean = 0.0, square = 0.0
            for i in 0..<services.count {
                let s = serviceSeconds(promptClass: i, decodeBatch: b)
                services[i] = s
                mean += promptShares[i] * s
                square += promptShares[i] * s * s
            }
            let rho = lambda * mean
            let step = decodeIterationSeconds(decodeBatch: max(b, 1))
            let rate = lambda * meanChunks + (1 - rho) / step
            state = State(arrivalsPerSecond: lambda, decodeBatch: b, utilization: rho, meanService: mean, serviceSecondMoment: square,
                          decodeStepSeconds: step, iterationRate: rate, stable: false)
            guard rho < 1 else { return state }
            let next = lambda * meanDecodeIterations / rate
            if abs(next - b) <= 1e-6 * max(1, next) {
                state.stable = true
                return state
            }
            guard next.isFinite, next < 1e9 else { return state }
            b = next
        }
        return state
    }

    /// `body` with a scratch buffer of one service time per prompt class (on the stack when small).
    @inline(__always) func withServices<T>(_ body: (UnsafeMutableBufferPointer<Double>) -> T) -> T {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: promptShares.count) { buffer in
            buffer.initialize(repeating: 0)
            return body(buffer)
        }
    }

    /// The γ and C of the wait's tail `P(W > t) ≈ C·e^{−γt}`. γ is the positive root of
    /// `λ(E[e^{γS}] − 1) = γ`, found as the root of the concave `F(γ) = ln(1 + γ/λ) − ln E[e^{γS}]`
    /// (F(0) = 0, F'(0) = 1/λ − E[S] > 0): Newton from the right of the root stays right of it
    /// and, the log-sum-exp being nearly linear far out, converges in a few steps without the
    /// overflow of e^{γS}. Start: below the heavy-traffic rate `2(1 − ρ)/(λ·E[S²])`
    /// (e^x ≥ 1 + x + x²/2) and `√(6/(λ·p_i·S_i³))` for every class (e^x − 1 ≥ x³/6), both at or
    /// beyond the root. `C = (1 − ρ)/(λ·E[S·e^{γS}] − 1)`.
    func waitTail(_ state: State, services: UnsafeMutableBufferPointer<Double>) -> (gamma: Double, constant: Double)? {
        let lambda = state.arrivalsPerSecond
        var gamma = 2 * (1 - state.utilization) / (lambda * state.serviceSecondMoment)
        var longest = 0.0
        for i in 0..<services.count where services[i] > 0 && promptShares[i] > 0 {
            let s = services[i]
            longest = max(longest, s)
            gamma = min(gamma, (6 / (lambda * promptShares[i] * s * s * s)).squareRoot())
        }
        guard gamma.isFinite, gamma > 0 else { return nil }
        var low = 0.0
        // F and F' at γ, with e^{γS} scaled by e^{−γ·S_max}.
        func evaluate(_ gamma: Double) -> (value: Double, slope: Double) {
            var moment = 0.0, weighted = 0.0
            for i in 0..<services.count {
                let e = exp(gamma * (services[i] - longest))
                moment += promptShares[i] * e
                weighted += promptShares[i] * services[i] * e
            }
            return (log1p(gamma / lambda) - (log(moment) + gamma * longest), 1 / (lambda + gamma) - weighted / moment)
        }
        for _ in 0..<60 {
            let (value, slope) = evaluate(gamma)
            if value > 0 { low = gamma }  // left of the root: only after rounding
            var next = slope < 0 ? gamma - value / slope : .nan
            if !(next > low && next.isFinite) { next = (low + gamma) / 2 }
            if abs(next - gamma) <= 1e-12 * gamma { gamma = next; break }
            gamma = next
        }
        var weighted = 0.0
        for i in 0..<services.count { weighted += promptShares[i] * services[i] * exp(gamma * services[i]) }
        let derivative = lambda * weighted - 1
        guard gamma > 0, derivative.isFinite, derivative > 0 else { return nil }
        return (gamma, (1 - state.utilization) / derivative)
    }

    /// The q-quantile of the stationary wait (step 3), seconds.
    func waitQuantile(_ q: Double, _ state: State, tail: (gamma: Double, constant: Double)?) -> Double {
        guard state.utilization > 1 - q else { return 0 }
        guard let tail else { return .infinity }
        return max(0, log(tail.constant / (1 - q)) / tail.gamma)
    }

    /// The mean rest of a decode-only iteration an arrival finds running (step 3), seconds.
    func residualSeconds(_ state: State) -> Double {
        (1 - state.utilization) * -expm1(-state.decodeBatch) * state.decodeStepSeconds / 2
    }

    /// The p99 inter-token latency (step 4), seconds.
    func interTokenP99(_ state: State) -> Double {
        let b = max(state.decodeBatch, 1)
        let mixed = state.arrivalsPerSecond * meanChunks / state.iterationRate
        guard mixed > 0.01, !chunkTail.isEmpty else { return state.decodeStepSeconds }
        let tail = 0.01 / mixed
        var low = 0, high = chunkTail.count - 1
        while low < high {  // the first chunk whose tail probability reaches `tail`
            let mid = (low + high) / 2
            if chunkTail[mid] >= tail { high = mid } else { low = mid + 1 }
        }
        let line = chunkLines[low]
        return max(line.memory + b * memorySlope, line.compute + b * computeSlope) + line.communication + b * communicationPerToken
    }

    /// KV bytes the replica needs at the batch's 99th percentile (step 5).
    func neededKVBytes(_ state: State) -> Double {
        let b = state.decodeBatch
        return (b + Self.poissonMargin * b.squareRoot() + 1) * decodeKVBytesPerSession + prefillingBytes
    }

    // MARK: Answers

    /// Whether the replica meets `targets` at λ requests per second, and its tightest constraint:
    /// each constraint's value over its limit, the largest reported (memory and an unstable queue
    /// are infinite). The hot path of the planner.
    public func verdict(arrivalsPerSecond lambda: Double, targets: PlanTargets) -> PlanVerdict {
        guard availableKVBytes > 0, longestSessionBytes <= availableKVBytes else {
            // How far the longest session is beyond the free HBM (so the closest candidate is the one with the most).
            return PlanVerdict(binding: .memory, ratio: availableKVBytes > 0 ? longestSessionBytes / availableKVBytes : .infinity)
        }
        return withServices { services in
            let state = state(arrivalsPerSecond: lambda, services: services)
            guard state.stable else { return PlanVerdict(binding: .throughput, ratio: .infinity) }
            var verdict = PlanVerdict(binding: .memory, ratio: neededKVBytes(state) / availableKVBytes)
            let tail = state.utilization > 0.01 ? waitTail(state, services: services) : nil
            let residual = residualSeconds(state)
            let wait99 = waitQuantile(0.99, state, tail: tail)
            for i in 0..<services.count {
                verdict.consider(.ttftP99, (wait99 + services[i] + residual) / ttftP99Targets[i], promptTokens: promptTokens[i])
            }
            if let p50 = targets.ttftP50Seconds {
                let wait50 = waitQuantile(0.5, state, tail: tail)
                for i in 0..<services.count where ttftP50Applies[i] {
                    verdict.consider(.ttftP50, (wait50 + services[i] + residual) / p50, promptTokens: promptTokens[i])
                }
            }
            verdict.consider(.tpotP99, interTokenP99(state) / targets.tpotP99Seconds)
            return verdict
        }
    }

    /// Every figure of the replica at λ requests per second (for the chosen replicas: allocates).
    public func load(arrivalsPerSecond lambda: Double) -> ReplicaLoad {
        let ttftP50Target = targetP50
        return withServices { services in
            let state = state(arrivalsPerSecond: lambda, services: services)
            var load = ReplicaLoad(
                arrivalsPerSecond: lambda, stable: state.stable, decodeBatch: state.decodeBatch, prefillUtilization: state.utilization,
                tpotMeanSeconds: state.iterationRate > 0 ? 1 / state.iterationRate : state.decodeStepSeconds,
                tpotP99Seconds: .infinity, neededKVBytes: neededKVBytes(state), availableKVBytes: availableKVBytes, classes: [])
            guard state.stable else { return load }
            load.tpotP99Seconds = interTokenP99(state)
            let tail = state.utilization > 0.01 ? waitTail(state, services: services) : nil
            let residual = residualSeconds(state)
            let meanWait = state.utilization > 0 ? lambda * state.serviceSecondMoment / (2 * (1 - state.utilization)) : 0
            let wait50 = waitQuantile(0.5, state, tail: tail), wait99 = waitQuantile(0.99, state, tail: tail)
            for i in 0..<services.count {
                let service = services[i]
                load.classes.append(ClassLatency(
                    promptTokens: promptTokens[i], share: promptShares[i], prefillSeconds: service,
                    ttftMeanSeconds: meanWait + service + residual, ttftP50Seconds: wait50 + service + residual,
                    ttftP99Seconds: wait99 + service + residual, ttftP99TargetSeconds: ttftP99Targets[i],
                    ttftP50TargetSeconds: ttftP50Applies[i] ? ttftP50Target : nil))
            }
            return load
        }
    }
}

/// What limits a deployment.
public enum PlanConstraint: String, Sendable, Equatable, CaseIterable {
    /// The KV caches of the sessions in flight do not fit the free HBM (or one session alone does not).
    case memory
    /// The replica cannot keep up: the prefill queue or the decode batch grows without bound.
    case throughput
    case ttftP99 = "ttft_p99"
    case ttftP50 = "ttft_p50"
    case tpotP99 = "tpot_p99"

    public var label: String {
        switch self {
        case .memory: "memory"
        case .throughput: "throughput"
        case .ttftP99: "TTFT p99"
        case .ttftP50: "TTFT p50"
        case .tpotP99: "TPOT p99"
        }
    }
}

/// The tightest constraint of a replica at a rate: its value over its limit (≤ 1 meets it).
public struct PlanVerdict: Sendable, Equatable {
    public var binding: PlanConstraint
    public var ratio: Double
    /// For a TTFT constraint, the prompt class (its tokens) that binds; nil otherwise.
    public var promptTokens: Int? = nil

    public var meets: Bool { ratio <= 1 }

    @inline(__always) mutating func consider(_ constraint: PlanConstraint, _ value: Double, promptTokens tokens: Int? = nil) {
        if value > ratio || value.isNaN { (binding, ratio, promptTokens) = (constraint, value.isNaN ? .infinity : value, tokens) }
    }
}

/// One replica's figures at one arrival rate.
public struct ReplicaLoad: Sendable, Equatable {
    public var arrivalsPerSecond: Double
    public var stable: Bool
    /// Mean sessions decoding at once, b.
    public var decodeBatch: Double
    /// Fraction of time the prefill queue is busy, ρ.
    public var prefillUtilization: Double
    /// Mean time between two output tokens, seconds.
    public var tpotMeanSeconds: Double
    /// 99th percentile of the time between two output tokens, seconds.
    public var tpotP99Seconds: Double
    public var neededKVBytes: Double
    public var availableKVBytes: Double
    public var classes: [ClassLatency]
}

/// Time to first token of one prompt class.
public struct ClassLatency: Sendable, Equatable {
    public var promptTokens: Int
    public var share: Double
    /// `S_i(b)`: the class's own prefill beside the decode batch, seconds.
    public var prefillSeconds: Double
    public var ttftMeanSeconds: Double
    public var ttftP50Seconds: Double
    public var ttftP99Seconds: Double
    public var ttftP99TargetSeconds: Double
    /// The median target the class is held to; nil when none (or it has its own p99 target).
    public var ttftP50TargetSeconds: Double?
}

