extension Scenario {
    /// The checks that pair a model with its deployment (issue 11): the reserve within the share of
    /// HBM the engine may use, a tensor-parallel degree that divides the query heads, no head-axis
    /// compression on an MLA latent, expert parallelism only for a mixture of experts.
    func validateDeployment() throws(EstimatorInputError) {
        guard workload.reserveBytes < workload.memoryUtilization * hardware.hbmBytes else {
            throw EstimatorInputError(
                field: "workload.reserve", "the reserve is larger than the share of the GPU's HBM that memory_utilization leaves")
        }
        try model.validate(tensorParallel: hardware.parallel.attention == .tensor ? hardware.tensorParallel : 1)
        if model.mla != nil, let heads = compression.retrievalHeads, heads < 1 {
            throw EstimatorInputError(
                field: "retrieval_heads", "`\(compression.name)` keeps full KV for some heads only, but `\(model.name)` uses MLA: one latent per token serves all heads, so there are no per-head caches to shorten (compress the latent on the token or hidden axis instead)")
        }
        if hardware.parallel.expertParallel > 1, model.moe == nil {
            throw EstimatorInputError(field: "ep", "expert parallelism needs a mixture-of-experts model; `\(model.name)` has no `moe`")
        }
    }
}
