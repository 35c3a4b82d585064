import Foundation

/// Numbers as tick labels read: a fixed number of significant digits, no exponent noise, the same
/// text for the same value on every machine.
enum LabelNumber {
    static let prefixes: [(scale: Double, symbol: String)] = [
        (1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K"),
    ]

    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e21 || magnitude < 1e-3 { return scientific(value) }
        for prefix in prefixes where magnitude >= prefix.scale * 0.9995 {
            return decimal(value / prefix.scale, significant: 3) + prefix.symbol
        }
        return decimal(value, significant: 3)
    }

    static func tokens(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == value.rounded(), abs(value) >= 1024, abs(value) < 1e15 {
            let count = Int64(value)
            for (unit, symbol) in [(Int64(1) << 30, "G"), (Int64(1) << 20, "M"), (Int64(1) << 10, "K")]
            where count % unit == 0 {
                return "\(count / unit)\(symbol)"
            }
        }
        return compact(value)
    }

    /// `value` rounded to `significant` digits, trailing zeros dropped: `1.5`, `250`, `0.0125`.
    static func decimal(_ value: Double, significant: Int) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e15 { return scientific(value) }
        let exponent = Int(floor(log10(magnitude)))
        let decimals = Swift.min(Swift.max(0, significant - 1 - exponent), 12)
        let scale = power10(decimals)
        let scaled = (magnitude * scale).rounded()
        guard scaled < 9e15 else { return scientific(value) }
        let units = Int64(scaled)
        let divisor = Int64(scale)
        var text = String(units / divisor)
        if decimals > 0 {
            var fraction = String(units % divisor)
            fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
            while fraction.last == "0" { fraction.removeLast() }
            if !fraction.isEmpty { text += "." + fraction }
        }
        return (value < 0 && units > 0 ? "-" : "") + text
    }

    /// `2.5e-7`, `1e24`.
    static func scientific(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return value == 0 ? "0" : "" }
        var exponent = Int(floor(log10(abs(value))))
        var mantissa = value / power10(exponent)
        if abs(mantissa) >= 9.95 { exponent += 1; mantissa /= 10 }
        return decimal(mantissa, significant: 2) + "e" + String(exponent)
    }

    /// 10^exponent as the nearest Double, the same on every platform (`pow` may differ in the last bit).
    static func power10(_ exponent: Int) -> Double {
        Double("1e\(exponent)") ?? 0
    }
}
