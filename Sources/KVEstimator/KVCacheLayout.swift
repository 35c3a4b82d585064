/// How one session's KV cache grows with its token count c, after compression: every figure the
/// decode loop needs, precomputed so that `bytes(tokens:)` is arithmetic only.
///
/// Per attention layer a token stores `2·Hkv·dh` elements (full attention) or `r + dr` (MLA,
/// DeepSeek-V2 §2.1.2); a window layer holds at most W tokens, a chunked layer at most C; a
/// state-space layer holds a constant `expand·d·(d_state + d_conv)` elements per session.
/// Compression then applies per layer (SPEC §3): kept tokens `min(x, max(budget, keep·x))`,
/// retrieval heads `r·k + (1 − r)·min(k, window)`, the first `residual` tokens at full precision and
/// the rest at `(bits + 32/group)/8` bytes per element, rank × `kv_rank`, and stored layers
/// `⌈layers/s⌉` (CLA) or `layers·kv_layers`.
public struct KVCacheLayout: Sendable, Equatable {
    /// Layers that store KV, by kind (after cross-layer sharing).
    public var storedGlobalLayers: Double
    public var storedLocalLayers: Double
    public var storedChunkedLayers: Double
    /// Layers that attend, by kind (sharing does not remove attention compute).
    public var globalLayers: Double
    public var localLayers: Double
    public var chunkedLayers: Double
    /// KV elements one token adds to one layer (× `kv_rank`).
    public var elementsPerTokenPerLayer: Double
    public var fullBytesPerElement: Double
    public var compressedBytesPerElement: Double
    public var residualTokens: Double
    public var window: Double
    public var chunk: Double
    public var tokenKeep: Double
    public var tokenBudget: Double
    public var retrievalFraction: Double
    public var streamingWindow: Double
    /// Constant state of the state-space layers, bytes per session.
    public var stateBytes: Double
    /// A further reduction of every byte, for "how much smaller must the KV be" questions.
    public var scale: Double = 1
    /// Prompt tokens evicted once after prefill (SnapKV-style): during decode a layer holds
    /// `x − evicted` tokens instead of `min(x, max(budget, keep·x))`. 0: evict as it goes.
    public var evictedTokens: Double = 0

    init(model: Model, compression: Compression, kvPrecision: Precision) {
        let counts = model.layerCounts
        func stored(_ layers: Int) -> Double {
            var count = Double(layers)
            if let share = compression.layerShare { count = (count / Double(share)).rounded(.up) }
            if let fraction = compression.kvLayers { count *= fraction }
            return count
        }
        storedGlobalLayers = stored(counts.global)
        storedLocalLayers = stored(counts.local)
        storedChunkedLayers = stored(counts.chunked)
        globalLayers = Double(counts.global)
        localLayers = Double(counts.local)
        chunkedLayers = Double(counts.chunked)

        let perLayer = model.mla.map { Double($0.kvLoraRank + $0.qkRopeHeadDim) } ?? Double(2 * model.kvHeads * model.headDim)
        elementsPerTokenPerLayer = perLayer * (compression.kvRank ?? 1)
        fullBytesPerElement = kvPrecision.bytes
        if let bits = compression.kvBits {
            let groupOverheadBits = compression.groupSize.map { 32 / Double($0) } ?? 0
            compressedBytesPerElement = (bits + groupOverheadBits) / 8
            residualTokens = Double(compression.residualTokens ?? 0)
        } else {
            compressedBytesPerElement = fullBytesPerElement
            residualTokens = 0
        }
        window = Double(model.attention.slidingWindow ?? Int.max)
        chunk = Double(model.attention.chunkSize ?? Int.max)
        tokenKeep = compression.tokenKeep ?? (compression.tokenBudget == nil ? 1 : 0)
        tokenBudget = Double(compression.tokenBudget ?? 0)
        retrievalFraction = compression.retrievalHeads ?? 1
        streamingWindow = Double(compression.streamingWindow ?? Int.max)
        if let ssm = model.ssm {
            let perLayer = Double(ssm.expand * model.hidden * (ssm.dState + ssm.dConv))
            stateBytes = Double(counts.stateSpace) * perLayer * kvPrecision.bytes
        } else {
            stateBytes = 0
        }
    }

    /// Tokens kept by token eviction out of x: `min(x, max(budget, keep·x))`.
    @inline(__always) func keptTokens(_ x: Double) -> Double {
        min(x, max(tokenBudget, tokenKeep * x))
    }

    /// The layout while decoding after an n-token prompt whose tokens were evicted once: the
    /// prompt keeps `K = min(n, max(budget, keep·n))` tokens and every later token is kept
    /// (window, chunk and head caps still apply per layer).
    func afterPrompt(_ n: Double) -> KVCacheLayout {
        var layout = self
        let kept = keptTokens(n)
        layout.evictedTokens = n - kept
        if layout.evictedTokens <= 0 { layout.evictedTokens = 0; layout.tokenKeep = 1; layout.tokenBudget = 0 }
        return layout
    }

    /// Token-equivalents held per head after retrieval heads: `r·k + (1 − r)·min(k, window)`.
    @inline(__always) func headTokens(_ k: Double) -> Double {
        retrievalFraction * k + (1 - retrievalFraction) * min(k, streamingWindow)
    }

    /// Tokens a layer attends to (and stores) when the session holds c tokens, given the layer's cap;
    /// after a prompt-only eviction `min(cap, c − evicted)`.
    @inline(__always) func attendedTokens(_ c: Double, cap: Double) -> Double {
        if evictedTokens > 0 { return headTokens(min(cap, max(0, c - evictedTokens))) }
        return headTokens(keptTokens(min(c, cap)))
    }

