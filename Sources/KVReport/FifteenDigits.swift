/// A double rounded to 15 significant digits, computed without formatting it first: the fast
/// path of `JSONWriter.writeNumber` (issue 13), which writes what the slow path writes (issue 12's
/// rule: the value rounded to 15 digits as C's `%.15g` rounds it, then written as Swift writes
/// that rounded value) in about a hundred instructions instead of two shortest-digit conversions.
///
/// A double v = m·2^e (m < 2^53) lies in [10^k, 10^(k+2)) for k = ⌊e·log10 2⌋, so
/// x = v·10^(14−k) lies in [10^14, 10^16). For 10^−13 ≤ v < 10^37 that x is computed exactly, in
/// integers: 10^p = 5^p·2^p, so for p ≥ 0 x = (m·5^p)·2^(e+p), a 117-bit product shifted, and for
/// p < 0 x = m·2^e / 10^−p, one 128-bit division. Its integer part and whether the fraction is
/// nothing, below, at or above one half (round and sticky bits) decide the rounding exactly, as
/// C rounds the exact binary value; an exact tie (…5 exactly halfway) is left to C. Below 10^−13,
/// where the product outgrows 128 bits, v·10^p is formed in double-double arithmetic instead
/// (Dekker 1971, "A floating-point technique for extending the available precision": an exact
/// product through a fused multiply-add), known to about 2^−100 of itself, and a value within
/// 10^−6 of a tie is left to C.
enum FifteenDigits {
    /// `magnitude` (finite, > 0) as `digits · 10^(exponent − 14)` with 10^14 ≤ digits < 10^15,
    /// rounded to nearest; nil at an exact tie, or outside 10^−30 … 10^37 (C decides those).
    static func decimal(_ magnitude: Double) -> (digits: UInt64, exponent: Int)? {
        guard magnitude >= 1e-30, magnitude < 1e37 else { return nil }
        let bits = magnitude.bitPattern  // normal and positive: the sign bit is 0
        let binaryExponent = Int(truncatingIfNeeded: bits >> 52) &- 1075  // magnitude = significand · 2^binaryExponent
        let significand = bits & (1 << 52 &- 1) | 1 << 52
        // ⌊e·log10 2⌋ for magnitude in [2^e, 2^(e+1)): log10 2 ≈ 78913/2^18 gives it exactly for
        // |e| ≤ 1650 (Adams 2018, "Ryū: fast float-to-string conversion", §3.3).
        var k = ((binaryExponent &+ 52) &* 78_913) >> 18
        let p = 14 &- k
        if p > 27 { return decimalOfSmall(magnitude, k) }

        // x = magnitude · 10^p as whole + fraction; `half`: fraction ≥ 1/2; `sticky`: the
        // fraction is neither 0 nor exactly 1/2.
        var whole: UInt64, half: Bool, sticky: Bool
        if p >= 0 {
            let product = UInt128(significand) &* UInt128(powerOfFive(p))  // < 2^116
            let shift = binaryExponent &+ p
            if shift >= 0 {
                whole = UInt64(truncatingIfNeeded: product << shift)  // x < 10^16: no bits lost
                half = false
                sticky = false
            } else {
                let drop = -shift  // < 117: x ≥ 10^14
                whole = UInt64(truncatingIfNeeded: product >> drop)
                let fraction = product << (128 &- drop)  // the bits below the point, at the top
                half = fraction >> 127 != 0
                sticky = fraction << 1 != 0
            }
        } else {
            (whole, half, sticky) = dividedByPowerOfTen(significand, binaryExponent, -p)
        }
        if whole >= 1_000_000_000_000_000 {
            // x ≥ 10^15: the digits are x/10, whose fraction is (the last digit + x's fraction)/10.
            let last = whole % 10
            whole /= 10
            sticky = last > 5 || half || sticky
            half = last >= 5
            k &+= 1
        }
        if half {
            guard sticky else { return nil }  // exactly halfway
            whole &+= 1
            if whole == 1_000_000_000_000_000 { whole = 100_000_000_000_000; k &+= 1 }
        }
        return (whole, k)
    }

