/// Parameter counts of a model, split the way the four costs need them (SPEC §3, "Parameters").
/// Norm and bias vectors are left out: they are < 0.01% of any catalog model.
public struct ParameterCounts: Sendable, Equatable {
    /// Input embedding table, `V·d`.
    public var embedding: Double
    /// Untied LM head, `V·d` (0 when tied to the embedding).
    public var lmHead: Double
    /// Everything, as declared on the model card when it states a count, else computed.
    public var total: Double
    /// Parameters one token passes through (MoE: `k + S` experts per MoE layer).
    public var active: Double
    /// The computed counts, shown beside declared ones when they differ by more than 2%.
    public var computedTotal: Double
    public var computedActive: Double
    /// One routed expert's parameters in one MoE layer, `3·d·Fe`, scaled like the declared total.
    public var expertParams: Double
    /// MoE layers, routed experts per layer and the `k` a token activates.
    public var moeLayers: Double
    public var routedExperts: Double
    public var activeExperts: Double
    public var sharedExperts: Double
    /// The attention projections of every attention layer (Q, K, V, O; MLA's down and up
    /// projections), scaled like the declared total: what data-parallel attention replicates.
    public var attention: Double

    /// Counts the parameters of `model`.
    /// - Attention per layer `d·H·dh + 2·d·Hkv·dh + H·dh·d` (Q, K, V, O projections);
    /// - MLA per layer (DeepSeek-V2, arXiv 2405.04434 §2.1): `d·q_lora + q_lora·H·dqk` (or `d·H·dqk`),
    ///   `d·(kv_lora + dr) + kv_lora·H·(nope + dv)`, `H·dv·d`;
    /// - Mamba per layer (Gu & Dao 2023, arXiv 2312.00752; d_inner = expand·d, R = ⌈d/16⌉):
    ///   `2·d·d_inner + d_inner·d_conv + d_inner·(R + 2·d_state) + R·d_inner + d_inner·d_state + d_inner·d`;
    /// - gated MLP `3·d·F`; MoE layer `(E + S)·3·d·Fe + d·E` total, `(k + S)·3·d·Fe + d·E` active;
    /// - embeddings `V·d`, plus `V·d` for an untied LM head.
    public init(model: Model) {
        let d = Double(model.hidden), h = Double(model.heads), hkv = Double(model.kvHeads)
        let dh = Double(model.headDim), v = Double(model.vocab)
        let counts = model.layerCounts

        let attentionPerLayer: Double
        if let mla = model.mla {
            let dqk = Double(mla.qkHeadDim), dv = Double(mla.vHeadDim)
            let q = mla.qLoraRank > 0 ? d * Double(mla.qLoraRank) + Double(mla.qLoraRank) * h * dqk : d * h * dqk
            let kv = d * Double(mla.kvLoraRank + mla.qkRopeHeadDim) + Double(mla.kvLoraRank) * h * Double(mla.qkNopeHeadDim + mla.vHeadDim)
            attentionPerLayer = q + kv + h * dv * d
        } else {
            attentionPerLayer = d * h * dh + 2 * d * hkv * dh + h * dh * d
        }

        var stateSpacePerLayer = 0.0
        if let ssm = model.ssm {
            let inner = Double(ssm.expand) * d, rank = (d / 16).rounded(.up), state = Double(ssm.dState)
            stateSpacePerLayer = 2 * d * inner + inner * Double(ssm.dConv) + inner * (rank + 2 * state)
                + rank * inner + inner * state + inner * d
        }

        let moeLayers = Double(model.moe?.moeLayers(of: model.layers) ?? 0)
        let denseMLP = 3 * d * Double(model.ffn) * (Double(model.layers) - moeLayers)
        var expert = 0.0, routedTotal = 0.0, routedActive = 0.0, router = 0.0
        if let moe = model.moe {
            expert = 3 * d * Double(moe.expertFFN)
            routedTotal = Double(moe.experts + moe.shared) * expert * moeLayers
            routedActive = Double(moe.active + moe.shared) * expert * moeLayers
            router = d * Double(moe.experts) * moeLayers
        }

        embedding = v * d
        lmHead = model.tiedEmbeddings ? 0 : v * d
        let mixers = Double(counts.attention) * attentionPerLayer + Double(counts.stateSpace) * stateSpacePerLayer
        computedTotal = embedding + lmHead + mixers + denseMLP + routedTotal + router
        computedActive = embedding + lmHead + mixers + denseMLP + routedActive + router

        total = model.declaredParams ?? computedTotal
        let layerScale = (total - embedding - lmHead) / (computedTotal - embedding - lmHead)
        if let declaredActive = model.declaredActiveParams {
            active = declaredActive
        } else if model.moe == nil {
            active = total
        } else {
            active = embedding + lmHead + (computedActive - embedding - lmHead) * layerScale
        }
        expertParams = expert * layerScale
        attention = Double(counts.attention) * attentionPerLayer * layerScale
        self.moeLayers = moeLayers
        routedExperts = Double(model.moe?.experts ?? 0)
        activeExperts = Double(model.moe?.active ?? 0)
        sharedExperts = Double(model.moe?.shared ?? 0)
    }

    /// Parameters of the transformer body one token runs through: active minus both embedding tables.
    public var activeNonEmbedding: Double { active - embedding - lmHead }

    /// The LM head's parameters whether tied or not (`V·d`): logits are computed through it.
    public var logitParams: Double { embedding }

    /// Distinct routed experts a decode batch of `b` tokens activates per MoE layer under uniform
    /// routing: `E·(1 − (1 − k/E)^b)` (SPEC §3, "Weights").
    public func distinctExperts(batch b: Double) -> Double {
        guard routedExperts > 0 else { return 0 }
        return routedExperts * (1 - pow(1 - activeExperts / routedExperts, b))
    }

    /// Parameters one decode step reads for a batch of `b`: every layer and the LM head, not the
    /// input embedding table (only b rows of it); MoE layers only the experts the batch activates.
    public func readPerDecodeStep(batch b: Double) -> Double {
        let unreadExperts = (routedExperts - distinctExperts(batch: b)) * expertParams * moeLayers
        let inputTable = lmHead > 0 ? embedding : 0
        return total - inputTable - unreadExperts
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
