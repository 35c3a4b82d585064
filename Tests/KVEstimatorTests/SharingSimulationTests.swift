import Foundation
import KVTestSupport
import Testing
@testable import KVEstimator

/// The closed forms of the mixed-workload queue against a discrete-event simulation of it (issue 6:
/// mean within 5%, p99 within 15%): Poisson arrivals, one FCFS server, service the two prefill
/// times of the acceptance scenario (llama-3.1-8b on an H100: 2K and 128K tokens).
@Suite("Sharing the GPU: simulation")
struct SharingSimulationTests {
    struct Measured {
        var meanTTFTSeconds: Double
        var p99TTFTSeconds: Double
        var shortRequests: Int
    }

    /// Simulates `arrivals` requests and measures the short ones' TTFT (wait + own prefill). The p99
    /// comes from a histogram of 4,000 bins over [0, 4·expected), fine enough to resolve 0.1%.
    static func simulate(_ queue: PrefillQueue, arrivals: Int, seed: UInt64, expectedP99: Double) -> Measured {
        var random = SplitMix64(seed: seed)
        let bins = 4000, width = 4 * expectedP99 / Double(bins)
        var histogram = [Int](repeating: 0, count: bins + 1)  // the last bin: beyond the range
        var clock = 0.0, serverFreeAt = 0.0, total = 0.0, count = 0
        let warmUp = arrivals / 100
        for index in 0..<arrivals {
            clock -= log(random.uniform()) / queue.arrivalsPerSecond
            let isLong = random.uniform() <= queue.longFraction
            let start = max(clock, serverFreeAt)
            serverFreeAt = start + (isLong ? queue.longSeconds : queue.shortSeconds)
            guard !isLong, index >= warmUp else { continue }
            let ttft = serverFreeAt - clock
            total += ttft
            count += 1
            histogram[min(bins, Int(ttft / width))] += 1
        }
        let rank = Int((0.99 * Double(count)).rounded(.up))
        var seen = 0, bin = 0
        while bin < bins {
            seen += histogram[bin]
            if seen >= rank { break }
            bin += 1
        }
        return Measured(meanTTFTSeconds: total / Double(count), p99TTFTSeconds: Double(bin + 1) * width, shortRequests: count)
    }

    /// (long fraction, arrivals per second, seed): ρ ≈ 0.33, 0.52 and 0.80 (the last beyond eight
    /// long prefills at its p99, so it also checks the exponential extension of the tail).
    @Test(arguments: [(0.1, 0.5, 1 as UInt64), (0.05, 1.5, 2), (0.1, 1.2, 3)])
    func closedFormsMatchTheSimulation(longFraction: Double, rate: Double, seed: UInt64) throws {
        let mix = SharingWorkload(shortContextTokens: 2048, longFraction: longFraction, arrivalsPerSecond: rate)
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100, workload: Workload(sharing: mix))
        let sharing = try #require(estimator.sharing(context: 131_072))
        let mean = try #require(sharing.ttftShortMeanSeconds)
        let p99 = try #require(sharing.ttftShortP99Seconds)
        #expect(sharing.prefillUtilization > 0.3 && sharing.prefillUtilization < 0.85)

        let measured = Self.simulate(sharing.queue, arrivals: 4_000_000, seed: seed, expectedP99: p99)
        let meanError = measured.meanTTFTSeconds / mean - 1
        let p99Error = measured.p99TTFTSeconds / p99 - 1
        #expect(abs(meanError) < 0.05, "ρ = \(sharing.prefillUtilization): mean \(mean) s, simulated \(measured.meanTTFTSeconds) s")
        #expect(abs(p99Error) < 0.15, "ρ = \(sharing.prefillUtilization): p99 \(p99) s, simulated \(measured.p99TTFTSeconds) s")
    }
}
