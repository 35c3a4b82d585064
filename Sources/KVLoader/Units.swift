import KVStudy

/// Unit strings of study and catalog files (SPEC §2): `80 GiB`, `2039 GB/s`, `400 Gb/s`,
/// `312 TFLOP/s`, `989e12`; token counts `4K`, `128K`, `1M`, `50_000` with K = 1024, M = 1048576.
public enum Units {
    /// Bytes per unit of capacity. GB = 1e9; GiB = 2^30 (HBM capacities are binary on real parts).
    public static let bytes: [String: Double] = [
        "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
        "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
    ]

    /// Bytes/s per unit of bandwidth; `Gb/s` is bits (400 Gb/s = 50 GB/s).
    public static let bandwidth: [String: Double] = {
        var table: [String: Double] = [:]
        for (unit, scale) in bytes { table[unit + "/s"] = scale }
        for (unit, scale) in ["Kb/s": 1e3, "Mb/s": 1e6, "Gb/s": 1e9, "Tb/s": 1e12] { table[unit] = scale / 8 }
        return table
    }()

    /// FLOP/s per unit of compute (`TOPS` for int8 tensor-core rates).
    public static let flops: [String: Double] = [
        "FLOP/s": 1, "FLOPS": 1, "GFLOP/s": 1e9, "GFLOPS": 1e9, "TFLOP/s": 1e12, "TFLOPS": 1e12,
        "PFLOP/s": 1e15, "PFLOPS": 1e15, "TOPS": 1e12, "POPS": 1e15,
    ]

    /// Named host links, per direction (PCI-SIG x16 theoretical rates; NVLink-C2C 900 GB/s total).
    public static let hostLinks: [String: (label: String, bytesPerSecond: Double)] = [
        "pcie-gen3-x16": ("PCIe Gen3 x16", 16e9),
        "pcie-gen4-x16": ("PCIe Gen4 x16", 32e9),
        "pcie-gen5-x16": ("PCIe Gen5 x16", 64e9),
        "pcie-gen6-x16": ("PCIe Gen6 x16", 128e9),
        "nvlink-c2c": ("NVLink-C2C", 450e9),
    ]

    public enum ParseError: Error, Equatable {
        case notANumber
        case notFinite
        case unknownUnit(String, suggestion: String?)
        case notWhole
        case tooLarge
    }

    /// A plain number: digits with optional `_` separators, a fraction and an exponent.
    public static func number(_ text: String) throws(ParseError) -> Double {
        let cleaned = text.trimmingSpaces.filter { $0 != "_" }
        let lowered = cleaned.lowercased()
        if ["inf", "+inf", "-inf", ".inf", "+.inf", "-.inf", "nan", ".nan", "infinity", "-infinity"].contains(lowered) {
            throw .notFinite
        }
        guard !cleaned.isEmpty, cleaned.allSatisfy({ "0123456789.eE+-".contains($0) }),
              cleaned.first.map({ "0123456789.+-".contains($0) }) == true,
              let value = Double(cleaned)
        else { throw .notANumber }
        guard value.isFinite else { throw .notFinite }
        return value
    }

    /// A number followed by a unit from `table`; a bare number is already in base units.
    public static func quantity(_ text: String, in table: [String: Double]) throws(ParseError) -> Double {
        let trimmed = text.trimmingSpaces
        var split = trimmed.startIndex
        var index = trimmed.startIndex
        while index < trimmed.endIndex {
            let character = trimmed[index]
            let isExponent = (character == "e" || character == "E") && index != trimmed.startIndex
                && trimmed.index(after: index) < trimmed.endIndex
                && "0123456789+-".contains(trimmed[trimmed.index(after: index)])
            guard "0123456789._+-".contains(character) || isExponent else { break }
            index = trimmed.index(after: index)
            split = index
        }
        let value = try number(String(trimmed[..<split]))
        let unit = String(trimmed[split...]).trimmingSpaces
        if unit.isEmpty { return value }
        guard let scale = table[unit] else {
            throw .unknownUnit(unit, suggestion: suggestion(for: unit, among: table.keys.sorted()))
        }
        let result = value * scale
        guard result.isFinite else { throw .notFinite }
        return result
    }

    /// A token count: `4096`, `50_000`, `4K` (4096), `128K`, `1M` (1048576), `1.5M`.
    public static func tokens(_ text: String) throws(ParseError) -> Int {
        try checkedInt(tokenValue(text))
    }

    /// A token count as a whole `Double`, not yet range-checked (the loader states the range).
    static func tokenValue(_ text: String) throws(ParseError) -> Double {
        var body = text.trimmingSpaces
        var scale = 1.0
        if let last = body.last, "KkMm".contains(last) {
            scale = (last == "K" || last == "k") ? 1024 : 1_048_576
            body.removeLast()
        } else if let last = body.last, last.isLetter {
            let unit = String(body.drop { !$0.isLetter })
            throw .unknownUnit(unit, suggestion: suggestion(for: unit, among: ["K", "M"]))
        }
        let value = try number(body) * scale
        guard value.isFinite else { throw .notFinite }
        guard value == value.rounded() else { throw .notWhole }
        return value
    }

    /// A plain integer (no unit suffix), with `_` separators allowed.
    public static func integer(_ text: String) throws(ParseError) -> Int {
        try checkedInt(integerValue(text))
    }

    /// A whole `Double` as an `Int`, refused from 1e15 on.
    private static func checkedInt(_ value: Double) throws(ParseError) -> Int {
        guard abs(value) < 1e15 else { throw .tooLarge }
        return Int(value)
    }

    /// A whole number as a `Double`, not yet range-checked.
    static func integerValue(_ text: String) throws(ParseError) -> Double {
        let value = try number(text)
        guard value == value.rounded() else { throw .notWhole }
        return value
    }
}

extension Units {
    /// A whole number as a study file may write it, `_` between thousands: `200_000`.
    public static func written(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "_" }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}

extension String {
    var trimmingSpaces: String {
        var result = Substring(self)
        while let first = result.first, first.isWhitespace { result.removeFirst() }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return String(result)
    }

}
