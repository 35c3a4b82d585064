/// Time a phase spends moving activations between the GPUs of one replica, by kind.
public struct CommunicationTime: Sendable, Equatable {
    /// Tensor-parallel all-reduces (or, under data-parallel attention, the MLP's all-gather and
    /// reduce-scatter, counted as one all-reduce per layer).
    public var tensor: Double = 0
    /// Activations sent from one pipeline stage to the next.
    public var pipeline: Double = 0
    /// Expert-parallel all-to-all dispatch and combine.
    public var expert: Double = 0

    public var seconds: Double { tensor + pipeline + expert }
}

/// Collective latencies, from NCCL's own cost model (NVIDIA/nccl `src/graph/tuning.cc`:
/// `baseLat` for Ring/LL 3.6 µs, `hwLat` per ring step 0.47 µs on NVLink and 2.7 µs on the
/// network). Small decode messages are all latency; large prefill messages all bandwidth.
enum CollectiveLatency {
    static let base = 3.6e-6
    static let nvlinkStep = 0.47e-6
    static let networkStep = 2.7e-6
}

extension Estimator {
    /// Bytes per direction per second between two GPUs of a node: half the interconnect figure,
    /// which vendors quote as both directions together (NVLink 4: 900 GB/s = 450 GB/s each way,
    /// the bus bandwidth nccl-tests reports for a ring); without an interconnect, peer-to-peer over
    /// the host link.
    var interconnectBytesPerSecond: Double {
        let hardware = scenario.hardware
        return hardware.interconnectBytesPerSecond.map { $0 / 2 } ?? hardware.hostLink.bytesPerSecond
    }

    /// Bytes per second per GPU across nodes: the `network` figure (one 400 Gb/s NIC per GPU in
    /// HGX nodes), or the host link when the hardware states none.
    var networkBytesPerSecond: Double {
        scenario.hardware.networkBytesPerSecond ?? scenario.hardware.hostLink.bytesPerSecond
    }

    /// One all-reduce of S bytes over k ranks. Inside a node a ring: `2(k−1)/k · S / bw_link +
    /// latency` (Patarasuk & Yuan 2009; NCCL's ring). Over N nodes of k' GPUs, hierarchically
    /// (NCCL's tree/ring across nodes): reduce-scatter and all-gather inside each node over NVLink,
    /// and an all-reduce of the node's S/k' share over the network,
    /// `2(k'−1)/k' · S/bw_link + 2(N−1)/N · (S/k')/bw_net`, plus each part's latency.
    public func allReduceSeconds(bytes s: Double, ranks k: Int) -> Double {
        guard k > 1 else { return 0 }
        let node = min(k, scenario.hardware.nodeSize)
        let nodes = Double((k + node - 1) / node), inNode = Double(node)
        var seconds = 2 * (inNode - 1) / inNode * s / interconnectBytesPerSecond
            + CollectiveLatency.base + 2 * (inNode - 1) * CollectiveLatency.nvlinkStep
        if nodes > 1 {
            seconds += 2 * (nodes - 1) / nodes * (s / inNode) / networkBytesPerSecond
                + 2 * (nodes - 1) * CollectiveLatency.networkStep
        }
        return seconds
    }

    /// One all-to-all in which each of k ranks sends S bytes spread evenly over the ranks: the
    /// share for ranks in its node goes over NVLink, the rest over the network, both at once,
    /// `max(S·(k'−1)/k / bw_link, S·(k−k')/k / bw_net)` plus a latency of k − 1 steps.
    public func allToAllSeconds(bytesPerRank s: Double, ranks k: Int) -> Double {
        guard k > 1 else { return 0 }
        let node = Double(min(k, scenario.hardware.nodeSize)), ranks = Double(k)
        let inNode = s * (node - 1) / ranks / interconnectBytesPerSecond
        let outOfNode = s * (ranks - node) / ranks / networkBytesPerSecond
        let step = ranks > node ? CollectiveLatency.networkStep : CollectiveLatency.nvlinkStep
        return max(inNode, outOfNode) + CollectiveLatency.base + (ranks - 1) * step
    }

    /// Communication of a pass of `tokens` tokens through the whole model (SPEC §3; issue 11):
    /// - tensor parallel: two all-reduces per layer of `tokens·d·2` bytes (bf16 activations; after
    ///   the attention output and after the MLP, Megatron-LM §3) over the g ranks of a stage; with
    ///   data-parallel attention one per layer (the MLP's all-gather + reduce-scatter); an
    ///   expert-parallel MoE layer drops its MLP all-reduce for the all-to-alls;
    /// - expert parallel: per MoE layer a dispatch and a combine, each rank sending its
    ///   `tokens/ep` tokens to k experts, `tokens/ep · k · d · 2` bytes (DeepEP's normal kernels);
    /// - pipeline: `pp − 1` sends of `tokens·d·2` bytes from a stage to the next, over NVLink
    ///   inside a node and the network where a stage boundary is also a node boundary.
    public func communication(tokens: Double) -> CommunicationTime {
        let model = scenario.model, hardware = scenario.hardware
        let activation = tokens * Double(model.hidden) * 2
        let tp = Int(tensorParallel), ep = hardware.parallel.expertParallel
        let layers = Double(model.layers)
        let moeLayers = ep > 1 ? parameters.moeLayers : 0
        let mixerReduces = hardware.parallel.attention == .tensor ? layers : 0
        let mlpReduces = layers - moeLayers
        var time = CommunicationTime()
        time.tensor = (mixerReduces + mlpReduces) * allReduceSeconds(bytes: activation, ranks: tp)
        if moeLayers > 0 {
            let perRank = tokens / Double(ep) * parameters.activeExperts * Double(model.hidden) * 2
            time.expert = moeLayers * 2 * allToAllSeconds(bytesPerRank: perRank, ranks: ep)
        }
        let stages = hardware.parallel.pipelineStages
        if stages > 1 {
            for boundary in 1..<stages {
                let crossesNode = (boundary * tp) % hardware.nodeSize == 0
                time.pipeline += activation / (crossesNode ? networkBytesPerSecond : interconnectBytesPerSecond)
                    + CollectiveLatency.base + (crossesNode ? CollectiveLatency.networkStep : CollectiveLatency.nvlinkStep)
            }
        }
        return time
    }

    /// Communication of a prefill of n tokens (the whole prompt passes every layer once).
    public func prefillCommunication(tokens n: Double) -> CommunicationTime { communication(tokens: n) }

    /// Communication of one decode step of b sessions: each micro-batch of `b/M` tokens passes
    /// every layer once per step (M = min(b, pp) micro-batches).
    @inline(__always) public func decodeCommunicationSeconds(batch b: Double) -> Double {
        let micro = pipelineStages > 1 ? min(max(b, 1), pipelineStages) : 1
        return communication(tokens: b / micro).seconds
    }
}
