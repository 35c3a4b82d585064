import KVEstimator

/// Models and GPUs as their config.json / datasheets state them (see the catalog for sources).
/// The estimator's tests build their own, so they do not depend on the YAML catalog.
enum Fixtures {
    static let yi34b = Model(
        name: "yi-34b-200k", layers: 60, hidden: 7168, heads: 56, kvHeads: 8, headDim: 128, ffn: 20480,
        vocab: 64000, maxContext: 200_000)

    static let llama2_7b = Model(
        name: "llama-2-7b", layers: 32, hidden: 4096, heads: 32, kvHeads: 32, headDim: 128, ffn: 11008,
        vocab: 32000, maxContext: 4096)

    static let llama31_8b = Model(
        name: "llama-3.1-8b", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336,
        vocab: 128_256, maxContext: 131_072)

    static let llama31_70b = Model(
        name: "llama-3.1-70b", layers: 80, hidden: 8192, heads: 64, kvHeads: 8, headDim: 128, ffn: 28672,
        vocab: 128_256, maxContext: 131_072)

    static let mistral7b = Model(
        name: "mistral-7b", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336,
        vocab: 32000, maxContext: 32768, attention: AttentionLayout(slidingWindow: 4096))

    static let mixtral8x7b = Model(
        name: "mixtral-8x7b", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336,
        vocab: 32000, maxContext: 32768,
        moe: MixtureOfExperts(experts: 8, active: 2, expertFFN: 14336))

    static let deepseekV3 = Model(
        name: "deepseek-v3", layers: 61, hidden: 7168, heads: 128, kvHeads: 128, headDim: 192, ffn: 18432,
        vocab: 129_280, maxContext: 131_072,
        moe: MixtureOfExperts(experts: 256, active: 8, shared: 1, expertFFN: 2048, denseLayers: 3, every: 1),
        mla: MultiHeadLatentAttention(qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128))

    static let jamba = Model(
        name: "jamba-v0.1", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336,
        vocab: 65536, maxContext: 262_144,
        moe: MixtureOfExperts(experts: 16, active: 2, expertFFN: 14336, every: 2),
        ssm: StateSpace(dState: 16, dConv: 4, expand: 2),
        attention: AttentionLayout(layerPattern: "SSSSGSSS"))

    /// NVIDIA A100 SXM4 80GB: 312 TFLOP/s bf16 dense, 2039 GB/s, 80 GiB, PCIe Gen4 x16 (32 GB/s).
    static let a100 = Hardware(
        name: "a100-80gb-sxm", hbmBytes: 80 * 1_073_741_824, hbmBytesPerSecond: 2039e9,
        flopsPerSecond: PeakFLOPs(bf16: 312e12), hostLink: HostLink(name: "PCIe Gen4 x16", bytesPerSecond: 32e9))

    /// NVIDIA H100 SXM5 80GB: 989 TFLOP/s bf16 dense, 3350 GB/s, 80 GiB, PCIe Gen5 x16 (64 GB/s).
    static let h100 = Hardware(
        name: "h100-sxm", hbmBytes: 80 * 1_073_741_824, hbmBytesPerSecond: 3350e9,
        flopsPerSecond: PeakFLOPs(bf16: 989e12, fp8: 1979e12), hostLink: HostLink(name: "PCIe Gen5 x16", bytesPerSecond: 64e9))

    /// Qwen2.5-7B-Instruct-1M: 28 query heads, 4 KV heads.
    static let qwen25_7b_1m = Model(
        name: "qwen2.5-7b-1m", layers: 28, hidden: 3584, heads: 28, kvHeads: 4, headDim: 128, ffn: 18944,
        vocab: 152_064, maxContext: 1_010_000)

    /// An H100 SXM5 in an HGX node: NVLink 4 at 900 GB/s (both directions), one 400 Gb/s NIC per GPU.
    static let h100HGX: Hardware = {
        var hardware = h100
        hardware.interconnectBytesPerSecond = 900e9
        hardware.networkBytesPerSecond = 50e9
        return hardware
    }()

    /// NVIDIA H200 SXM 141GB in an HGX node: 141 GiB, 4800 GB/s, H100's compute.
    static let h200HGX = Hardware(
        name: "h200-sxm", hbmBytes: 141 * 1_073_741_824, hbmBytesPerSecond: 4800e9,
        flopsPerSecond: PeakFLOPs(bf16: 989e12, fp8: 1979e12), hostLink: HostLink(name: "PCIe Gen5 x16", bytesPerSecond: 64e9),
        interconnectBytesPerSecond: 900e9, networkBytesPerSecond: 50e9)

    static func estimator(
        _ model: Model, _ hardware: Hardware = a100, compression: Compression = .none, workload: Workload = Workload()
    ) throws -> Estimator {
        try Estimator(Scenario(model: model, hardware: hardware, compression: compression, workload: workload))
    }
}

/// |a − b| ≤ tolerance·|b|.
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(abs(b), 1e-300)
}
