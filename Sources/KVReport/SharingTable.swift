import KVEstimator

/// The terminal table of `kvplan estimate` with a mixed workload: one row per long context.
public enum SharingTable {
    public static func text(_ rows: [SharingEstimate]) -> String {
        guard let mix = rows.first?.workload else { return "" }
        let seconds = { (value: Double?) in value.map(Format.seconds) ?? "saturated" }
        let table = TextTable(
            headers: ["long context", "stall", "chunked step", "chunked prefill", "short TTFT mean", "p99",
                      "sessions paged", "reserved", "KV transfer"],
            rows: rows.map { s in
                [Format.tokens(s.context), Format.seconds(s.prefillStallSeconds), Format.seconds(s.chunkedStepSeconds),
                 Format.seconds(s.chunkedPrefillSeconds), seconds(s.ttftShortMeanSeconds), seconds(s.ttftShortP99Seconds),
                 Format.integer(s.concurrencyPaged), Format.integer(s.concurrencyReserved), s.kvTransferSeconds.map(Format.seconds) ?? "—"]
            },
            rightAligned: Set(0...8))
        return "Sharing the GPU: \(Format.fixed(mix.longFraction * 100, significant: 3))% long requests beside \(Format.tokens(mix.shortContextTokens))-token ones, \(Format.fixed(mix.arrivalsPerSecond, significant: 3)) requests/s, chunks of \(Format.tokens(mix.chunkTokens)), KV blocks of \(mix.kvBlockTokens) tokens\n" + table.text
    }
}
