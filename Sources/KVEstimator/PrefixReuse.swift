/// A shared prefix of s tokens (system prompt, document, code base) kept once in HBM and reused by
/// every session: what sharing it buys at context n.
public struct PrefixReuse: Sendable, Equatable {
    public var prefixTokens: Int
    /// Sessions of n tokens that fit with the prefix held once.
    public var concurrency: Int
    /// Sessions of n tokens that fit when each holds its own copy (the paper's concurrency).
    public var concurrencyUnshared: Int
    /// Prefill of the whole n-token prompt.
    public var prefillSeconds: Double
    /// Prefill of the n − s suffix over the cached prefix.
    public var suffixPrefillSeconds: Double
    /// Prefill time a request saves: `prefillSeconds − suffixPrefillSeconds`.
    public var prefillSecondsSaved: Double { prefillSeconds - suffixPrefillSeconds }
}

extension Estimator {
    /// Prefix sharing at context n (vLLM's automatic prefix caching and SGLang's RadixAttention keep
    /// one copy of a shared prefix's blocks and point every session at it):
    /// `concurrency_shared = ⌊(available − ρ·KV(s)) / (ρ·(KV(n) − KV(s)))⌋` (per session group under
    /// data-parallel attention, each rank keeping its own copy of the prefix), and the prefill of a
    /// request drops from `t_prefill(n)` to the suffix's `n − s` tokens over the prefix
    /// (`prefillTime(newTokens:after:)`). A prefix of n tokens or more leaves nothing per session
    /// but the output; the suffix is then one token.
    public func prefixReuse(prefix s: Int, context n: Int) -> PrefixReuse {
        let shared = min(s, n - 1)
        let budget = kvBudget(prompt: Double(n))
        let prefix = heldKVBytes(tokens: Double(shared))
        let perSession = heldKVBytes(tokens: Double(n)) - prefix
        let groups = sessionGroups
        let fitting = budget / groups - prefix
        let count = fitting > 0 && perSession > 0 ? (fitting / perSession).rounded(.down) * groups : 0
        return PrefixReuse(
            prefixTokens: shared,
            concurrency: count >= Double(Int.max) ? Int.max : Int(count),
            concurrencyUnshared: concurrency(tokens: Double(n)),
            prefillSeconds: prefillTime(tokens: Double(n)).seconds,
            suffixPrefillSeconds: prefillTime(newTokens: Double(n - shared), after: Double(shared)).seconds)
    }
}
