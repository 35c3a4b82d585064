@testable import KVReport

/// Charts shaped like the ones the reports draw, used by the chart tests and the golden files.
enum ChartFixtures {
    static let contexts: [Double] = (12...20).map { Double(1 << $0) }  // 4K … 1M

    /// Sessions that fit on one GPU against context length, for three KV layouts, with the
    /// model's maximum context marked and two measured points.
    static var sessions: LineChart {
        func series(_ name: String, kvBytesPerToken: Double, dashed: Bool = false) -> ChartSeries {
            ChartSeries(name: name, points: contexts.map { (x: $0, y: (60e9 / (kvBytesPerToken * $0)).rounded(.down)) }, dashed: dashed)
        }
        return LineChart(
            title: "Concurrent sessions on one A100 80GB",
            x: Axis(title: "context (tokens)", scale: .log, format: Axis.tokenCount),
            y: Axis(title: "sessions per GPU", scale: .log),
            series: [
                series("MHA (FP16)", kvBytesPerToken: 983_040),
                series("GQA 8 groups", kvBytesPerToken: 122_880),
                series("GQA + FP8 KV", kvBytesPerToken: 61_440, dashed: true),
                ChartSeries(name: "measured (H100)", points: [(x: 8192, y: 50), (x: 65536, y: 6)], markersOnly: true),
            ],
            annotations: [ChartAnnotation(x: 200 * 1024, label: "model max context"), ChartAnnotation(x: 16384, label: "1 session of MHA no longer fits")]
        )
    }

    static var gpus: BarChart {
        BarChart(
            title: "Decode throughput at 128K context, Llama-3-70B",
            categories: ["A100", "H100", "H200", "B200", "MI300X"],
            series: [
                BarSeries(name: "tokens/s, TP=1", values: [0, 310, 620, 1150, 980]),
                BarSeries(name: "tokens/s, TP=8", values: [1900, 5200, 7100, 12800, 9900]),
            ],
            y: Axis(title: "decode throughput (tokens/s)"),
            categoryTitle: "GPU"
        )
    }

    static var memory: BarChart {
        BarChart(
            title: "HBM of one A100 80GB: Yi-34B weights, KV cache and free memory",
            categories: ["4K", "16K", "50K", "128K", "200K"],
            series: [
                BarSeries(name: "weights", values: [68.8, 68.8, 68.8, 68.8, 68.8]),
                BarSeries(name: "KV cache", values: [11.0, 11.1, 11.3, 11.0, 0]),
                BarSeries(name: "free", values: [0.2, 0.1, 0, 0.2, 11.2]),
            ],
            arrangement: .stacked,
            y: Axis(title: "HBM (GB)"),
            categoryTitle: "context (tokens)",
            annotations: [ChartAnnotation(y: 80, label: "HBM capacity")]
        )
    }

    static var roofline: RooflineChart {
        RooflineChart(
            title: "Roofline of an A100: prefill is compute-bound, decode memory-bound",
            peakFLOPsPerSecond: 312e12,
            bytesPerSecond: 2.039e12,
            points: [
                RooflinePoint(label: "prefill 50K", intensity: 7_200, flopsPerSecond: 312e12),
                RooflinePoint(label: "decode, batch 1", intensity: 1.02, flopsPerSecond: 2.08e12),
                RooflinePoint(label: "decode, batch 17", intensity: 15.3, flopsPerSecond: 31.2e12),
            ]
        )
    }

    static var all: [(name: String, svg: String)] {
        [
            ("line-sessions", sessions.svg(id: "sessions")),
            ("bar-gpus", gpus.svg(id: "gpus")),
            ("stacked-memory", memory.svg(id: "memory")),
            ("roofline-a100", roofline.svg(id: "roofline")),
        ]
    }
}
