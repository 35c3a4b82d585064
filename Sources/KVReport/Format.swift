import KVEstimator
import KVStudy

/// How figures read in tables and prose: sizes in GB (1e9) or GiB (`units: binary`), always
/// saying which; times in s/ms; counts with thousands separators.
public struct Format: Sendable {
    public var sizeUnits: SizeUnits

    public init(sizeUnits: SizeUnits = .decimal) { self.sizeUnits = sizeUnits }

    /// `12.29 GB` / `11.44 GiB`; small sizes in MB/KB (MiB/KiB).
    public func bytes(_ value: Double) -> String {
        let (base, names) = sizeUnits == .decimal ? (1000.0, ["B", "KB", "MB", "GB", "TB", "PB"]) : (1024.0, ["B", "KiB", "MiB", "GiB", "TiB", "PiB"])
        guard value.isFinite else { return "—" }
        var scaled = abs(value), index = 0
        while scaled >= base, index < names.count - 1 { scaled /= base; index += 1 }
        let signed = value < 0 ? -scaled : scaled
        return "\(Format.fixed(signed, significant: 4)) \(names[index])"
    }

    /// The size unit a table column states in its header: `GB` or `GiB`.
    public var gigabyteName: String { sizeUnits == .decimal ? "GB" : "GiB" }
    public var gigabyte: Double { sizeUnits == .decimal ? 1e9 : 1_073_741_824 }

    /// `17.6 s`, `33.8 ms`, `950 µs`.
    public static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        if value >= 1 { return "\(fixed(value, significant: 3)) s" }
        if value >= 1e-3 { return "\(fixed(value * 1e3, significant: 3)) ms" }
        return "\(fixed(value * 1e6, significant: 3)) µs"
    }

    /// `1,048,576`.
    public static func integer(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// Token counts as users write them: `4K`, `128K`, `1M`, else `50,000`.
    public static func tokens(_ value: Int) -> String {
        if value >= 1_048_576, value % 1_048_576 == 0 { return "\(value / 1_048_576)M" }
        if value >= 1024, value % 1024 == 0 { return "\(value / 1024)K" }
        return integer(value)
    }

    /// `4.2×`, `0.93×`.
    public static func factor(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        return "\(fixed(value, significant: value >= 100 ? 4 : 3))×"
    }

    /// FLOPs as `3.35 PFLOP`, `274 TFLOP`.
    public static func flops(_ value: Double) -> String {
        let names = ["FLOP", "kFLOP", "MFLOP", "GFLOP", "TFLOP", "PFLOP", "EFLOP"]
        var scaled = value, index = 0
        while scaled >= 1000, index < names.count - 1 { scaled /= 1000; index += 1 }
        return "\(fixed(scaled, significant: 3)) \(names[index])"
    }

    /// A number to `significant` digits without exponent, trailing zeros kept off for integers.
    public static func fixed(_ value: Double, significant: Int) -> String {
        guard value.isFinite else { return "—" }
        if value == 0 { return "0" }
        var digitsBefore = 0
        var magnitude = abs(value)
        while magnitude >= 1 { magnitude /= 10; digitsBefore += 1 }
        let decimals = abs(value) < 1 ? significant + leadingZeros(abs(value)) : max(0, significant - digitsBefore)
        return decimalString(value, decimals: min(decimals, 9))
    }

    static func leadingZeros(_ value: Double) -> Int {
        var count = 0
        var x = value
        while x < 0.1, count < 12 { x *= 10; count += 1 }
        return count
    }

    /// `value` with exactly `decimals` digits after the point (no locale, no exponent).
    public static func decimalString(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        guard value.isFinite else { return "—" }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return scientific(value) }
        let whole = Int(scaled / scale)
        var text = String(whole)
        if decimals > 0 {
            let fraction = Int(scaled - Double(whole) * scale)
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return (value < 0 && scaled > 0 ? "-" : "") + text
    }
}

extension Int {
    /// `value` rounded toward zero and clamped to `Int`'s range (NaN → 0): a conversion that
    /// cannot trap, for figures on their way to a formatter.
    public init(clamping value: Double) {
        if value.isNaN { self = 0 } else if value >= 9.2e18 { self = .max } else if value <= -9.2e18 { self = .min } else { self = Int(value) }
    }
}

extension Format {
    /// A value too large for fixed notation (≥ 9e15 after scaling): `1.23e20`. Totality, not looks:
    /// the loader's ranges keep real figures far below.
    static func scientific(_ value: Double) -> String {
        var mantissa = abs(value), exponent = 0
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        return (value < 0 ? "-" : "") + decimalString(mantissa, decimals: 2) + "e\(exponent)"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
