/// What sharing one GPU costs a scenario at context n (SPEC §3, "Sharing the GPU"; issue 6): the
/// long prompt's interference with co-resident decode, short requests queueing behind long ones,
/// paged against reserved KV, and moving KV between disaggregated machines. The JSON keys the CLI
/// prints are named beside each figure.
public struct SharingEstimate: Sendable, Equatable {
    /// The long prompt's context n (the scenario's context), tokens.
    public var context: Int
    public var workload: SharingWorkload

    // MARK: Interference

    /// Co-resident decode sessions `b* = min(users, concurrency_sustained(short_context), max_batch)`:
    /// short sessions that fit through their last token.
    public var decodeBatch: Int
    /// One decode step of the b* sessions at `short_context` with nothing beside it, seconds; nil
    /// when b* = 0 (not even one short session fits beside the weights).
    public var decodeStepSeconds: Double?
    /// `prefill_stall_seconds = t_prefill(n)`: how long an unchunked prefill stalls decode.
    public var prefillStallSeconds: Double
    /// `⌈n/c⌉`.
    public var chunkedIterations: Int
    /// `chunked_prefill_seconds`: the long prompt's TTFT when prefilled in chunks of c.
    public var chunkedPrefillSeconds: Double
    /// `chunked_step_seconds`: the worst decode step while the chunked prompt runs.
    public var chunkedStepSeconds: Double

    // MARK: Mixed workload (M/G/1 over unchunked prefill)

    /// The queue: short prefills `t_prefill(short_context)`, long `t_prefill(n)`.
    public var queue: PrefillQueue
    /// `ρ = λ·E[S]`, the prefill stage's utilisation (≥ 1: saturated).
    public var prefillUtilization: Double
    /// Mean wait for the GPU by Pollaczek–Khinchine, seconds; nil on saturation.
    public var meanWaitSeconds: Double?
    /// `ttft_short_mean_seconds = W + t_prefill(short)`; nil (JSON null) on saturation.
    public var ttftShortMeanSeconds: Double?
    /// `ttft_short_p99_seconds`: the 99th percentile of a short request's TTFT, from the exact
    /// M/G/1 waiting-time distribution (`PrefillQueue.waitQuantileSeconds`); nil on saturation.
    public var ttftShortP99Seconds: Double?

    // MARK: Paged KV

    /// `⌈n/B⌉·B`, tokens.
    public var pagedContextTokens: Int
    /// `⌈n/B⌉·B − n`: this session's unused tail of its last block, tokens.
    public var pagedWasteTokens: Int
    /// `(B − 1)/2`: the mean waste per session over uniformly spread lengths, tokens.
    public var meanPagedWasteTokens: Double
    /// `concurrency_paged = ⌊available / KV(⌈n/B⌉·B)⌋`.
    public var concurrencyPaged: Int
    /// Tokens a reserving server holds per session, `max(max_context, n)`.
    public var reservedContextTokens: Int
    /// `concurrency_reserved = ⌊available / KV(max_context)⌋`.
    public var concurrencyReserved: Int

    // MARK: Disaggregated prefill/decode

    /// `kv_transfer_seconds = KV(n)/(g·net_bw)`; nil when the hardware states no network.
    public var kvTransferSeconds: Double?
    /// Where transfer beats recompute; nil when the hardware states no network.
    public var kvTransferBreakEven: TransferBreakEven?

    /// Whether the prefill queue is saturated (ρ ≥ 1): both TTFT figures are nil.
    public var isSaturated: Bool { !queue.isStable }
    /// `kv_transfer_breakeven_context`: nil when transfer always wins (or never, or no network).
    public var kvTransferBreakEvenContext: Int? { kvTransferBreakEven?.context }
}

extension Estimator {
    /// The sharing figures for the scenario's own `workload.sharing`; nil when it has none.
    public func sharing(context n: Int) -> SharingEstimate? {
        scenario.workload.sharing.map { sharing(context: n, workload: $0) }
    }

    /// The sharing figures at context n for a mix (valid by `SharingWorkload.validate()`; the
    /// scenario's own is validated by `init`). Pure arithmetic; no allocation beyond the queue
    /// quantile's small scratch buffer.
    public func sharing(context n: Int, workload mix: SharingWorkload) -> SharingEstimate {
        let tokens = Double(n)
        let workload = scenario.workload
        let short = mix.shortContextTokens
        let batch = min(workload.users, concurrencySustained(prompt: short, outputTokens: workload.outputTokens), workload.maxBatch ?? Int.max)
        let chunked = chunkedPrefill(tokens: n, chunkTokens: mix.chunkTokens, decodeBatch: batch, decodeContext: short)
        let stall = prefillStallSeconds(tokens: tokens)

        let queue = PrefillQueue(
            shortSeconds: prefillTime(tokens: Double(short)).seconds, longSeconds: stall,
            longFraction: mix.longFraction, arrivalsPerSecond: mix.arrivalsPerSecond)
        let wait = queue.meanWaitSeconds
        let p99 = wait == nil ? nil : queue.waitQuantileSeconds(0.99)

        let paged = pagedTokens(n, blockTokens: mix.kvBlockTokens)
        return SharingEstimate(
            context: n,
            workload: mix,
            decodeBatch: batch,
            decodeStepSeconds: batch > 0 ? decodeStepTime(batch: Double(batch), context: Double(short)).seconds : nil,
            prefillStallSeconds: stall,
            chunkedIterations: chunked.iterations,
            chunkedPrefillSeconds: chunked.seconds,
            chunkedStepSeconds: chunked.worstIterationSeconds,
            queue: queue,
            prefillUtilization: queue.utilization,
            meanWaitSeconds: wait,
            ttftShortMeanSeconds: wait.map { $0 + queue.shortSeconds },
            ttftShortP99Seconds: p99.map { $0 + queue.shortSeconds },
            pagedContextTokens: paged,
            pagedWasteTokens: paged - n,
            meanPagedWasteTokens: Self.meanPagedWasteTokens(blockTokens: mix.kvBlockTokens),
            concurrencyPaged: concurrencyPaged(tokens: n, blockTokens: mix.kvBlockTokens),
            reservedContextTokens: reservedTokens(n),
            concurrencyReserved: concurrencyReserved(tokens: n),
            kvTransferSeconds: kvTransferSeconds(tokens: tokens),
            kvTransferBreakEven: kvTransferBreakEven()
        )
    }
}
