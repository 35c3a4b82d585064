import Foundation
import KVTestSupport
import Testing
@testable import KVEstimator

/// Where the KV lives (issue 15): loading a returning session's KV from a tier against recomputing
/// it, the break-even context, prefix sharing, and Che's approximation of an LRU's hit rate.
@Suite("KV tiers")
struct KVTierTests {
    // MARK: Break-even by hand

    /// Llama-3.1-8B on one H100 SXM (peak, bf16), a returning turn of u = 128 new tokens, the load
    /// not overlapped (`overlap: none`). By hand:
    ///
    /// - KV per token k = 2·32 layers·8 KV heads·128·2 B = 131,072 B.
    /// - Weights W = 8,029,995,008 params · 2 B = 16.06 GB; reading them takes W/3.35 TB/s = 4.794 ms,
    ///   the floor of any prefill. The 128 new tokens compute in ≈ 1.8 ms + 68 ns·n, under that
    ///   floor for every n below 44K, so TTFT_tier(n) = k·n/bw + W/B_hbm.
    /// - Recomputing n + u tokens: (2·N·(n+u) + 2·d·V + 262,144·(n+u)²) / 989 TFLOP/s, with
    ///   N = 6,979,321,856 non-embedding parameters, 2·d·V = 1,050,673,152 logit FLOPs and
    ///   4·H·dh·L/2 = 262,144 attention FLOPs per token pair.
    /// - Loading wins from the root of a·n² + b·n + c = 0 with a = 262,144/F,
    ///   b = (2·262,144·u + 2N)/F − k/bw, c = (262,144·u² + 2N·u + 2dV)/F − W/B_hbm:
    ///   host DRAM over PCIe Gen5 (64 GB/s): 245 tokens; NVMe Gen4 (7 GB/s): 17,772 tokens;
    ///   NVMe Gen5 (13 GB/s): 697 tokens; RDMA 400 Gb/s (50 GB/s, under the 64 GB/s link): 257 tokens.
    @Test(arguments: [
        ("host-dram", nil, 64e9, 245),
        ("nvme-gen4", 7e9, 7e9, 17_772),
        ("nvme-gen5", 13e9, 13e9, 697),
        ("rdma-400g", 50e9, 50e9, 257),
    ] as [(String, Double?, Double, Int)])
    func breakEvenOfLlama31_8BOnH100ByHand(tier name: String, read: Double?, effective bw: Double, tokens: Int) throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        let tier = KVTier(name: name, readBytesPerSecond: read)
        let (f, u, k) = (989e12, 128.0, 131_072.0)
        let (n, logits, w, hbm) = (6_979_321_856.0, 1_050_673_152.0, 16_059_990_016.0, 3350e9)
        let a = 262_144 / f
        let b = (2 * 262_144 * u + 2 * n) / f - k / bw
        let c = (262_144 * u * u + 2 * n * u + logits) / f - w / hbm
        let root = (-b + (b * b - 4 * a * c).squareRoot()) / (2 * a)
        #expect(Int(root.rounded(.up)) == tokens, "hand root \(root)")
        #expect(estimator.tierReadBytesPerSecond(tier) == bw)
        #expect(estimator.breakEvenContext(for: tier, newTokens: 128, overlap: .none, limit: 131_072) == tokens)
        // Just below it recomputing is faster; at it, loading.
        #expect(!estimator.returningTTFT(from: tier, cached: tokens - 1, newTokens: 128, overlap: .none).loadingWins)
        #expect(estimator.returningTTFT(from: tier, cached: tokens, newTokens: 128, overlap: .none).loadingWins)
    }

    /// Offload helps one model and hurts another: Llama-2-7B (32 KV heads, 512 KiB a token) on an
    /// A100 loads a token from a Gen4 NVMe in 74.9 µs but recomputes it in ≈ 42 µs plus attention;
    /// loading would only win from ≈ 40K tokens, beyond its 4K maximum. Llama-3.1-8B (8 KV heads)
    /// wins from a few thousand tokens on the same drive and GPU.
    @Test func loadingNeverWinsForAnMHAModelOnASlowDrive() throws {
        let drive = KVTier(name: "nvme-gen4", readBytesPerSecond: 7e9)
        let mha = try Fixtures.estimator(Fixtures.llama2_7b, Fixtures.a100)
        #expect(mha.breakEvenContext(for: drive, newTokens: 128, overlap: .none, limit: 4096) == nil)
        let gqa = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.a100)
        let breakEven = try #require(gqa.breakEvenContext(for: drive, newTokens: 128, overlap: .none, limit: 131_072))
        #expect(breakEven < 8192)
    }

    /// Layer-wise overlap: a pipeline of L stages exposes one layer's load and one layer's compute.
    @Test func layerwiseOverlapHidesTheShorterStream() throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        let tier = KVTier(name: "nvme-gen5", readBytesPerSecond: 13e9)
        let bulk = estimator.returningTTFT(from: tier, cached: 32_768, newTokens: 1024, overlap: .none)
        let layered = estimator.returningTTFT(from: tier, cached: 32_768, newTokens: 1024, overlap: .layerwise)
        let (load, new) = (bulk.loadSeconds, bulk.newTokensSeconds)
        #expect(close(bulk.ttftSeconds, load + new))
        #expect(close(layered.ttftSeconds, load / 32 + 31 * max(load, new) / 32 + new / 32))
        #expect(layered.ttftSeconds < bulk.ttftSeconds)
        #expect(layered.ttftSeconds >= max(load, new))
    }

    /// The break-even is where loading stays ahead: with a long turn hiding a short load, loading
    /// wins at the shortest contexts, loses in between, and wins again for long ones.
    @Test func breakEvenIsWhereLoadingStaysAhead() throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        let drive = KVTier(name: "nvme-gen4", readBytesPerSecond: 7e9)
        let breakEven = try #require(estimator.breakEvenContext(for: drive, newTokens: 1024, overlap: .layerwise, limit: 131_072))
        #expect(estimator.returningTTFT(from: drive, cached: 1, newTokens: 1024, overlap: .layerwise).loadingWins)
        #expect(!estimator.returningTTFT(from: drive, cached: breakEven - 1, newTokens: 1024, overlap: .layerwise).loadingWins)
        for n in stride(from: breakEven, through: 131_072, by: 997) {
            #expect(estimator.returningTTFT(from: drive, cached: n, newTokens: 1024, overlap: .layerwise).loadingWins)
        }
    }

    // MARK: Prefix reuse

    /// A 32K prefix shared by sessions of 64K on an H100: each session holds 32K of its own.
    @Test func sharedPrefixIsHeldOnce() throws {
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        let reuse = estimator.prefixReuse(prefix: 32_768, context: 65_536)
        let k = 131_072.0
        let available = estimator.availableKVBytes
        #expect(reuse.concurrency == Int(((available - 32_768 * k) / (32_768 * k)).rounded(.down)))
        #expect(reuse.concurrencyUnshared == Int((available / (65_536 * k)).rounded(.down)))
        #expect(reuse.concurrency > reuse.concurrencyUnshared)
        #expect(close(reuse.prefillSecondsSaved, estimator.prefillTime(tokens: 65_536).seconds - estimator.prefillTime(newTokens: 32_768, after: 32_768).seconds))
        // The suffix attends to the prefix: saving is less than the prefix's own prefill plus the suffix's alone.
        #expect(reuse.prefillSecondsSaved < estimator.prefillTime(tokens: 65_536).seconds - estimator.prefillTime(tokens: 32_768).seconds + 1e-9)
    }

    // MARK: Che's approximation against a seeded LRU simulation

    /// An LRU cache of `capacity` bytes over objects of given sizes, each requested as a Poisson
    /// stream of its rate: the fraction of requests that find their object, after a warm-up.
    static func simulateLRU(_ objects: [(bytes: Double, rate: Double)], capacity: Double, requests: Int, seed: UInt64) -> Double {
        var random = SplitMix64(seed: seed)
        // Next request time of each object (exponential gaps), and a recency list.
        var next = objects.map { -log(random.uniform()) / $0.rate }
        var recency: [Int] = []   // least recent first
        var cached = Set<Int>()
        var used = 0.0, hits = 0, counted = 0
        for step in 0..<requests {
            var object = 0
            for index in next.indices where next[index] < next[object] { object = index }
            next[object] += -log(random.uniform()) / objects[object].rate
            let warm = step >= requests / 5
            if cached.contains(object) {
                if warm { hits += 1 }
                recency.remove(at: recency.firstIndex(of: object)!)
                recency.append(object)
            } else if objects[object].bytes <= capacity {
                while used + objects[object].bytes > capacity, let oldest = recency.first {
                    recency.removeFirst()
                    cached.remove(oldest)
                    used -= objects[oldest].bytes
                }
                recency.append(object)
                cached.insert(object)
                used += objects[object].bytes
            }
            if warm { counted += 1 }
        }
        return Double(hits) / Double(counted)
    }

    /// 24 random cases: 20–120 objects, sizes from 1 to 8 units, rates spread over a factor of 20
    /// (Zipf-like or uniform), capacities from 5% to 90% of all bytes.
    @Test(arguments: 1...24)
    func cheMatchesASeededLRUSimulation(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) &* 7919)
        let count = 20 + Int(random.uniform() * 100)
        let skew = random.uniform() < 0.5 ? 0.0 : random.uniform() * 1.2
        let objects = (0..<count).map { index in
            (bytes: 1 + (random.uniform() * 7).rounded(.down), rate: pow(Double(index + 1), -skew) * (0.5 + random.uniform()))
        }
        let total = objects.reduce(0) { $0 + $1.bytes }
        let capacity = (total * (0.05 + 0.85 * random.uniform())).rounded(.down)
        let simulated = Self.simulateLRU(objects, capacity: capacity, requests: 150_000, seed: UInt64(seed))
        let che = LRUHitRate.hitRate(objects.map { CachedObjects(bytes: $0.bytes, requestsPerSecond: $0.rate) }, capacityBytes: capacity)
        #expect(abs(che - simulated) <= 0.02, "objects \(count), skew \(skew), capacity \(capacity)/\(total): Che \(che), LRU \(simulated)")
    }

    /// Alike conversations: Che gives h = C / (N·KV), and the capacity for a target inverts it.
    @Test func alikeSessionsHitInProportionToCapacity() {
        let population = SessionPopulation(sessions: 200, thinkSeconds: 60)
        let objects = population.objects(bytes: 1e9)
        #expect(close(LRUHitRate.hitRate(objects, capacityBytes: 50e9), 0.25, 1e-6))
        #expect(close(LRUHitRate.capacity(forHitRate: 0.9, objects), 180e9, 1e-6))
        #expect(LRUHitRate.hitRate(objects, capacityBytes: 400e9) == 1)
        #expect(LRUHitRate.hitRate(objects, capacityBytes: 0) == 0)
    }

    /// Turns over an inclusive hierarchy: the shares add up to 1 and each place serves what the
    /// faster ones could not hold.
    @Test func turnsSplitOverTheHierarchy() throws {
        var hardware = Fixtures.h100
        hardware.hostMemoryBytes = 512e9
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, hardware)
        let population = SessionPopulation(sessions: 400, thinkSeconds: 60)
        let turns = estimator.returningTurns(
            population: population, tiers: [KVTier(name: "host-dram"), KVTier(name: "ssd", capacityBytes: 2e12, readBytesPerSecond: 13e9)],
            cached: 32_768, newTokens: 512, overlap: .layerwise, targetHitRate: 0.9)
        let session = 32_768 * 131_072.0
        #expect(turns.sources.map(\.name) == ["HBM", "host-dram", "ssd", "recompute"])
        #expect(close(turns.sources.reduce(0) { $0 + $1.fraction }, 1))
        #expect(close(turns.sources[0].fraction, estimator.availableKVBytes / (400 * session), 1e-6))
        #expect(close(turns.sources[1].fraction, 512e9 / (400 * session) - turns.sources[0].fraction, 1e-6))
        #expect(close(turns.hitRate, 1))   // 2 TB holds all 400 sessions of 4.3 GB
        #expect(close(turns.capacityForTarget, 0.9 * 400 * session, 1e-6))
    }

    /// The coding-agent example by hand (the review of issue 15): Llama-3.1-8B on an H100 with 256 GB
    /// of host DRAM and a 3.84 TB Gen5 drive, 200 agents returning every 60 s to 100,000 cached
    /// tokens with 512 new ones. λ = 200/60 = 3.33 turns/s; KV(n) = 100,000 · 131,072 B = 13.11 GB.
    /// Host DRAM holds h₁ = 256 GB / (200 · 13.11 GB) = 9.77% of sessions, the drive all of them, so
    /// the drive serves 1 − h₁ = 90.2% of turns and reads λ · 0.902 · 13.11 GB = 39.4 GB/s from a
    /// 13 GB/s drive: ρ = 3.03, three times over. Its writes append only the 512 new tokens' KV
    /// (67.1 MB a turn at 6.6 GB/s). The GPU's link carries the reads of both levels towards the
    /// GPU and, the other way, the whole KV(n + u) of every turn host DRAM missed.
    @Test func theCodingAgentOversubscribesTheDriveByHand() throws {
        var hardware = Fixtures.h100
        hardware.hostMemoryBytes = 256e9
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, hardware)
        let population = SessionPopulation(sessions: 200, thinkSeconds: 60)
        let tiers = [KVTier(name: "host-dram"), KVTier(name: "nvme-gen5", capacityBytes: 3.84e12, readBytesPerSecond: 13e9, writeBytesPerSecond: 6.6e9)]
        let turns = estimator.returningTurns(population: population, tiers: tiers, cached: 100_000, newTokens: 512, overlap: .layerwise, targetHitRate: 0.9)
        let traffic = estimator.turnTraffic(turns, population: population, tiers: tiers, cached: 100_000, newTokens: 512)
        let (lambda, kv, session, appended) = (200.0 / 60, 100_000 * 131_072.0, 100_512 * 131_072.0, 512 * 131_072.0)
        let hostShare = 256e9 / (200 * kv)
        #expect(close(turns.sources[2].fraction, 1 - hostShare, 1e-6))
        #expect(close(traffic.turnsPerSecond, lambda))
        #expect(close(traffic.tiers[1].readUtilisation, lambda * (1 - hostShare) * kv / 13e9, 1e-9))
        #expect(close(traffic.tiers[1].readUtilisation, 3.03, 0.01))
        #expect(close(traffic.tiers[1].writeUtilisation, lambda * appended / 6.6e9, 1e-9))
        #expect(close(traffic.hostLinkToGPU, lambda * (1 - turns.sources[0].fraction) * kv / 64e9, 1e-9))
        #expect(close(traffic.hostLinkFromGPU, lambda * ((1 - hostShare) * session + hostShare * appended) / 64e9, 1e-9))
        #expect(TurnTraffic.needed(traffic.tiers[1].utilisation) == 4)
        #expect(traffic.busiest.utilisation >= traffic.tiers[1].utilisation)
        // The replica: prefill of what each turn computes plus its share of a decode batch.
        let batch = Double(estimator.concurrencySustained(prompt: 100_512, outputTokens: estimator.outputTokens))
        #expect(close(traffic.decode, lambda * estimator.decodeTime(batch: batch, prompt: 100_512, outputTokens: estimator.outputTokens) / batch, 1e-9))
        #expect(close(traffic.prefill, lambda * turns.gpuSeconds, 1e-9))
    }

    /// Alternatives, not a stack: a Gen4 drive listed after a Gen5 one still catches turns of its own.
    @Test func eachTierBelowHostDRAMIsAnAlternative() {
        let tiers = [KVTier(name: "host-dram"), KVTier(name: "gen5", readBytesPerSecond: 13e9), KVTier(name: "gen4", readBytesPerSecond: 7e9)]
        #expect(KVTierAlternatives.of(tiers).map { $0.map(\.name) } == [["host-dram"], ["host-dram", "gen5"], ["host-dram", "gen4"]])
        #expect(KVTierAlternatives.of(Array(tiers.dropFirst())).map { $0.map(\.name) } == [["gen5"], ["gen4"]])
    }
}
