/// Paged KV against reserved KV (SPEC §3, "Sharing the GPU"; vLLM PagedAttention: Kwon et al. 2023,
/// "Efficient Memory Management for Large Language Model Serving with PagedAttention",
/// arXiv 2309.06180).
///
/// A paged server allocates a session's cache in blocks of B tokens, so it wastes only the unused
/// tail of its last block — `⌈n/B⌉·B − n` tokens, (B − 1)/2 on average over uniformly spread
/// lengths. A server without paging reserves the model's `max_context` for every session up front
/// (the waste PagedAttention §3 measures in earlier systems).
extension Estimator {
    /// `⌈n/B⌉·B`: the tokens of KV a paged session at n tokens occupies.
    public func pagedTokens(_ n: Int, blockTokens: Int) -> Int {
        let block = max(1, blockTokens)
        let (blocks, remainder) = n.quotientAndRemainder(dividingBy: block)
        let (tokens, overflow) = (blocks + (remainder > 0 ? 1 : 0)).multipliedReportingOverflow(by: block)
        return overflow ? Int.max : tokens
    }

    /// `concurrency_paged = ⌊available / KV(⌈n/B⌉·B)⌋`.
    public func concurrencyPaged(tokens n: Int, blockTokens: Int) -> Int {
        concurrency(tokens: Double(pagedTokens(n, blockTokens: blockTokens)))
    }

    /// `concurrency_reserved = ⌊available / KV(max_context)⌋`: a server that reserves the model's
    /// maximum context per session (or the session's own length beyond it, the least it must hold).
    public func concurrencyReserved(tokens n: Int) -> Int {
        concurrency(tokens: Double(reservedTokens(n)))
    }

    /// Tokens a reserving server sets aside per session: `max(max_context, n)`.
    public func reservedTokens(_ n: Int) -> Int { max(scenario.model.maxContext ?? n, n) }

    /// `(B − 1)/2`: the mean tokens a paged session leaves unused in its last block.
    public static func meanPagedWasteTokens(blockTokens: Int) -> Double { Double(max(1, blockTokens) - 1) / 2 }
}