    /// significand · 2^binaryExponent / 10^n for 10^15 ≤ the value < 10^37 (1 ≤ n ≤ 22), as
    /// `decimal` needs it: the whole part, whether the fraction is at least 1/2, and whether it is
    /// neither 0 nor exactly 1/2. At most 3 bits of such a value lie below the point.
    static func dividedByPowerOfTen(_ significand: UInt64, _ binaryExponent: Int, _ n: Int) -> (UInt64, Bool, Bool) {
        let numerator = UInt128(significand) << max(binaryExponent, 0)  // < 10^37 < 2^123
        let divisor = UInt128(powerOfFive(n)) << (n &+ max(-binaryExponent, 0))  // 10^n · 2^…, < 2^77
        let quotient: UInt128, remainder: UInt128
        if numerator >> 64 == 0, divisor >> 64 == 0 {  // below 2^64 (about 1.8·10^19): one 64-bit division
            let (q, r) = UInt64(truncatingIfNeeded: numerator).quotientAndRemainder(dividingBy: UInt64(truncatingIfNeeded: divisor))
            (quotient, remainder) = (UInt128(q), UInt128(r))
        } else {
            (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: divisor)
        }
        return (UInt64(truncatingIfNeeded: quotient), remainder &* 2 >= divisor, remainder != 0 && remainder &* 2 != divisor)
    }

    /// 5^p for 0 ≤ p ≤ 27 (5^27 < 2^63): with 2^p, the power of ten 10^p.
    @inline(__always) static func powerOfFive(_ p: Int) -> UInt64 {
        // A switch of constants compiles to one load from a constant table: no array, no lazy
        // global to initialise.
        switch p {
        case 0: 1
        case 1: 5
        case 2: 25
        case 3: 125
        case 4: 625
        case 5: 3125
        case 6: 15625
        case 7: 78125
        case 8: 390_625
        case 9: 1_953_125
        case 10: 9_765_625
        case 11: 48_828_125
        case 12: 244_140_625
        case 13: 1_220_703_125
        case 14: 6_103_515_625
        case 15: 30_517_578_125
        case 16: 152_587_890_625
        case 17: 762_939_453_125
        case 18: 3_814_697_265_625
        case 19: 19_073_486_328_125
        case 20: 95_367_431_640_625
        case 21: 476_837_158_203_125
        case 22: 2_384_185_791_015_625
        case 23: 11_920_928_955_078_125
        case 24: 59_604_644_775_390_625
        case 25: 298_023_223_876_953_125
        case 26: 1_490_116_119_384_765_625
        default: 7_450_580_596_923_828_125
        }
    }

    /// 10^n for 0 ≤ n ≤ 19.
    @inline(__always) static func powerOfTen(_ n: Int) -> UInt64 { powerOfFive(n) << n }

    /// 10^n for 0 ≤ n ≤ 22, exactly (5^22 < 2^53).
    @inline(__always) static func exactPowerOfTen(_ n: Int) -> Double { Double(powerOfFive(n)) * Double(sign: .plus, exponent: n, significand: 1) }

