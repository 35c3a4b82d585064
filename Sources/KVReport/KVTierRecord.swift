import KVEstimator

/// A built-in KV tier as `kvplan catalog kv-tiers` lists it: a table row, or a JSON object with its source.
public enum KVTierRecord {
    public static func json(_ tier: KVTier) -> JSONValue {
        .object([
            ("name", .string(tier.name)),
            ("label", .string(tier.label)),
            ("capacity_bytes", .finite(tier.capacityBytes)),
            ("read_bytes_per_second", .finite(tier.readBytesPerSecond)),
            ("write_bytes_per_second", .finite(tier.writeBytesPerSecond)),
            ("link", .string(tier.link)),
            ("source", .string(tier.source)),
        ])
    }

    public static func table(_ tiers: [KVTier]) -> String {
        let format = Format()
        let rate = { (value: Double?) in value.map { "\(Format.fixed($0 / 1e9, significant: 3)) GB/s" } ?? "host link" }
        return TextTable(
            headers: ["tier", "capacity (per GPU)", "read", "write", "link", "source"],
            rows: tiers.map { tier in
                [tier.name, tier.capacityBytes.map(format.bytes) ?? (tier.isHostMemory ? "host_memory" : "unbounded"),
                 rate(tier.readBytesPerSecond), rate(tier.writeBytesPerSecond), tier.link, tier.source]
            },
            rightAligned: [1, 2, 3]).text
    }
}
