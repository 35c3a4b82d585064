/// The closed-form estimator of the four long-context costs for one scenario (Fu 2024,
/// "Challenges in Deploying Long-Context Transformers", arXiv 2405.08944; SPEC §3).
///
/// `init` validates the scenario and precomputes every constant; the methods are arithmetic on
/// `Double`s and never allocate, so millions of estimates per second are possible.
public struct Estimator: Sendable {
    public private(set) var scenario: Scenario
    public let parameters: ParameterCounts
    public internal(set) var kvCache: KVCacheLayout

    /// GPUs of the replica, g = tensor parallel × pipeline stages.
    public let gpus: Double
    /// Tensor-parallel degree of one pipeline stage, and the stages.
    public let tensorParallel: Double
    public let pipelineStages: Double
    /// Aggregate rates over g GPUs, with efficiency factors applied in calibrated mode.
    public private(set) var matmulFLOPsPerSecond: Double
    public private(set) var attentionFLOPsPerSecond: Double
    public private(set) var memoryBytesPerSecond: Double
    public private(set) var linkBytesPerSecond: Double
    /// `layers × efficiency.kernelOverheadSecondsPerLayer`: added to every decode step (0 at peak).
    public private(set) var decodeStepOverheadSeconds: Double
    /// `W = total_params · bw`.
    public let weightsBytes: Double
    /// Extra copies of weights a layout keeps: data-parallel attention replicates the attention
    /// weights on each of a stage's ranks, `(g − 1)·W_attention` (SGLang DP attention).
    public let replicatedWeightsBytes: Double
    /// `available = g·(u·HBM − reserve) − W − replicated`: HBM left for KV caches over the g GPUs
    /// (negative when the weights do not fit); u is `memory_utilization`.
    public let availableKVBytes: Double
    /// Bytes one session's KV occupies over all ranks, per byte of `KV(c)`: under tensor
    /// parallelism each rank holds `⌈Hkv/g⌉` of the Hkv heads, so `g·⌈Hkv/g⌉/Hkv` (1 when g divides
    /// Hkv; 2 for 4 KV heads on 8 ranks); an MLA latent is whole on every rank, so g; with
    /// data-parallel attention 1 (ParallelLayout has the sources).
    public let kvReplication: Double
    /// Ranks that hold sessions independently: a stage's g under data-parallel attention, else 1
    /// (sessions are counted per rank, then multiplied).
    public let sessionGroups: Double
    /// FLOPs per (query, key) pair of one attention layer in prefill: `4·H·dh` (QKᵀ and PV, 2·dh
    /// each), or `2·H·(dqk + dv)` for MLA, which prefills with decompressed keys and values.
    public let attentionFLOPsPerPair: Double
    /// The same in decode. MLA decodes with absorbed weights (DeepSeek-V2 §2.1.2; vLLM's MLA common
    /// components, `v1/attention/backends/mla/common.py`: the "compute friendly approach for
    /// prefill" and the "data-movement friendly approach for decode", where attention "simulates"
    /// multi-head attention over the latent; FlashMLA): every head attends over the latent,
    /// `2·H·((r + dr) + r)` — 576-wide scores and 512-wide values for DeepSeek-V3, ≈3.4× the
    /// decompressed form's 2·H·(192 + 128).
    public let decodeAttentionFLOPsPerPair: Double
    let weightBytesPerParam: Double
    let logitFLOPsPerToken: Double
    /// Weights of the attention projections (all attention layers), for data-parallel attention.
    let attentionWeightsBytes: Double
    /// The workload's and hardware's figures the hot path reads, copied out of `scenario` once:
    /// reading them through `scenario` retains and releases its strings on every estimate.
    let outputTokens: Int
    let users: Int
    /// `max_batch`, `Int.max` when unlimited.
    let maxBatch: Int
    let promptOnly: Bool
    let hasSpeculative: Bool
    let countsActivationMemory: Bool
    let prefillChunkTokens: Double?
    let halfDuplexLink: Bool
    let hostMemoryBytes: Double?
    /// The model's maximum context, `Int.max` when it states none.
    let maxContext: Int
    /// `2·d + max(attention, mlp)/g`: activation elements per token of a prefill (ActivationMemory).
    let activationElementsPerToken: Double
    /// `kvCache.isProportional`, kept with the layout it describes (`decoding(prompt:)` replaces both).
    var proportionalKV: Bool
    /// The layout's breakpoints where `kvCache.nextBreakpoint(after:)` needs no scan (most decode
    /// sums lie between two of them), kept with the layout (`decoding(prompt:)` replaces both).
    var kvBreakpoints: KVBreakpoints

