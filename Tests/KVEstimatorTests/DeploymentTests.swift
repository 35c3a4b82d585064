import Testing
@testable import KVEstimator

/// Issue 11's table, row by row: what a deployment sees, as the expected value.
@Suite("From the paper's peak to a deployment (issue 11)")
struct DeploymentTests {
    // MARK: Sessions that grow

    /// Llama-3.1-8B on an H100, n = 2K, m = 4096, 10,000 users: 86 sessions fit until their last
    /// token (KV(6144) = 805 MB of 69.8 GB), so the batch is 86, not 260, and never spills.
    @Test func sessionsThatGrowSizeTheDecodeBatch() throws {
        let workload = Workload(outputTokens: 4096, users: 10_000)
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100, workload: workload)
        let e = estimator.estimate(context: 2048)
        #expect(e.concurrency == 260)
        #expect(e.concurrencySustained == 86)
        #expect(e.decodeBatch == 86)
        #expect(e.regime == .hbm)
        #expect(close(e.decodeSeconds, 74.8, 2e-3))
        #expect(close(e.session.gpuSeconds, 0.90, 0.01))
        for c in stride(from: 2048, to: 2048 + 4096, by: 97) {
            #expect(estimator.decodeStepTime(batch: 86, context: Double(c)).link == 0)
        }
    }

    /// The paper's example with 17 users: 17 fit at 4096 tokens but 16 through 4346, so the batch is
    /// 16 and none of the 250 steps streams KV over PCIe.
    @Test func thePaperExampleWithSeventeenUsersDoesNotSpill() throws {
        let estimator = try Fixtures.estimator(Fixtures.yi34b, workload: Workload(users: 17))
        let e = estimator.estimate(context: 4096)
        #expect(e.concurrency == 17)
        #expect(e.concurrencySustained == 16)
        #expect(e.decodeBatch == 16)
        for j in 0..<250 { #expect(estimator.decodeStepTime(batch: 16, context: Double(4096 + j)).link == 0) }
        #expect(e.session.residentSessions == 16)
    }

    /// Offload only when not even one session fits through its last token, and named so.
    @Test func theOffloadRegimeIsEnteredOnlyWhenOneSessionDoesNotFit() throws {
        let estimator = try Fixtures.estimator(Fixtures.yi34b, workload: Workload(outputTokens: 20_000))
        // 50,000 + 20,000 tokens need 17.2 GB of the 17.1 GB free: one session fits at n, not at n + m.
        let e = estimator.estimate(context: 50_000)
        #expect(e.concurrency == 1)
        #expect(e.concurrencySustained == 0)
        #expect(e.regime == .offload)
        #expect(e.decodeBatch == 1)
    }

    // MARK: KV under tensor parallelism

    /// DeepSeek-V3 on 8×H200, fp8 weights, bf16 KV: the 70,272 B/token latent is whole on every
    /// rank, so 67.5 GB per rank holds ≈234 sessions at 4K and 7 at 128K (not 8× that).
    @Test(arguments: [(4096, 234), (131_072, 7)])
    func mlaLatentIsReplicatedOnEveryRank(context: Int, sessions: Int) throws {
        var hardware = Fixtures.h200HGX
        hardware.gpus = 8
        let estimator = try Fixtures.estimator(Fixtures.deepseekV3, hardware, workload: Workload(weightPrecision: .fp8))
        #expect(estimator.kvBytes(tokens: 1) == 70_272)
        #expect(estimator.kvReplication == 8)
        #expect(estimator.concurrency(tokens: Double(context)) == sessions)
    }

    /// Data-parallel attention (SGLang): attention weights on every rank, each rank its own sessions.
    @Test func dataParallelAttentionSplitsSessions() throws {
        var hardware = Fixtures.h200HGX
        hardware.gpus = 8
        hardware.parallel.attention = .data
        let estimator = try Fixtures.estimator(Fixtures.deepseekV3, hardware, workload: Workload(weightPrecision: .fp8))
        #expect(estimator.kvReplication == 1)
        let sessions = estimator.concurrency(tokens: 4096)
        #expect(sessions % 8 == 0)
        #expect(sessions > 6 * 234)
        // Replicated attention weights: (g − 1)·W_attention, ≈11 GB of fp8 per extra copy.
        #expect(close(estimator.replicatedWeightsBytes / 7, 11.4e9, 0.03))
    }

    /// Qwen2.5-7B-1M has 28 query heads: 8 GPUs cannot split them (vLLM refuses too), and the error
    /// lists the degrees that work.
    @Test func tensorParallelDegreeMustDivideTheQueryHeads() throws {
        var hardware = Fixtures.h100HGX
        hardware.gpus = 8
        let error = try #require(throws: EstimatorInputError.self) { try Fixtures.estimator(Fixtures.qwen25_7b_1m, hardware) }
        #expect(error.field == "gpus")
        #expect(error.message.contains("1, 2, 4, 7, 14, 28"))
        hardware.gpus = 3
        #expect(throws: EstimatorInputError.self) { try Fixtures.estimator(Fixtures.llama31_70b, hardware) }
    }

    /// KV heads are replicated when g > Hkv: 4 KV heads on 8 ranks (Qwen2.5-7B-1M's KV shape, with a
    /// head count 8 divides) and Llama-3.1-70B's 8 on 16 both hold each head twice: 44 and 14
    /// sessions at 128K, not 89 and 28.
    @Test func kvHeadsAreReplicatedWhenThereAreFewerThanRanks() throws {
        var eight = Fixtures.h100HGX
        eight.gpus = 8
        var qwen = Fixtures.qwen25_7b_1m
        qwen.heads = 32
        let q = try Fixtures.estimator(qwen, eight)
        #expect(q.kvReplication == 2)
        #expect(q.concurrency(tokens: 131_072) == 44)
        var sixteen = Fixtures.h100HGX
        sixteen.gpus = 16
        let llama = try Fixtures.estimator(Fixtures.llama31_70b, sixteen)
        #expect(llama.kvReplication == 2)
        #expect(llama.concurrency(tokens: 131_072) == 14)
        // Four ranks split 4 KV heads evenly: no replication.
        var four = Fixtures.h100HGX
        four.gpus = 4
        #expect(try Fixtures.estimator(qwen, four).kvReplication == 1)
    }

    // MARK: Communication

    /// Llama-3.1-70B prefill on 8×H100: 160 ring all-reduces at 450 GB/s each way add ≈57% to the
    /// compute at 4K and ≈26% at 128K.
    @Test(arguments: [(4096, 0.57), (131_072, 0.26)])
    func tensorParallelAllReducesAddToPrefill(context: Int, share: Double) throws {
        var hardware = Fixtures.h100HGX
        hardware.gpus = 8
        let estimator = try Fixtures.estimator(Fixtures.llama31_70b, hardware)
        let prefill = estimator.prefillTime(tokens: Double(context))
        let added = prefill.communication / max(prefill.compute, prefill.memory)
        #expect(abs(added - share) < 0.02, "\(added)")
        let bytes = Double(context) * 8192 * 2
        #expect(close(estimator.prefillCommunication(tokens: Double(context)).tensor,
                      160 * (2 * 7.0 / 8 * bytes / 450e9 + 3.6e-6 + 14 * 0.47e-6)))
    }

    /// 16 GPUs on 8-GPU nodes: the all-reduce's cross-node share goes over the 50 GB/s network.
    @Test func crossNodeCollectivesUseTheNetwork() throws {
        var hardware = Fixtures.h100HGX
        hardware.gpus = 16
        let estimator = try Fixtures.estimator(Fixtures.llama31_70b, hardware)
        let s = 4096.0 * 8192 * 2
        let expected = 2 * 7.0 / 8 * s / 450e9 + 2 * 1.0 / 2 * (s / 8) / 50e9 + 3.6e-6 + 14 * 0.47e-6 + 2 * 2.7e-6
        #expect(close(estimator.allReduceSeconds(bytes: s, ranks: 16), expected))
        // On one 16-GPU NVLink domain (gpus_per_node 16), no network.
        hardware.gpusPerNode = 16
        let oneDomain = try Fixtures.estimator(Fixtures.llama31_70b, hardware)
        #expect(oneDomain.allReduceSeconds(bytes: s, ranks: 16) < estimator.allReduceSeconds(bytes: s, ranks: 16))
        // Two pipeline stages of 8: tensor parallel inside each node, the stage send over the network.
        hardware.gpusPerNode = 8
        hardware.parallel.pipelineStages = 2
        let pipeline = try Fixtures.estimator(Fixtures.llama31_70b, hardware)
        let time = pipeline.prefillCommunication(tokens: 4096)
        #expect(close(time.pipeline, s / 50e9 + 3.6e-6 + 2.7e-6))
        #expect(close(time.tensor, 160 * pipeline.allReduceSeconds(bytes: s, ranks: 8)))
    }

    /// Pipeline stages: one prompt passes stage after stage, and a decode batch smaller than the
    /// stages leaves some idle.
    @Test func pipelineBubble() throws {
        var hardware = Fixtures.h100HGX
        hardware.gpus = 8
        hardware.parallel.pipelineStages = 2
        let two = try Fixtures.estimator(Fixtures.llama31_70b, hardware, workload: Workload(users: 1))
        var flat = Fixtures.h100HGX
        flat.gpus = 8
        let tp8 = try Fixtures.estimator(Fixtures.llama31_70b, flat)
        #expect(close(two.prefillTime(tokens: 4096).compute, 2 * tp8.prefillTime(tokens: 4096).compute))
        #expect(two.estimate(context: 4096).pipelineBubble == 0.5)
        // Two micro-batches: the KV part of the step splits, the weights are read by each.
        let step = two.decodeStepTime(batch: 2, context: 4096).memory
        let expected = 2 * (two.weightsReadBytes(batch: 1) + 2 * two.heldKVBytes(tokens: 4096) / 2) / two.memoryBytesPerSecond
        #expect(close(step, expected))
    }

    /// Expert parallelism: DeepSeek-V3's 58 MoE layers dispatch and combine by all-to-all.
    @Test func expertParallelAllToAll() throws {
        var hardware = Fixtures.h200HGX
        hardware.gpus = 8
        hardware.parallel.expertParallel = 8
        let estimator = try Fixtures.estimator(Fixtures.deepseekV3, hardware, workload: Workload(weightPrecision: .fp8))
        let time = estimator.prefillCommunication(tokens: 4096)
        let perRank = 4096.0 / 8 * 8 * 7168 * 2
        #expect(close(time.expert, 58 * 2 * estimator.allToAllSeconds(bytesPerRank: perRank, ranks: 8)))
        #expect(close(time.tensor, (61 + 3) * estimator.allReduceSeconds(bytes: 4096 * 7168 * 2, ranks: 8)))
        var dense = hardware
        dense.parallel.expertParallel = 2
        #expect(throws: EstimatorInputError.self) { try Fixtures.estimator(Fixtures.llama31_70b, dense) }
    }

    // MARK: Activation memory

    /// A 128K-token prefill of Llama-3.1-8B holds 13.4 GB of activations at its peak (flash
    /// attention: no scores stored); chunked at 8K it holds 0.84 GB.
    @Test func prefillActivationsComeOutOfTheKVBudget() throws {
        let plain = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100)
        let n = 131_072.0
        #expect(close(plain.prefillPeakMemoryBytes(tokens: n), n * 2 * (2 * 4096 + 3 * 14336)))
        #expect(plain.prefillPeakMemoryBytes(tokens: n) > 13e9)
        var workload = Workload(users: 100)
        workload.activationMemory = true
        let counted = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100, workload: workload)
        #expect(counted.concurrency(tokens: n) < plain.concurrency(tokens: n))
        workload.prefillChunk = 8192
        let chunked = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100, workload: workload)
        #expect(close(chunked.prefillPeakMemoryBytes(tokens: n), 8192 * 2 * (2 * 4096 + 3 * 14336)))
        #expect(chunked.concurrency(tokens: n) == plain.concurrency(tokens: n))
        // Yi-34B on one A100 at 50,000 tokens: the session fits, its unchunked prefill does not.
        let yi = try Fixtures.estimator(Fixtures.yi34b)
        #expect(!yi.prefillFitsUnchunked(tokens: 50_000))
        #expect(yi.prefillFitsUnchunked(tokens: 4096))
    }

    /// vLLM's `gpu_memory_utilization`: the engine uses 90% of each GPU's HBM.
    @Test func memoryUtilizationScalesTheUsableHBM() throws {
        var workload = Workload()
        workload.memoryUtilization = 0.9
        let estimator = try Fixtures.estimator(Fixtures.yi34b, workload: workload)
        #expect(close(estimator.availableKVBytes, 0.9 * 80 * 1_073_741_824 - estimator.weightsBytes))
        #expect(estimator.concurrency(tokens: 4096) == 8)
    }

    // MARK: Smaller fixes

    /// Absorbed MLA decode: 576-wide scores and 512-wide values per head, ≈3.4× the decompressed form.
    @Test func mlaDecodeAttentionAsAbsorbedKernelsRunIt() throws {
        var hardware = Fixtures.h200HGX
        hardware.gpus = 8
        let estimator = try Fixtures.estimator(Fixtures.deepseekV3, hardware, workload: Workload(weightPrecision: .fp8))
        #expect(estimator.decodeAttentionFLOPsPerPair == 2 * 128 * (576 + 512))
        #expect(estimator.attentionFLOPsPerPair == 2 * 128 * (192 + 128))
        #expect(close(estimator.decodeAttentionFLOPsPerPair / estimator.attentionFLOPsPerPair, 3.4))
    }

    @Test func compressionsOnOneAxisDoNotCombine() throws {
        let snapkv = Compression(name: "snapkv-2k", tokenBudget: 2048, promptOnly: true)
        let h2o = Compression(name: "h2o-20", tokenKeep: 0.2)
        let error = try #require(throws: EstimatorInputError.self) { try snapkv.combined(with: h2o) }
        #expect(error.message.contains("token axis"))
        let kivi = Compression(name: "kivi-2bit", kvBits: 2, groupSize: 32, residualTokens: 128)
        #expect(try h2o.combined(with: kivi).kvBits == 2)
    }

    @Test func headAxisCompressionOnMLAIsAnError() throws {
        var hardware = Fixtures.h200HGX
        hardware.gpus = 8
        let duo = Compression(name: "retrieval-heads-50", retrievalHeads: 0.5, streamingWindow: 512)
        let error = try #require(throws: EstimatorInputError.self) {
            try Fixtures.estimator(Fixtures.deepseekV3, hardware, compression: duo, workload: Workload(weightPrecision: .fp8))
        }
        #expect(error.message.contains("MLA"))
    }

    /// SnapKV evicts the prompt once: after a 32K prompt kept at 2048 tokens, the cache grows by one
    /// token per output token; H2O keeps a share of the running total.
    @Test func snapKVBudgetsGrowDuringDecode() throws {
        let snapkv = Compression(name: "snapkv-2k", tokenBudget: 2048, promptOnly: true)
        let estimator = try Fixtures.estimator(Fixtures.llama31_8b, Fixtures.h100, compression: snapkv,
                                               workload: Workload(outputTokens: 1000, users: 1000))
        let perToken = 131_072.0
        let decoder = estimator.decoding(prompt: 32_768)
        #expect(decoder.kvBytes(tokens: 32_768) == 2048 * perToken)
        #expect(decoder.kvBytes(tokens: 32_768 + 1000) == 3048 * perToken)
        // Sustained concurrency counts the grown cache.
        let free = estimator.availableKVBytes
        #expect(estimator.concurrencySustained(prompt: 32_768, outputTokens: 1000) == Int((free / (3048 * perToken)).rounded(.down)))
        // The closed-form decode still matches the brute-force sum on the grown cache.
        let closed = decoder.decodeTime(batch: 7, prompt: 32_768, outputTokens: 1000)
        #expect(close(closed, DecodeClosedFormTests.bruteForce(decoder, batch: 7, prompt: 32_768, outputTokens: 1000), 1e-9))
        // A window layer keeps its window: Mistral's 4096-token layers stay full after the eviction.
        let mistral = try Fixtures.estimator(Fixtures.mistral7b, Fixtures.h100, compression: snapkv).decoding(prompt: 30_000)
        #expect(mistral.kvBytes(tokens: 30_000) == 2048 * perToken)
        #expect(mistral.kvBytes(tokens: 33_000) == 4096 * perToken)
        let sum = mistral.decodeTime(batch: 3, prompt: 30_000, outputTokens: 3000)
        #expect(close(sum, DecodeClosedFormTests.bruteForce(mistral, batch: 3, prompt: 30_000, outputTokens: 3000), 1e-9))
    }
}