    /// `decimal` for 10^−30 ≤ magnitude < 10^−13 (k < −13), in double-double arithmetic: x is
    /// known to about 2^−100 of itself, and a value within 10^−6 of a tie is left to C.
    static func decimalOfSmall(_ magnitude: Double, _ estimate: Int) -> (digits: UInt64, exponent: Int)? {
        var k = estimate
        for _ in 0..<2 {
            let (hi, lo) = scaled(magnitude, byPowerOfTen: 14 - k)
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

    /// `v·10^p` as an unevaluated sum `hi + lo` (|lo| ≤ half an ulp of hi), for 22 < p ≤ 44:
    /// v·10^22 exactly as hi1 + lo1 (10^22 is an exact double), then times 10^(p−22).
    static func scaled(_ v: Double, byPowerOfTen p: Int) -> (hi: Double, lo: Double) {
        let first = exactPowerOfTen(22), second = exactPowerOfTen(p - 22)
        let hi1 = v * first, lo1 = (-hi1).addingProduct(v, first)  // v·10^22 − hi1, exactly
        let hi = hi1 * second
        return (hi, (-hi).addingProduct(hi1, second) + lo1 * second)
    }
}

extension JSONWriter {
    /// Writes `sign · digits · 10^(exponent − 14)` (15 digits, rounded already) as issue 12's rule
    /// writes the rounded value: an integer when it is one below 2^53, else Swift's `description`
    /// of it — decimal from 10^−4 up, exponential (`1.5e-05`, `1.2e+16`) below 10^−4 and above
    /// 2^53, at least two exponent digits. The shortest text of the rounded value is its digits
    /// without their trailing zeros (15 digits always round-trip, and two values 15 digits apart
    /// are further apart than a double's ulp).
    func writeRounded(negative: Bool, digits: UInt64, exponent k: Int) {
        reserve(80)
        count &+= Self.roundedText(negative: negative, digits: digits, exponent: k, at: start + count)
    }

    /// `writeRounded`'s text at `out`, where there is room for 80 bytes; returns its length.
    static func roundedText(negative: Bool, digits: UInt64, exponent k: Int, at out: UnsafeMutablePointer<UInt8>) -> Int {
        // The 15 digits go 40 bytes on, in room `reserve` made, after a "0" (eight digits of
        // digits / 10^8 < 10^7); the text is laid out from there with eight-byte copies, which
        // may carry bytes past the text's end (never counted).
        let scratch = out + 40
        let high = eightDigits(UInt32(truncatingIfNeeded: digits / 100_000_000))
        let low = eightDigits(UInt32(truncatingIfNeeded: digits % 100_000_000))
        store(high, at: scratch - 1)
        store(low, at: scratch + 7)
        // Trailing zeros: the "0" bytes at the top of the last word, and of the first when the
        // last is all zeros (the first digit is never 0).
        let zeros: UInt64 = 0x3030_3030_3030_3030
        let trailing = low != zeros ? (low ^ zeros).leadingZeroBitCount >> 3 : 8 &+ (high ^ zeros).leadingZeroBitCount >> 3
        let length = 15 &- trailing  // significant digits, 1 … 15
        var at = 0
        if negative { out[0] = UInt8(ascii: "-"); at = 1 }
        if k >= 0, k < 14 || (k < 16 && (k == 14 || digits <= 900_719_925_474_099)) {
            // From 1 to 2^53: the integer part, then the fraction's digits if there are any.
            let integer = k &+ 1
            copy16(from: scratch, to: out + at)
            if k == 15 { out[at &+ 15] = UInt8(ascii: "0") }  // digits · 10 < 2^53
            at &+= integer
            if length > integer {
                out[at] = UInt8(ascii: ".")
                copy16(from: scratch + integer, to: out + (at &+ 1))
                at &+= 1 &+ length &- integer
            }
        } else if k < 0, k >= -4 {
            // 0.0001 … 1: "0." and −k − 1 zeros before the digits.
            UnsafeMutableRawPointer(out + at).storeBytes(of: (0x3030_3030_3030_2E30 as UInt64).littleEndian, as: UInt64.self)  // "0.000000"
            at &+= 1 &- k
            copy16(from: scratch, to: out + at)
            at &+= length
        } else {
            // d.ddde±XX
            out[at] = scratch[0]
            at &+= 1
            if length > 1 {
                out[at] = UInt8(ascii: ".")
                copy16(from: scratch + 1, to: out + (at &+ 1))
                at &+= length
            }
            out[at] = UInt8(ascii: "e")
            out[at &+ 1] = k < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
            at &+= 2
            let magnitude = Int(k.magnitude)
            if magnitude >= 100 {
                out[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude / 100)
                at &+= 1
            }
            writePair(magnitude % 100, to: out + at)
            at &+= 2
        }
        return at
    }

    /// Sixteen bytes from `source` to `target` (the buffers overlap nowhere).
    @inline(__always) static func copy16(from source: UnsafeMutablePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
    }

    /// Two digits of `value` (< 100) at `target`.
    @inline(__always) static func writePair(_ value: Int, to target: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(target).storeBytes(of: pair(value).littleEndian, as: UInt16.self)
    }
}