    public init(_ scenario: Scenario) throws(EstimatorInputError) {
        try scenario.validate()
        self.scenario = scenario
        let model = scenario.model, hardware = scenario.hardware, workload = scenario.workload
        parameters = ParameterCounts(model: model)
        kvCache = KVCacheLayout(model: model, compression: scenario.compression, kvPrecision: workload.kvPrecision)

        let g = Double(hardware.gpus)
        let pp = Double(hardware.parallel.pipelineStages)
        let tp = Double(hardware.tensorParallel)
        gpus = g
        tensorParallel = tp
        pipelineStages = pp
        peakRates = Estimator.peakRates(scenario, gpus: g)
        (matmulFLOPsPerSecond, attentionFLOPsPerSecond, memoryBytesPerSecond, linkBytesPerSecond, decodeStepOverheadSeconds)
            = Estimator.rates(peakRates, scenario.mode == .calibrated ? hardware.efficiency : .peak)

        weightBytesPerParam = workload.weightPrecision.bytes
        weightsBytes = parameters.total * weightBytesPerParam
        attentionWeightsBytes = parameters.attention * weightBytesPerParam
        let dataAttention = hardware.parallel.attention == .data
        replicatedWeightsBytes = dataAttention ? (tp - 1) * attentionWeightsBytes : 0
        availableKVBytes = g * (workload.memoryUtilization * hardware.hbmBytes - workload.reserveBytes) - weightsBytes - replicatedWeightsBytes

        if dataAttention {
            kvReplication = 1
            sessionGroups = tp
        } else if model.mla != nil {
            kvReplication = tp
            sessionGroups = 1
        } else {
            let hkv = Double(model.kvHeads)
            kvReplication = tp * (hkv / tp).rounded(.up) / hkv
            sessionGroups = 1
        }

        let h = Double(model.heads)
        if let mla = model.mla {
            attentionFLOPsPerPair = 2 * h * Double(mla.qkHeadDim + mla.vHeadDim)
            let latent = Double(mla.kvLoraRank)
            decodeAttentionFLOPsPerPair = 2 * h * (latent + Double(mla.qkRopeHeadDim) + latent)
        } else {
            attentionFLOPsPerPair = 4 * h * Double(model.headDim)
            decodeAttentionFLOPsPerPair = attentionFLOPsPerPair
        }
        logitFLOPsPerToken = 2 * parameters.logitParams

        outputTokens = workload.outputTokens
        users = workload.users
        maxBatch = workload.maxBatch ?? Int.max
        promptOnly = scenario.compression.promptOnly
        hasSpeculative = workload.speculative != nil
        countsActivationMemory = workload.activationMemory
        prefillChunkTokens = workload.prefillChunk.map(Double.init)
        halfDuplexLink = hardware.hostLink.duplex == .half
        hostMemoryBytes = hardware.hostMemoryBytes
        maxContext = model.maxContext ?? .max
        let widths = Estimator.activationWidths(model, parameters)
        activationElementsPerToken = 2 * Double(model.hidden) + max(widths.attention, widths.mlp) / tp
        proportionalKV = kvCache.isProportional
        kvBreakpoints = KVBreakpoints(kvCache)
    }

    /// The aggregate peak rates over g GPUs, `g·peak`, `g·peak_bf16`, `g·hbm_bw`, `g·link_bw`, and
    /// the layers L, which the efficiency factors scale (`rates`).
    let peakRates: (matmul: Double, attention: Double, memory: Double, link: Double, layers: Double)

    static func peakRates(_ scenario: Scenario, gpus g: Double) -> (matmul: Double, attention: Double, memory: Double, link: Double, layers: Double) {
        let hardware = scenario.hardware
        return (g * hardware.flopsPerSecond.rate(for: scenario.workload.weightPrecision), g * hardware.flopsPerSecond.bf16,
                g * hardware.hbmBytesPerSecond, g * hardware.hostLink.bytesPerSecond, Double(scenario.model.layers))
    }

