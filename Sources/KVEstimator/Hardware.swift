/// One accelerator (and how many of it serve a model with tensor parallelism). Capacities in
/// bytes, bandwidths in bytes/s, compute in FLOP/s, all dense (never 2:4-sparse) datasheet peaks.
public struct Hardware: Sendable, Equatable {
    public var name: String
    public var label: String
    /// GPUs serving one model replica: `tensor parallel × pipelineStages` (g = gpus/pp per stage).
    public var gpus: Int
    /// How the replica's GPUs split the model (pipeline stages, experts, attention); tensor
    /// parallel over `gpus / pipelineStages` by default.
    public var parallel: ParallelLayout
    /// GPUs joined by the fast interconnect (one NVLink domain); collectives beyond it go over
    /// the network. nil: 8, an HGX/DGX node.
    public var gpusPerNode: Int?
    public var hbmBytes: Double
    public var hbmBytesPerSecond: Double
    public var flopsPerSecond: PeakFLOPs
    public var hostLink: HostLink
    public var hostMemoryBytes: Double?
    public var interconnectBytesPerSecond: Double?
    /// Network bandwidth per GPU (disaggregated serving), bytes/s.
    public var networkBytesPerSecond: Double?
    /// Price of one GPU-hour in the study's currency (user-supplied; never catalog data).
    public var pricePerHour: Double?
    public var efficiency: Efficiency
    public var source: String
    public var notes: String

    public init(
        name: String, label: String? = nil, gpus: Int = 1, hbmBytes: Double, hbmBytesPerSecond: Double,
        flopsPerSecond: PeakFLOPs, hostLink: HostLink, hostMemoryBytes: Double? = nil,
        interconnectBytesPerSecond: Double? = nil, networkBytesPerSecond: Double? = nil,
        pricePerHour: Double? = nil, efficiency: Efficiency = Efficiency(), source: String = "", notes: String = "",
        parallel: ParallelLayout = ParallelLayout(), gpusPerNode: Int? = nil
    ) {
        self.name = name
        self.label = label ?? name
        self.gpus = gpus
        self.parallel = parallel
        self.gpusPerNode = gpusPerNode
        self.hbmBytes = hbmBytes
        self.hbmBytesPerSecond = hbmBytesPerSecond
        self.flopsPerSecond = flopsPerSecond
        self.hostLink = hostLink
        self.hostMemoryBytes = hostMemoryBytes
        self.interconnectBytesPerSecond = interconnectBytesPerSecond
        self.networkBytesPerSecond = networkBytesPerSecond
        self.pricePerHour = pricePerHour
        self.efficiency = efficiency
        self.source = source
        self.notes = notes
    }

    public func validate() throws(EstimatorInputError) {
        try Check.positive(gpus, "gpus")
        try Check.positive(hbmBytes, "hbm")
        try Check.positive(hbmBytesPerSecond, "hbm_bandwidth")
        try Check.positive(flopsPerSecond.bf16, "flops")
        for (value, field) in [(flopsPerSecond.fp8, "flops.fp8"), (flopsPerSecond.int8, "flops.int8"), (flopsPerSecond.fp4, "flops.fp4")] {
            if let value { try Check.positive(value, field) }
        }
        try Check.positive(hostLink.bytesPerSecond, "host_link")
        if let hostMemoryBytes { try Check.positive(hostMemoryBytes, "host_memory") }
        if let interconnectBytesPerSecond { try Check.positive(interconnectBytesPerSecond, "interconnect") }
        if let networkBytesPerSecond { try Check.positive(networkBytesPerSecond, "network") }
        if let pricePerHour { try Check.positive(pricePerHour, "price_per_hour") }
        if let gpusPerNode { try Check.positive(gpusPerNode, "gpus_per_node") }
        try efficiency.validate()
        try parallel.validate(gpus: gpus, gpusPerNode: nodeSize)
    }

    /// GPUs in one NVLink domain (`gpus_per_node`, 8 when unset).
    public var nodeSize: Int { gpusPerNode ?? 8 }

    /// Tensor-parallel degree of one pipeline stage, `gpus / pp`.
    public var tensorParallel: Int { gpus / max(1, parallel.pipelineStages) }
}

/// Dense peak FLOP/s by data type; `bf16` is required.
public struct PeakFLOPs: Sendable, Equatable {
    public var bf16: Double
    public var fp8: Double?
    public var int8: Double?
    public var fp4: Double?

    public init(bf16: Double, fp8: Double? = nil, int8: Double? = nil, fp4: Double? = nil) {
        self.bf16 = bf16
        self.fp8 = fp8
        self.int8 = int8
        self.fp4 = fp4
    }

    /// The matmul rate for weights stored at `precision`: fp8/int8/fp4 weights run on their own
    /// tensor-core rate where the part has one; everything else (and weight-only int4) computes in bf16.
    public func rate(for precision: Precision) -> Double {
        switch precision {
        case .fp8: fp8 ?? bf16
        case .int8: int8 ?? bf16
        case .fp4: fp4 ?? bf16
        default: bf16
        }
    }
}

/// The GPU's link to host memory, per direction.
public struct HostLink: Sendable, Equatable {
    public var name: String
    public var bytesPerSecond: Double
    /// Half duplex adds the swap-out and swap-in (the paper's convention); full duplex overlaps them.
    public var duplex: Duplex

    public init(name: String, bytesPerSecond: Double, duplex: Duplex = .half) {
        self.name = name
        self.bytesPerSecond = bytesPerSecond
        self.duplex = duplex
    }
}

public enum Duplex: String, Sendable, Equatable, CaseIterable {
    case half, full
}

/// Fractions of the datasheet peaks a real kernel reaches, fitted from measurements by
/// `kvplan calibrate` (SPEC §3, calibrated mode). 1 means the peak.
public struct Efficiency: Sendable, Equatable {
    /// Linear-layer (GEMM) FLOP/s.
    public var matmul: Double
    /// Attention FLOP/s (flash kernels reach less of the peak than GEMMs).
    public var attention: Double
    /// HBM bandwidth.
    public var memory: Double
    /// Host link bandwidth.
    public var link: Double
    /// A fixed time added to every decode step per layer: kernel launches, gaps between kernels
    /// and synchronisation, which no bandwidth or FLOP/s term carries and which weigh most on small
    /// batches on fast memory (issue 16). Engines replay decode as CUDA graphs to cut the launch
    /// part ("near-zero launch overhead … mainly helps small to medium batch sizes", SGLang
    /// `docs/advanced_features/cuda_graphs.md`; vLLM `docs/design/cuda_graphs.md`), and
    /// `examples/data` was measured that way, so what remains is the graph's own per-kernel cost.
    /// 0 at peak; fitted by `kvplan calibrate` where the measurements determine it.
    public var kernelOverheadSecondsPerLayer: Double

    public init(matmul: Double = 1, attention: Double = 1, memory: Double = 1, link: Double = 1, kernelOverheadSecondsPerLayer: Double = 0) {
        self.matmul = matmul
        self.attention = attention
        self.memory = memory
        self.link = link
        self.kernelOverheadSecondsPerLayer = kernelOverheadSecondsPerLayer
    }

    public static let peak = Efficiency()

    func validate() throws(EstimatorInputError) {
        try Check.fraction(matmul, "efficiency.matmul")
        try Check.fraction(attention, "efficiency.attention")
        try Check.fraction(memory, "efficiency.memory")
        try Check.fraction(link, "efficiency.link")
        try Check.nonNegative(kernelOverheadSecondsPerLayer, "efficiency.kernel_overhead")
    }
}
