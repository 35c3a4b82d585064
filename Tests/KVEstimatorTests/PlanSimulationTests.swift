import Foundation
import KVTestSupport
import Testing
@testable import KVEstimator

/// The planner's queueing approximation (`ReplicaModel`) against a seeded discrete-event simulation
/// of the same replica (issue 14): Poisson arrivals; a FCFS queue of prompts; every iteration one
/// chunk of the head prompt beside one decode step of every running session, timed by the same
/// `iterationSeconds` with the sessions' own contexts (not the batch's mean); a session decodes for
/// `m − 1` iterations after the one that ends its prefill. The simulation has none of the model's
/// approximations — the batch is whatever it is at each iteration, the wait is whatever the queue
/// makes it — so the differences measure them. (HBM capacity is not simulated: the planner's
/// memory constraint is a bound it places on top.)
@Suite("Plan: simulation check of the queueing approximation")
struct PlanSimulationTests {
    struct Configuration: CustomStringConvertible {
        var model: Model
        var hardware: Hardware
        var workload: PlanWorkload
        var chunk: Int
        var utilization: Double

        var description: String {
            let prompts = workload.prompts.map { "\($0.tokens)×\(Int(($0.share * 100).rounded()))%" }.joined(separator: "+")
            let outputs = workload.outputs.map { "\($0.tokens)×\(Int(($0.share * 100).rounded()))%" }.joined(separator: "+")
            return "\(model.name) on \(hardware.gpus)× \(hardware.name), prompts \(prompts), outputs \(outputs), chunk \(chunk), ρ ≈ \(utilization)"
        }
    }

    struct Measured {
        var ttftMean: [Double]
        var ttftP99: [Double]
        var tpotMean: Double
        var tpotP99: Double
    }

    /// The q-quantile of samples, by rank.
    static func quantile(_ samples: [Double], _ q: Double) -> Double {
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
    }