    /// The rates with the efficiency factors applied (SPEC §3.5): `g·peak·e_matmul`,
    /// `g·peak_bf16·e_attention`, `g·hbm_bw·e_memory`, `g·link_bw·e_link`, and the decode step's
    /// overhead `L·τ` (products left to right, as `g * peak * e` is evaluated).
    static func rates(_ peak: (matmul: Double, attention: Double, memory: Double, link: Double, layers: Double), _ efficiency: Efficiency)
        -> (matmul: Double, attention: Double, memory: Double, link: Double, overhead: Double) {
        (peak.matmul * efficiency.matmul, peak.attention * efficiency.attention, peak.memory * efficiency.memory,
         peak.link * efficiency.link, peak.layers * efficiency.kernelOverheadSecondsPerLayer)
    }

    /// This estimator on the same hardware with other efficiency factors: what
    /// `Estimator(scenario with hardware.efficiency = efficiency)` gives, bit for bit, without
    /// validating the scenario and deriving the model's layout again — a calibration fit asks for
    /// hundreds of trial factors per measured row.
    public func recalibrated(_ efficiency: Efficiency) throws(EstimatorInputError) -> Estimator {
        var copy = self
        try copy.recalibrate(efficiency)
        return copy
    }

    /// `recalibrated(_:)` in place (no copy of the estimator and its names).
    public mutating func recalibrate(_ efficiency: Efficiency) throws(EstimatorInputError) {
        try efficiency.validate()
        rerate(efficiency)
    }

    /// `recalibrate(_:)` of factors already validated.
    mutating func rerate(_ efficiency: Efficiency) {
        scenario.hardware.efficiency = efficiency
        (matmulFLOPsPerSecond, attentionFLOPsPerSecond, memoryBytesPerSecond, linkBytesPerSecond, decodeStepOverheadSeconds)
            = Estimator.rates(peakRates, scenario.mode == .calibrated ? efficiency : .peak)
    }

    /// Whether the weights fit in the HBM of g GPUs at all.
    public var weightsFit: Bool { availableKVBytes > 0 }

    // MARK: Challenge 2: concurrency (HBM capacity)

    /// `KV(n)`: bytes of one session's KV cache at n tokens (`KVCacheLayout.bytes(tokens:)`, whose
    /// identities a proportional layout skips).
    @inline(__always) public func kvBytes(tokens n: Double) -> Double {
        proportionalKV && n >= 0 ? kvCache.proportionalBytes(tokens: n) : generalKVBytes(tokens: n)
    }

    /// `KVCacheLayout.bytes(tokens:)`, out of line: with the general formula inside them,
    /// `kvBytes` and the helpers built on it grew too large for the compiler to inline them into
    /// `estimate`, `@inline(__always)` or not, and a proportional layout paid a call for three
    /// multiplications.
    @inline(never) func generalKVBytes(tokens n: Double) -> Double { kvCache.bytes(tokens: n) }

    /// `kvCache.nextBreakpoint(after:)` through the estimator: called on `kvCache` in place, it
    /// made `estimate` copy the 152-byte layout on every call.
    @inline(never) func scannedNextBreakpoint(after c: Double) -> Double { kvCache.nextBreakpoint(after: c) }

    /// Bytes one session of n tokens occupies over all g ranks: `ρ·KV(n)` with ρ `kvReplication`.
    @inline(__always) public func heldKVBytes(tokens n: Double) -> Double { kvReplication * kvBytes(tokens: n) }

    /// HBM for KV caches while a prefill of n tokens runs: `available − g·activation(n)` when the
    /// workload counts activation memory, else `available`.
    @inline(__always) func kvBudget(prompt n: Double) -> Double {
        guard countsActivationMemory else { return availableKVBytes }
        return availableKVBytes - gpus * prefillPeakMemoryBytes(tokens: n)
    }

