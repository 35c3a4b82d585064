/// A double rounded to 15 significant digits, computed without formatting it first: the fast
/// path of `JSONWriter.writeNumber` (issue 13), which writes what the slow path writes (issue 12's
/// rule: the value rounded to 15 digits as C's `%.15g` rounds it, then written as Swift writes
/// that rounded value) in a few dozen instructions instead of two shortest-digit conversions.
///
/// The value v is scaled to `x = v·10^(14−k)` in [10^14, 10^15) in double-double arithmetic:
/// `v·10^p` is exact as `hi + lo` through a fused multiply-add when 10^p is an exact double
/// (p ≤ 22; Dekker 1971, "A floating-point technique for extending the available precision"),
/// and the remainder `v − q·10^p` of a correctly rounded quotient q is an exact double too
/// (Bohlender, Walter, Kornerup & Matula 1991, "Semantics for exact floating point operations"),
/// so x is known to about 2^−100 of itself. The 15 digits are x rounded to an integer; where x
/// lies within 10^−6 of a tie (…5 exactly halfway, where C rounds the exact binary value half to
/// even) the answer is left to C.
enum FifteenDigits {
    /// 10^0 … 10^22, every one an exact double.
    static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
    /// 10^0 … 10^19.
    static let integerPowers: [UInt64] = (0...19).map { power in (0..<power).reduce(1) { value, _ in value * 10 } }

    /// `magnitude` (finite, > 0) as `digits · 10^(exponent − 14)` with 10^14 ≤ digits < 10^15,
    /// rounded to nearest; nil when it lies too near a tie to decide here, or outside
    /// 10^−30 … 10^37 (C decides those).
    static func decimal(_ magnitude: Double) -> (digits: UInt64, exponent: Int)? {
        guard magnitude >= 1e-30, magnitude < 1e37 else { return nil }
        // floor(log10 v) is this estimate or one more: v lies in [2^e, 2^(e+1)).
        var k = Int((Double(magnitude.exponent) * 0.301_029_995_663_981_2).rounded(.down))
        for _ in 0..<3 {
            guard let (hi, lo) = scaled(magnitude, byPowerOfTen: 14 - k) else { return nil }
            if hi < 1e14 || (hi == 1e14 && lo < 0) { k -= 1; continue }
            if hi > 1e15 || (hi == 1e15 && lo >= 0) { k += 1; continue }
            var whole = hi.rounded(.down)
            var fraction = (hi - whole) + lo
            if fraction < 0 { whole -= 1; fraction += 1 } else if fraction >= 1 { whole += 1; fraction -= 1 }
            guard abs(fraction - 0.5) > 1e-6 else { return nil }
            var digits = UInt64(whole) + (fraction > 0.5 ? 1 : 0)
            if digits == 1_000_000_000_000_000 { digits = 100_000_000_000_000; k += 1 }
            return (digits, k)
        }
        return nil
    }

    /// `v·10^p` as an unevaluated sum `hi + lo` (|lo| ≤ half an ulp of hi), for −22 ≤ p ≤ 44.
    @inline(__always) static func scaled(_ v: Double, byPowerOfTen p: Int) -> (hi: Double, lo: Double)? {
        if p >= 0, p <= 22 {
            let power = exactPowers[p]
            let hi = v * power
            return (hi, (-hi).addingProduct(v, power))  // v·10^p − hi, exactly
        }
        if p > 22, p <= 44 {
            let first = exactPowers[22], second = exactPowers[p - 22]
            let hi1 = v * first, lo1 = (-hi1).addingProduct(v, first)
            let hi = hi1 * second
            return (hi, (-hi).addingProduct(hi1, second) + lo1 * second)
        }
        if p < 0, p >= -22 {
            let power = exactPowers[-p]
            let hi = v / power
            let remainder = v.addingProduct(-hi, power)  // v − hi·10^q, exactly
            return (hi, remainder / power)
        }
        return nil
    }
}

extension JSONWriter {
    /// Writes `sign · digits · 10^(exponent − 14)` (15 digits, rounded already) as issue 12's rule
    /// writes the rounded value: an integer when it is one below 2^53, else Swift's `description`
    /// of it — decimal from 10^−4 up, exponential (`1.5e-05`, `1.2e+16`) below 10^−4 and above
    /// 2^53, at least two exponent digits.
    func writeRounded(negative: Bool, digits: UInt64, exponent k: Int) {
        reserve(32)
        if k >= 14 {
            let integer = k == 14 ? digits : digits &* 10  // k = 15: below 10^16
            if k <= 15, integer < 9_007_199_254_740_992 {
                writeInteger(negative ? -Int(integer) : Int(integer))
                return
            }
        } else if k >= 0 {
            let unit = FifteenDigits.integerPowers[14 - k]
            if digits % unit == 0 {
                let integer = Int(digits / unit)
                writeInteger(negative ? -integer : integer)
                return
            }
        }
        // Strip the trailing zeros: the shortest text of the rounded value has no more digits.
        var significand = digits, length = 15
        while significand % 10 == 0 { significand /= 10; length -= 1 }
        if negative { appendUnreserved(UInt8(ascii: "-")) }
        if k >= -4, k < 14 {
            if k < 0 {
                appendUnreserved(UInt8(ascii: "0"))
                appendUnreserved(UInt8(ascii: "."))
                for _ in 0..<(-k - 1) { appendUnreserved(UInt8(ascii: "0")) }
                appendDecimal(significand, width: length)
            } else {
                // Not an integer: some of the digits come after the point.
                let fraction = length - (k + 1), unit = FifteenDigits.integerPowers[fraction]
                appendDecimal(significand / unit, width: k + 1)
                appendUnreserved(UInt8(ascii: "."))
                appendDecimal(significand % unit, width: fraction)
            }
            return
        }
        let unit = FifteenDigits.integerPowers[length - 1]
        appendDecimal(significand / unit, width: 1)
        if length > 1 {
            appendUnreserved(UInt8(ascii: "."))
            appendDecimal(significand % unit, width: length - 1)
        }
        appendUnreserved(UInt8(ascii: "e"))
        appendUnreserved(k < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let magnitude = k.magnitude
        if magnitude >= 100 { appendUnreserved(UInt8(ascii: "0") + UInt8(magnitude / 100)) }
        appendUnreserved(UInt8(ascii: "0") + UInt8(magnitude / 10 % 10))
        appendUnreserved(UInt8(ascii: "0") + UInt8(magnitude % 10))
    }
}
