/// Disaggregated prefill and decode (DistServe: Zhong et al. 2024, arXiv 2401.09670; Mooncake:
/// Qin et al. 2024, arXiv 2407.00079): one machine prefills, another decodes, and a session's KV
/// cache crosses the network between them — or the decode side recomputes the prefill instead.
extension Estimator {
    /// The largest context the break-even search considers, 2⁴⁰ tokens.
    public static let transferSearchLimitTokens = 1 << 40

    /// `kv_transfer_seconds = KV(n) / (g·net_bw)`: each of the g GPUs sends its shard over its own
    /// link (`Hardware.networkBytesPerSecond`, per GPU). Nil when the hardware states no network.
    public func kvTransferSeconds(tokens n: Double) -> Double? {
        guard let network = scenario.hardware.networkBytesPerSecond else { return nil }
        return kvBytes(tokens: n) / (gpus * network)
    }

    /// From which context moving the KV beats recomputing the prefill (`kv_transfer_breakeven_context`);
    /// nil when the hardware states no network.
    ///
    /// Transfer grows linearly in n (KV(n)/n never grows: windows, budgets and compression only
    /// shrink it), prefill at least linearly and quadratically once attention dominates, so the
    /// contexts where recompute wins form (at most) one interval, usually empty: a prefill never takes
    /// less than reading the weights once, and the KV of a short prompt crosses the network in
    /// microseconds. The answer is the smallest n such that transfer wins at n and beyond: a scan
    /// down from 2⁴⁰ tokens in steps of 2^{1/8} finds the largest context where recompute wins,
    /// and integer bisection the exact boundary above it. (Exact when that interval is as
    /// described; an interval narrower than one scan step, ~9%, can be missed.)
    public func kvTransferBreakEven() -> TransferBreakEven? {
        guard let network = scenario.hardware.networkBytesPerSecond else { return nil }
        let rate = gpus * network
        func transferWins(_ n: Int) -> Bool {
            let tokens = Double(n)
            return kvBytes(tokens: tokens) / rate < prefillTime(tokens: tokens).seconds
        }
        var wins = Self.transferSearchLimitTokens
        guard transferWins(wins) else { return .neverWins }
        var loses: Int? = nil
        var point = Double(wins)
        let step = 1.0905077326652577  // 2^{1/8}
        while loses == nil, wins > 1 {
            point /= step
            let n = min(wins - 1, max(1, Int(point.rounded(.down))))
            if transferWins(n) { wins = n } else { loses = n }
        }
        guard var low = loses else { return .alwaysWins }
        while wins - low > 1 {
            let mid = low + (wins - low) / 2
            if transferWins(mid) { wins = mid } else { low = mid }
        }
        return .from(wins)
    }
}

/// Where moving a session's KV over the network beats recomputing its prefill.
public enum TransferBreakEven: Sendable, Equatable {
    /// Transfer is faster at every context ≥ 1 (JSON `null`: there is no break-even to report).
    case alwaysWins
    /// Transfer is faster at this context and every longer one (up to 2⁴⁰ tokens); recompute is
    /// at least as fast at the context just below.
    case from(Int)
    /// Recompute is at least as fast even at 2⁴⁰ tokens: transfer never wins in range.
    case neverWins

    /// The break-even context, or nil when transfer always wins — and nil for `neverWins`, which a
    /// caller that reports it must tell apart by the case itself.
    public var context: Int? {
        if case .from(let n) = self { return n }
        return nil
    }
}