    /// Sessions of `held` bytes each that fit in `budget`: `⌊budget / (G·held)⌋·G` with G the
    /// session groups (1 unless attention is data-parallel, where each rank counts its own).
    @inline(__always) func sessions(budget: Double, held: Double) -> Int {
        guard budget > 0 else { return 0 }
        let groups = sessionGroups
        let count = (budget / (groups * held)).rounded(.down) * groups
        return count >= Double(Int.max) ? Int.max : Int(count)
    }

    /// `concurrency(n) = ⌊available / (ρ·KV(n))⌋`, 0 when one session does not fit (SPEC §3.1): the
    /// paper's figure, sessions admitted at n tokens.
    public func concurrency(tokens n: Double) -> Int {
        guard availableKVBytes > 0 else { return 0 }
        return sessions(budget: kvBudget(prompt: n), held: heldKVBytes(tokens: n))
    }

    /// `concurrency_sustained = ⌊available / (ρ·KV(n + m))⌋`: sessions that still fit when each has
    /// grown to its last token (SPEC §3.1). A server that admits `concurrency(n)` sessions must
    /// preempt some of them before they finish (vLLM's scheduler preempts by recompute or swap
    /// when blocks run out); this many never are.
    public func concurrencySustained(prompt n: Int, outputTokens m: Int) -> Int {
        guard availableKVBytes > 0 else { return 0 }
        return sessions(budget: kvBudget(prompt: Double(n)), held: heldKVBytesAtLastToken(prompt: n, outputTokens: m))
    }

    /// `ρ·KV(n + m)` as decode holds it after an n-token prompt (a prompt-only eviction's layout).
    @inline(__always) func heldKVBytesAtLastToken(prompt n: Int, outputTokens m: Int) -> Double {
        promptOnly ? promptOnlyHeldKVBytesAtLastToken(prompt: n, outputTokens: m) : heldKVBytes(tokens: Double(n + m))
    }

    /// `heldKVBytesAtLastToken` after a prompt-only eviction, out of line for the same reason as
    /// `generalKVBytes`.
    @inline(never) func promptOnlyHeldKVBytesAtLastToken(prompt n: Int, outputTokens m: Int) -> Double {
        kvReplication * kvCache.afterPrompt(Double(n)).bytes(tokens: Double(n + m))
    }

    /// The estimator decode runs with after an n-token prompt: a compression that evicts the
    /// prompt once (SnapKV-style, `prompt_only`) keeps `K = min(n, max(budget, keep·n))` prompt
    /// tokens and then every generated token, so its cache holds `c − (n − K)` tokens at c ≥ n
    /// (Li et al. 2024, SnapKV §4: "generated tokens are not compressed").
    public func decoding(prompt n: Int) -> Estimator {
        guard promptOnly else { return self }
        var decoder = self
        decoder.kvCache = kvCache.afterPrompt(Double(n))
        decoder.proportionalKV = decoder.kvCache.isProportional
        decoder.kvBreakpoints = KVBreakpoints()  // made per estimate: scanning once is cheaper
        return decoder
    }

    /// `body` on the estimator decode runs with after an n-token prompt, without copying this one
    /// when nothing is evicted at the prompt (the hot path: a copy retains every name string).
    @inline(__always) func withDecoder<T>(prompt n: Int, _ body: (Estimator) -> T) -> T {
        promptOnly ? body(decoding(prompt: n)) : body(self)
    }

    /// Sessions the host memory parks: `⌊g·host_mem / KV(n)⌋`, nil when host memory is unknown.
    public func hostSessions(tokens n: Double) -> Int? {
        guard let host = hostMemoryBytes else { return nil }
        return Int((gpus * host / kvBytes(tokens: n)).rounded(.down))
    }

    // MARK: Challenge 1: prefill (FLOP/s)

    /// Linear-layer FLOPs of a prefill of n tokens: `2·active_nonembedding·n + 2·d·V` (logits for
    /// the last token only; Kaplan et al. 2020's 2N FLOPs per token).
    @inline(__always) public func prefillLinearFLOPs(tokens n: Double) -> Double {
        2 * parameters.activeNonEmbedding * n + logitFLOPsPerToken
    }

