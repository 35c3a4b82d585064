import KVEstimator
import KVStudy

/// The `kv_tiers` figures of one scenario at one context, appended to its `kvplan estimate --json`
/// record: `returning_new_tokens`, `recompute_ttft_seconds`, `kv_tiers` (one object per tier:
/// `tier, read_bytes_per_second, capacity_bytes, load_seconds, ttft_seconds, loading_wins,
/// break_even_context, offload_seconds`), with a prefix `prefix_tokens, prefix_concurrency,
/// prefix_prefill_seconds_saved`, and with a population `capacity_for_target_hit_rate_bytes` and
/// `turn_alternatives` (one object per alternative below HBM — host DRAM, then each other tier
/// below it: `tiers, hit_rate, hbm_fraction, tier_fraction, ttft_seconds, gpu_seconds,
/// turns_per_second, tier_utilisation, host_link_utilisation, replica_utilisation`; a utilisation
/// of 1 or more is a saturated place).
public enum KVPlacementRecord {
    /// The same keys, null, at a point where not one session fits in HBM (nothing returns to a tier).
    public static func writeUnavailable<S: EstimateRecord.Sink>(_ placement: KVPlacement, to sink: inout S) {
        sink.field("returning_new_tokens", .integer(placement.newTokens))
        sink.field("recompute_ttft_seconds", .null)
        sink.field("kv_tiers", .null)
        if placement.prefixTokens != nil {
            sink.field("prefix_tokens", .integer(placement.prefixTokens ?? 0))
            sink.field("prefix_concurrency", .null)
            sink.field("prefix_prefill_seconds_saved", .null)
        }
        if placement.population != nil {
            sink.field("capacity_for_target_hit_rate_bytes", .null)
            sink.field("turn_alternatives", .null)
        }
    }

    public static func write<S: EstimateRecord.Sink>(_ entry: KVPlacementEvaluation.ScenarioPlacement, at index: Int, placement: KVPlacement, to sink: inout S) {
        let loads = entry.loads[index]
        sink.field("returning_new_tokens", .integer(placement.newTokens))
        sink.field("recompute_ttft_seconds", .finite(loads.first?.recomputeSeconds ?? 0))
        sink.field("kv_tiers", .array(loads.indices.map { t in
            let load = loads[t]
            return .object([
                ("tier", .string(load.tier)),
                ("read_bytes_per_second", .finite(load.readBytesPerSecond)),
                ("capacity_bytes", entry.tierCapacities[t].isFinite ? .finite(entry.tierCapacities[t]) : .null),
                ("load_seconds", .finite(load.loadSeconds)),
                ("ttft_seconds", .finite(load.ttftSeconds)),
                ("loading_wins", .bool(load.loadingWins)),
                ("break_even_context", entry.breakEvens[t].map { .integer($0) } ?? .null),
                ("offload_seconds", .finite(load.offloadSeconds)),
            ])
        }))
        if let prefix = placement.prefixTokens {
            let reuse = entry.prefix.indices.contains(index) ? entry.prefix[index] : nil
            sink.field("prefix_tokens", .integer(prefix))
            sink.field("prefix_concurrency", reuse.map { .integer($0.concurrency) } ?? .null)
            sink.field("prefix_prefill_seconds_saved", reuse.map { .finite($0.prefillSecondsSaved) } ?? .null)
        }
        if entry.turns.indices.contains(index) {
            let row = entry.turns[index]
            let alternatives = KVPlacementEvaluation.alternatives(placement.tiers)
            sink.field("capacity_for_target_hit_rate_bytes", .finite(row.first?.capacityForTarget ?? 0))
            sink.field("turn_alternatives", .array(zip(alternatives, zip(row, entry.traffic[index])).map { alternative, pair in
                let (turns, traffic) = pair
                let tier = traffic.tiers.last
                return .object([
                    ("tiers", .string(alternative.name)),
                    ("hit_rate", .finite(turns.hitRate)),
                    ("hbm_fraction", .finite(turns.sources.first?.fraction ?? 0)),
                    ("tier_fraction", .finite(turns.sources.dropLast().last?.fraction ?? 0)),
                    ("ttft_seconds", .finite(turns.ttftSeconds)),
                    ("gpu_seconds", .finite(turns.gpuSeconds)),
                    ("turns_per_second", .finite(traffic.turnsPerSecond)),
                    ("tier_utilisation", tier.map { $0.isHostMemory ? .null : .finite($0.utilisation) } ?? .null),
                    ("host_link_utilisation", .finite(traffic.hostLink)),
                    ("replica_utilisation", .finite(traffic.replica)),
                ])
            }))
        }
    }
}

/// Collects a `KVPlacementRecord` into pairs, to join a record built with `EstimateRecord.fields`.
public struct KVPlacementPairs: EstimateRecord.Sink {
    public var pairs: [(String, JSONValue)] = []
    public init() {}
    public mutating func field(_ key: StaticString, _ value: JSONValue) { pairs.append((key.description, value)) }
}