    /// Simulates `requests` arrivals at λ (the first 5% warm the replica up and are not measured).
    static func simulate(_ estimator: Estimator, _ workload: PlanWorkload, chunk: Int, lambda: Double, requests: Int, seed: UInt64) -> Measured {
        var random = SplitMix64(seed: seed)
        func draw<T>(_ classes: [T], _ share: (T) -> Double) -> Int {
            var u = random.uniform()
            for (index, item) in classes.enumerated() {
                u -= share(item)
                if u <= 0 { return index }
            }
            return classes.count - 1
        }
        // The Llama models attend globally, so KV bytes and attention FLOPs are affine in the
        // context and the batch's sums follow from the sum of contexts.
        let kv0 = estimator.heldKVBytes(tokens: 0), kvSlope = estimator.heldKVBytes(tokens: 1) - kv0
        let attention0 = estimator.decodeAttentionFLOPs(context: 0), attentionSlope = estimator.decodeAttentionFLOPs(context: 1) - attention0

        struct Request { var arrival: Double; var prompt: Int; var output: Int; var promptClass: Int; var measured: Bool }
        var queue: [Request] = [], head = 0, prefilled = 0
        var sessions = 0.0, contexts = 0.0
        var finishing: [Int: (count: Double, contexts: Double)] = [:]
        var ttft = [[Double]](repeating: [], count: workload.prompts.count)
        // Token-weighted gaps on a log histogram: 4,000 bins from 10 µs to 1,000 s (0.46% wide).
        let bins = 4000, low = log(1e-5), width = (log(1e3) - low) / Double(bins)
        var gaps = [Double](repeating: 0, count: bins + 1)
        var gapSum = 0.0, gapTokens = 0.0

        var clock = 0.0, iteration = 0, arrived = 0
        var nextArrival = -log(random.uniform()) / lambda
        let warmUp = requests / 20
        var measuring = false
        while arrived < requests || head < queue.count {
            while nextArrival <= clock, arrived < requests {
                let p = draw(workload.prompts, \.share), o = draw(workload.outputs, \.share)
                queue.append(Request(arrival: nextArrival, prompt: workload.prompts[p].tokens, output: workload.outputs[o].tokens,
                                     promptClass: p, measured: arrived >= warmUp))
                if arrived == warmUp { measuring = true }
                arrived += 1
                nextArrival += -log(random.uniform()) / lambda
            }
            if head == queue.count, sessions == 0 {
                clock = nextArrival
                continue
            }
            var start = 0, end = 0, completes = false
            if head < queue.count {
                start = prefilled
                end = min(queue[head].prompt, start + chunk)
                completes = end == queue[head].prompt
            }
            let seconds = estimator.iterationSeconds(
                chunkStart: start, chunkEnd: end, completesPrompt: completes, decodeSessions: sessions,
                decodeKVBytes: kv0 * sessions + kvSlope * contexts, decodeAttentionFLOPs: attention0 * sessions + attentionSlope * contexts)
            clock += seconds
            iteration += 1
            if sessions > 0, measuring {
                gaps[min(bins, max(0, Int((log(seconds) - low) / width)))] += sessions
                gapSum += seconds * sessions
                gapTokens += sessions
            }
            contexts += sessions
            if let done = finishing.removeValue(forKey: iteration) {
                sessions -= done.count
                contexts -= done.contexts
            }
            if head < queue.count {
                prefilled = end
                if completes {
                    let request = queue[head]
                    if request.measured { ttft[request.promptClass].append(clock - request.arrival) }
                    head += 1
                    prefilled = 0
                    if request.output > 1 {
                        sessions += 1
                        contexts += Double(request.prompt)
                        let last = iteration + request.output - 1
                        let entry = finishing[last] ?? (0, 0)
                        finishing[last] = (entry.count + 1, entry.contexts + Double(request.prompt + request.output - 1))
                    }
                }
            }
            if head > 4096 {  // drop served requests
                queue.removeFirst(head)
                head = 0
            }
        }
        var seen = 0.0, bin = 0
        while bin < bins {
            seen += gaps[bin]
            if seen >= 0.99 * gapTokens { break }
            bin += 1
        }
        return Measured(
            ttftMean: ttft.map { $0.reduce(0, +) / Double($0.count) }, ttftP99: ttft.map { quantile($0, 0.99) },
            tpotMean: gapSum / gapTokens, tpotP99: exp(low + (Double(bin) + 0.5) * width))
    }

    /// Twenty random replicas: Llama-3.1-8B on 1 or 2 GPUs or 70B on 4 or 8, on A100, H100 or H200,
    /// two or three prompt classes (a short bulk, a long tail of 2–15%), one or two output classes,
    /// chunks of 512–2048 tokens, loaded to a prefill utilisation between 0.15 and 0.7.
    static let configurations: [Configuration] = {
        var random = SplitMix64(seed: 14)
        func pick<T>(_ items: [T]) -> T { items[min(items.count - 1, Int(random.uniform() * Double(items.count)))] }
        func between(_ a: Double, _ b: Double) -> Double { a + (b - a) * random.uniform() }
        var result: [Configuration] = []
        for _ in 0..<20 {
            let large = random.uniform() < 0.35
            var hardware = pick([Fixtures.a100, Fixtures.h100HGX, Fixtures.h200HGX])
            hardware.interconnectBytesPerSecond = 600e9
            hardware.gpus = large ? pick([4, 8]) : pick([1, 2])
            let model = large ? Fixtures.llama31_70b : Fixtures.llama31_8b
            let tail = between(0.02, 0.15)
            var prompts = [PromptClass(tokens: Int(between(200, 4000)), share: 1 - tail), PromptClass(tokens: Int(between(8000, 48000)), share: tail)]
            if random.uniform() < 0.5 {
                let middle = between(0.1, 0.3)
                prompts[0].share -= middle
                prompts.insert(PromptClass(tokens: Int(between(4000, 8000)), share: middle), at: 1)
            }
            var outputs = [LengthShare(tokens: Int(between(32, 600)), share: 1)]
            if random.uniform() < 0.5 {
                outputs[0].share = 0.7
                outputs.append(LengthShare(tokens: Int(between(600, 1200)), share: 0.3))
            }
            let workload = PlanWorkload(arrivalsPerSecond: 1, prompts: prompts, outputs: outputs,
                                        targets: PlanTargets(ttftP99Seconds: 1, tpotP99Seconds: 1))
            result.append(Configuration(model: model, hardware: hardware, workload: workload, chunk: pick([512, 1024, 2048]),
                                        utilization: (between(0.15, 0.7) * 100).rounded() / 100))
        }
        return result
    }()