    /// Attention FLOPs of a causal prefill of n tokens: `a·pairs` per layer with pairs `n²/2`
    /// (global), `n·W − W(W−1)/2` beyond a window W, and `n²/2` within each chunk of C (SPEC §3.2).
    @inline(__always) public func prefillAttentionFLOPs(tokens n: Double) -> Double {
        // `kvCache`'s fields read in place: a local copy of the layout cost a 152-byte memcpy.
        var pairs = kvCache.globalLayers * n * n / 2
        if kvCache.localLayers > 0 {
            let w = kvCache.window
            pairs += kvCache.localLayers * (n <= w ? n * n / 2 : n * w - w * (w - 1) / 2)
        }
        if kvCache.chunkedLayers > 0 {
            let c = kvCache.chunk
            let full = (n / c).rounded(.down), rest = n - full * c
            pairs += kvCache.chunkedLayers * (full * c * c / 2 + rest * rest / 2)
        }
        return attentionFLOPsPerPair * pairs
    }

    public func prefillFLOPs(tokens n: Double) -> Double {
        prefillLinearFLOPs(tokens: n) + prefillAttentionFLOPs(tokens: n)
    }

    /// `t_prefill = max(linear/(g·peak·e_matmul) + attention/(g·peak·e_attention), W/(g·hbm_bw·e_mem))
    /// · (K + pp − 1)/K + communication`: with `pp` pipeline stages a prompt in K chunks (K = 1
    /// unchunked) passes stage after stage, so only K of K + pp − 1 stage-slots are busy (GPipe's
    /// bubble); the tensor-parallel all-reduces and stage sends are not overlapped with compute
    /// (vLLM runs them in line), so they add (`prefillCommunication`).
    public func prefillTime(tokens n: Double) -> PhaseTime {
        prefillTime(tokens: n, linearFLOPs: prefillLinearFLOPs(tokens: n), attentionFLOPs: prefillAttentionFLOPs(tokens: n),
                    communication: gpus > 1 ? prefillCommunication(tokens: n) : CommunicationTime())
    }

    /// `prefillTime(tokens:)` from its FLOPs and communication, when the caller has them already.
    @inline(__always) func prefillTime(tokens n: Double, linearFLOPs: Double, attentionFLOPs: Double, communication: CommunicationTime) -> PhaseTime {
        let compute = linearFLOPs / matmulFLOPsPerSecond + attentionFLOPs / attentionFLOPsPerSecond
        var pipeline = 1.0
        if pipelineStages > 1 {
            let chunks = prefillChunkTokens.map { (n / $0).rounded(.up) } ?? 1
            pipeline = (chunks + pipelineStages - 1) / chunks
        }
        return PhaseTime(compute: compute * pipeline, memory: weightsBytes / memoryBytesPerSecond * pipeline, link: 0,
                         communication: gpus > 1 ? communication.seconds : 0)
    }

    // MARK: Challenge 3: decode (HBM bandwidth)

    /// Weight bytes one decode step of b sessions reads (`W_read`; MoE: the experts they activate).
    @inline(__always) public func weightsReadBytes(batch b: Double) -> Double {
        parameters.readPerDecodeStep(batch: b) * weightBytesPerParam
    }

    /// Linear-layer FLOPs of one decode step: `2·active_nonembedding·b + 2·d·V·b`.
    @inline(__always) public func decodeLinearFLOPs(batch b: Double) -> Double {
        (2 * parameters.activeNonEmbedding + logitFLOPsPerToken) * b
    }

    /// Attention FLOPs of one decode step for one session holding c tokens: `a_decode·c_eff` per
    /// layer (`decodeAttentionFLOPsPerPair`: MLA as absorbed kernels run it).
    @inline(__always) public func decodeAttentionFLOPs(context c: Double) -> Double {
        // A proportional layout attends to all c tokens of its global layers (`isProportional`).
        if proportionalKV && c >= 0 { return decodeAttentionFLOPsPerPair * (kvCache.globalLayers * c) }
        return generalDecodeAttentionFLOPs(context: c)
    }