    /// Bytes of one layer's KV for t token-equivalents: residual tokens at full precision.
    @inline(__always) func layerBytes(_ t: Double) -> Double {
        let full = min(t, residualTokens)
        return elementsPerTokenPerLayer * (full * fullBytesPerElement + (t - full) * compressedBytesPerElement)
    }

    /// `KV(c)`: bytes of one session's cache at c tokens.
    @inline(__always) public func bytes(tokens c: Double) -> Double {
        var total = stateBytes
        if storedGlobalLayers > 0 { total += storedGlobalLayers * layerBytes(attendedTokens(c, cap: .infinity)) }
        if storedLocalLayers > 0 { total += storedLocalLayers * layerBytes(attendedTokens(c, cap: window)) }
        if storedChunkedLayers > 0 { total += storedChunkedLayers * layerBytes(attendedTokens(c, cap: chunk)) }
        return total * scale
    }

    /// Whether `KV(c)` and the attended tokens are proportional to c: global layers only, every
    /// token kept, at one precision from the first (no residual), every head a retrieval head, no
    /// constant state, nothing evicted — a dense model without compression, or with quantisation,
    /// cross-layer sharing or low rank alone. For c ≥ 0 every other operation of `bytes(tokens:)`
    /// and `attendedTokens` is then an exact identity in floating point (`min(c, ∞) = c`,
    /// `min(x, max(0, 1·x)) = x`, `1·k + 0·min(k, w) = k`, `0·b_full + y = y`, `0 + y = y`), so
    /// `proportionalBytes` and `proportionalAttended` give the same bits with the rest left out.
    var isProportional: Bool {
        storedLocalLayers == 0 && storedChunkedLayers == 0 && localLayers == 0 && chunkedLayers == 0
            && tokenKeep == 1 && tokenBudget == 0 && retrievalFraction == 1 && residualTokens == 0
            && stateBytes == 0 && evictedTokens == 0
    }

    /// `bytes(tokens: c)` of a proportional layout (`isProportional`, c ≥ 0): `L_G·(e·(c·b))·scale`.
    @inline(__always) func proportionalBytes(tokens c: Double) -> Double {
        storedGlobalLayers * (elementsPerTokenPerLayer * (c * compressedBytesPerElement)) * scale
    }

    /// The smallest token count above `c` where `bytes(tokens:)` or the attended token counts may
    /// change slope. Between two such points both are linear in c, which is what lets the decode
    /// time be summed in closed form.
    func nextBreakpoint(after c: Double) -> Double {
        var next = Double.infinity
        @inline(__always) func consider(_ point: Double) {
            if point > c, point < next, point.isFinite { next = point }
        }
        // Kinks of min(c, cap) and of the kept tokens, as functions of c.
        consider(window)
        consider(chunk)
        if evictedTokens > 0 {
            // Kept = min(cap, c − evicted): kinks where a cap or the streaming window meets it.
            consider(evictedTokens)
            consider(window + evictedTokens)
            consider(chunk + evictedTokens)
            consider(streamingWindow + evictedTokens)
            consider(residualTokens + evictedTokens)
            if retrievalFraction < 1 {
                consider((residualTokens - (1 - retrievalFraction) * streamingWindow) / retrievalFraction + evictedTokens)
            }
            return next
        }
        consider(tokenBudget)
        if tokenKeep > 0 { consider(tokenBudget / tokenKeep) }
        // Kinks of the head tokens (at kept k = window) and of the residual (head tokens t = R),
        // mapped back through k = x and k = keep·x.
        @inline(__always) func considerKept(_ k: Double) {
            consider(k)
            if tokenKeep > 0 { consider(k / tokenKeep) }
        }
        considerKept(streamingWindow)
        considerKept(residualTokens)
        if retrievalFraction < 1 {
            considerKept((residualTokens - (1 - retrievalFraction) * streamingWindow) / retrievalFraction)
        }
        return next
    }
}

/// `KVCacheLayout.nextBreakpoint(after:)` without its scan: the layout's first breakpoints above 0,
/// found once (a window, a chunk, the kept-token and residual kinks, and the `Int.max` that
/// stands for "none" — rarely more than six).
struct KVBreakpoints: Sendable {
    /// The finite breakpoints above 0 in increasing order, the first six; +∞ past the last.
    let points: (Double, Double, Double, Double, Double, Double)
    /// Whether those are all of them.
    let complete: Bool

    init(_ layout: KVCacheLayout) {
        // nextBreakpoint(after: ∞) is ∞: the walk stays there once the breakpoints run out.
        let p0 = layout.nextBreakpoint(after: 0), p1 = layout.nextBreakpoint(after: p0)
        let p2 = layout.nextBreakpoint(after: p1), p3 = layout.nextBreakpoint(after: p2)
        let p4 = layout.nextBreakpoint(after: p3), p5 = layout.nextBreakpoint(after: p4)
        points = (p0, p1, p2, p3, p4, p5)
        complete = !layout.nextBreakpoint(after: p5).isFinite
    }

    /// None known: every `next(after:)` is nil (for a layout made per estimate, where finding
    /// them would cost more than it saves).
    init() {
        points = (0, 0, 0, 0, 0, 0)
        complete = false
    }

    /// `layout.nextBreakpoint(after: c)` when the stored points answer it, else nil: for c ≥ 0 the
    /// breakpoints above c are those of `points` above c (and none beyond them when `complete`).
    @inline(__always) func next(after c: Double) -> Double? {
        guard c >= 0 else { return nil }
        if c < points.0 { return points.0 }
        if c < points.1 { return points.1 }
        if c < points.2 { return points.2 }
        if c < points.3 { return points.3 }
        if c < points.4 { return points.4 }
        if c < points.5 { return points.5 }
        return complete ? .infinity : nil
    }
}
