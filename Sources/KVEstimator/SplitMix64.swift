/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA
/// 2014): a tiny seeded generator, so bootstrap draws (and randomised tests) never depend on the
/// platform and a failure reproduces.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    public mutating func uniform() -> Double { Double((next() >> 11) + 1) * 0x1p-53 }

    /// A uniform index in 0..<n (n > 0); the modulo bias is below 2⁻⁵⁰ for the row counts here.
    public mutating func index(below n: Int) -> Int { Int(next() % UInt64(n)) }
}