    /// `decodeAttentionFLOPs` of any layout, out of line (as `generalKVBytes`), so that the
    /// proportional case inlines.
    @inline(never) func generalDecodeAttentionFLOPs(context c: Double) -> Double {
        let layout = kvCache
        var tokens = layout.globalLayers * layout.attendedTokens(c, cap: .infinity)
        if layout.localLayers > 0 { tokens += layout.localLayers * layout.attendedTokens(c, cap: layout.window) }
        if layout.chunkedLayers > 0 { tokens += layout.chunkedLayers * layout.attendedTokens(c, cap: layout.chunk) }
        return decodeAttentionFLOPsPerPair * tokens
    }

    /// One decode step for b sessions each holding c tokens (SPEC §3.3 and §3.4's offload regime):
    /// bytes `W_read + replicated + b·ρ·KV(c)` from HBM (ρ `kvReplication`: every rank reads its
    /// own copy), the part of the KV beyond the free HBM streamed over the host link (FlexGen-style
    /// overlap, Sheng et al. 2023; only in the offload regime, since a batch is sized to fit),
    /// FLOPs `2·active_nonembedding·b + 2·d·V·b + Σ a·c_eff·b`; the step takes the largest of the
    /// three, plus the communication of its collectives.
    ///
    /// With `pp` stages the batch runs as `M = min(b, pp)` micro-batches and a token takes one pass
    /// of a micro-batch through all stages: `t = pp · t_g(b/M)`, each micro-batch reading its
    /// stage's weights (1 − M/pp of the stages idle: the decode bubble).
    @inline(__always) public func decodeStepTime(batch b: Double, context c: Double) -> PhaseTime {
        decodeStepTime(decodeBatch(b), heldBytes: heldKVBytes(tokens: c), attentionFLOPs: decodeAttentionFLOPs(context: c))
    }

    /// `T_decode = Σ_{j=0}^{m−1} t_step(n + j)`, in closed form: between the KV layout's breakpoints
    /// (and the point where the batch's KV outgrows HBM) every term of the step is linear in c, so
    /// the sum of their maximum splits at the terms' crossings into arithmetic series.
    public func decodeTime(batch b: Double, prompt n: Int, outputTokens m: Int) -> Double {
        decodeTime(decodeBatch(b), prompt: n, outputTokens: m, first: nil)
    }

    /// `decodeTime(batch:prompt:outputTokens:)`, given the step at c = n and the session's held
    /// bytes there, `ρ·KV(n)`, when the caller has them.
    @inline(__always) func decodeTime(_ batch: DecodeBatch, prompt n: Int, outputTokens m: Int, first: (step: PhaseTime, heldBytes: Double)?) -> Double {
        let b = batch.sessions
        var first = first
        var total = 0.0
        var start = Double(n)
        let end = Double(n) + Double(m)  // sum over integer c in [n, n + m)
        while start < end {
            // The integer run [start, stop) lies inside one linear piece of KV(c).
            var pieceEnd = kvBreakpoints.next(after: start) ?? scannedNextBreakpoint(after: start)
            let kv0 = b * (first?.heldBytes ?? heldKVBytes(tokens: start)), kv1 = b * heldKVBytes(tokens: start + 1)
            let capacity = max(0, availableKVBytes)
            if kv0 <= capacity, kv1 > kv0 {
                // Where the batch's KV starts to spill to host memory.
                let spill = start + (capacity - kv0) / (kv1 - kv0)
                if spill > start, spill < pieceEnd { pieceEnd = spill }
            }
            let stop = min(end, pieceEnd.rounded(.down) + 1)
            total += sumOfMaximum(batch, from: start, to: stop, first: first?.step)
            first = nil
            start = stop
        }
        return total
    }

