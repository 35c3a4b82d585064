/// A place below HBM where a session's KV cache waits between turns: host DRAM over the GPU's host
/// link, a local NVMe drive, a remote store reached over RDMA. Capacities and bandwidths are per
/// GPU of the replica (one drive and one NIC per GPU, as in a DGX H100); a replica of g GPUs has g
/// of each, and each rank moves its own part of a session's KV, as in a context switch.
///
/// Every tier reaches the GPU through the GPU's PCIe (or NVLink-C2C) host link — a drive's data
/// through host memory or GPUDirect Storage, a NIC's through GPUDirect RDMA on the same switch — so
/// a read runs at `min(read, host_link)`.
public struct KVTier: Sendable, Equatable {
    public var name: String
    public var label: String
    /// Bytes the tier holds per GPU; nil for host DRAM means the hardware's `host_memory`, and
    /// otherwise no bound (a remote store larger than any population).
    public var capacityBytes: Double?
    /// Sequential read bandwidth per GPU, bytes/s; nil: the host link itself (host DRAM).
    public var readBytesPerSecond: Double?
    /// Sequential write bandwidth per GPU, bytes/s; nil: the host link itself.
    public var writeBytesPerSecond: Double?
    /// What carries the bytes ("PCIe Gen5 x4 NVMe behind the host link").
    public var link: String
    public var source: String

    public init(name: String, label: String? = nil, capacityBytes: Double? = nil, readBytesPerSecond: Double? = nil,
                writeBytesPerSecond: Double? = nil, link: String = "host link", source: String = "") {
        (self.name, self.label, self.capacityBytes, self.readBytesPerSecond) = (name, label ?? name, capacityBytes, readBytesPerSecond)
        (self.writeBytesPerSecond, self.link, self.source) = (writeBytesPerSecond, link, source)
    }

    public func validate() throws(EstimatorInputError) {
        if let capacityBytes { try Check.positive(capacityBytes, "capacity") }
        if let readBytesPerSecond { try Check.positive(readBytesPerSecond, "read") }
        if let writeBytesPerSecond { try Check.positive(writeBytesPerSecond, "write") }
    }

    /// Host DRAM: the tier `host_link` and `host_memory` describe.
    public var isHostMemory: Bool { readBytesPerSecond == nil }
}

/// How a returning session's KV load meets the prefill of its new tokens.
public enum KVLoadOverlap: String, Sendable, Equatable, CaseIterable {
    /// Layer by layer: layer l + 1 loads while layer l computes (LMCache's layerwise KV transfer,
    /// vLLM's `wait_for_layer_load`; Mooncake's layer-wise prefill, arXiv 2407.00079).
    case layerwise
    /// The whole KV arrives before the forward pass starts (a bulk load).
    case none
}

/// How a study's tiers become levels below HBM: alternatives, not a stack in the order listed.
/// Host DRAM (the machine's own memory, when listed) is the first level below HBM, and each other
/// tier is evaluated on its own below it — a Gen4 drive is compared with a Gen5 one instead of
/// sitting under it and catching nothing. Without host DRAM each tier stands alone.
public enum KVTierAlternatives {
    public static func of(_ tiers: [KVTier]) -> [[KVTier]] {
        let host = Array(tiers.filter(\.isHostMemory).prefix(1))
        return host.map { [$0] } + tiers.filter { !$0.isHostMemory }.map { host + [$0] }
    }
}