    /// The arrival rate at which the model's prefill utilisation is ρ (bisection; ρ grows with λ).
    static func rate(for utilization: Double, _ replica: ReplicaModel) -> Double {
        var low = 0.0, high = 1.0
        while replica.load(arrivalsPerSecond: high).prefillUtilization < utilization, replica.load(arrivalsPerSecond: high).stable { high *= 2 }
        for _ in 0..<60 {
            let mid = (low + high) / 2
            let load = replica.load(arrivalsPerSecond: mid)
            if load.stable, load.prefillUtilization < utilization { low = mid } else { high = mid }
        }
        return low
    }

    /// Every prompt class's TTFT mean within 10% and p99 within 20%, and the p99 gap between tokens
    /// (what `tpot_p99` targets) within 10%. The worst of the twenty seen: TTFT mean 9%, TTFT p99
    /// 15% (at ρ ≈ 0.18, where the exponential tail is least accurate, as `PrefillQueue` notes),
    /// p99 gap 5%. The mean gap is only checked within 20%: the model reads it as `1/rate` with
    /// the prefill busy a fraction ρ of a session's time, but sessions are born at prefill
    /// completions, so the batch is larger while prompts are being prefilled and a token waits on
    /// a chunk more often than ρ says (the model's mean is up to 18% low; it is reported, not planned on).
    @Test(arguments: Array(configurations.indices))
    func modelMatchesTheSimulation(index: Int) throws {
        let configuration = Self.configurations[index]
        let estimator = try Fixtures.estimator(configuration.model, configuration.hardware)
        let replica = ReplicaModel(estimator: estimator, workload: configuration.workload, chunkTokens: configuration.chunk)
        let lambda = Self.rate(for: configuration.utilization, replica)
        let load = replica.load(arrivalsPerSecond: lambda)
        try #require(load.stable, "\(configuration)")
        let measured = Self.simulate(estimator, configuration.workload, chunk: configuration.chunk, lambda: lambda,
                                     requests: 30_000, seed: UInt64(100 + index))
        for (i, model) in load.classes.enumerated() {
            let meanError = measured.ttftMean[i] / model.ttftMeanSeconds - 1
            let p99Error = measured.ttftP99[i] / model.ttftP99Seconds - 1
            #expect(abs(meanError) < 0.10, "\(configuration): class \(model.promptTokens) TTFT mean \(model.ttftMeanSeconds) s, simulated \(measured.ttftMean[i]) s")
            #expect(abs(p99Error) < 0.20, "\(configuration): class \(model.promptTokens) TTFT p99 \(model.ttftP99Seconds) s, simulated \(measured.ttftP99[i]) s")
        }
        #expect(abs(measured.tpotMean / load.tpotMeanSeconds - 1) < 0.20, "\(configuration): TPOT mean \(load.tpotMeanSeconds) s, simulated \(measured.tpotMean) s")
        #expect(abs(measured.tpotP99 / load.tpotP99Seconds - 1) < 0.10, "\(configuration): TPOT p99 \(load.tpotP99Seconds) s, simulated \(measured.tpotP99) s")

    }
}