    /// Σ_{c=from}^{to−1} max(memory(c), link(c), compute(c)) where each term is linear on the run.
    /// `first`, when given, is the step at `from`.
    func sumOfMaximum(_ batch: DecodeBatch, from: Double, to: Double, first: PhaseTime? = nil) -> Double {
        let last = to - 1
        let first = first ?? decodeStepTime(batch, heldBytes: heldKVBytes(tokens: from), attentionFLOPs: decodeAttentionFLOPs(context: from))
        if last <= from { return first.seconds }
        // Communication and the kernel overhead depend on the batch only: the same on every step.
        let communication = (first.communication + first.overhead) * (to - from)
        let final = decodeStepTime(batch, heldBytes: heldKVBytes(tokens: last), attentionFLOPs: decodeAttentionFLOPs(context: last))
        let memory = Line(from, first.memory, last, final.memory)
        let link = Line(from, first.link, last, final.link)
        let compute = Line(from, first.compute, last, final.compute)
        // Where two terms cross inside the run, the maximum changes line.
        var cuts = (
            memory.crossing(link, within: from, last),
            memory.crossing(compute, within: from, last),
            link.crossing(compute, within: from, last)
        )
        if cuts.0 > cuts.1 { swap(&cuts.0, &cuts.1) }
        if cuts.1 > cuts.2 { swap(&cuts.1, &cuts.2) }
        if cuts.0 > cuts.1 { swap(&cuts.0, &cuts.1) }

        var total = 0.0, lower = from
        func sumRun(through cut: Double) {
            guard cut.isFinite else { return }
            let upper = min(to, cut.rounded(.down) + 1)
            guard upper > lower else { return }
            let mid = (lower + upper - 1) / 2
            var top = memory
            if link.value(mid) > top.value(mid) { top = link }
            if compute.value(mid) > top.value(mid) { top = compute }
            total += top.sum(from: lower, to: upper)
            lower = upper
        }
        sumRun(through: cuts.0)
        sumRun(through: cuts.1)
        sumRun(through: cuts.2)
        sumRun(through: last)
        return total + communication
    }

    // MARK: Challenge 4: context switching (host link)

    /// `t_switch(n) = (KV_out(n) + KV_in(n)) / (g·link_bw·e_link)` over a half-duplex link (the
    /// paper's "(user 1's KV cache + user 2's KV cache) / PCIe bandwidth"), `max` of the two full
    /// duplex. Each rank swaps the blocks it holds over its own link (vLLM's per-worker swap), so a
    /// replicated KV (`ρ`) moves ρ times over, and a session of data-parallel attention, held by one
    /// rank of a stage, moves over that rank's link alone (`G·ρ·KV` over the g links).
    public func contextSwitchSeconds(tokens n: Double) -> Double {
        contextSwitchSeconds(heldBytes: heldKVBytes(tokens: n))
    }

    /// `contextSwitchSeconds(tokens:)` from the session's held bytes `ρ·KV(n)`.
    @inline(__always) func contextSwitchSeconds(heldBytes: Double) -> Double {
        let kv = sessionGroups * heldBytes
        let moved = halfDuplexLink ? 2 * kv : kv
        return moved / linkBytesPerSecond
    }
}

/// The time of a phase as its three candidate bounds, of which the phase takes the largest,
/// plus the communication between GPUs, which is not overlapped with them.
public struct PhaseTime: Sendable, Equatable {
    public var compute: Double
    public var memory: Double
    public var link: Double
    /// Collectives and stage sends between the GPUs of a replica (0 on one GPU).
    public var communication: Double = 0
    /// Kernel launches and synchronisation of a decode step (`Efficiency.kernelOverheadSecondsPerLayer`
    /// × layers; 0 at peak and for prefill).
    public var overhead: Double = 0

    public var seconds: Double { max(compute, memory, link) + communication + overhead }

    /// Which resource bounds the phase.
    public var bound: Bound {
        if link > compute, link > memory { return .link }
        return compute >= memory ? .compute : .memory
    }
}

public enum Bound: String, Sendable, Equatable {
    case compute, memory, link
}

/// `y = intercept + slope·x`, through two points.
struct Line {
    var intercept: Double
    var slope: Double

    init(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        slope = (y1 - y0) / (x1 - x0)
        intercept = y0 - slope * x0
    }

    @inline(__always) func value(_ x: Double) -> Double { intercept + slope * x }

    /// The x where two lines meet, if strictly inside (lower, upper); +∞ otherwise.
    func crossing(_ other: Line, within lower: Double, _ upper: Double) -> Double {
        let dslope = slope - other.slope
        guard dslope != 0 else { return .infinity }
        let x = (other.intercept - intercept) / dslope
        return x > lower && x < upper ? x : .infinity
    }

    /// Σ_{x=from}^{to−1} (intercept + slope·x), an arithmetic series.
    func sum(from: Double, to: Double) -> Double {
        let count = to - from
        return count * intercept + slope * (from + to - 1) * count / 2
    }
}
