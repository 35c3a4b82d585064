/// One model on one hardware configuration with one compression under one workload.
/// (A context length turns a scenario into one estimate.)
public struct Scenario: Sendable, Equatable {
    public var model: Model
    public var hardware: Hardware
    public var compression: Compression
    public var workload: Workload
    public var mode: Mode

    public init(model: Model, hardware: Hardware, compression: Compression = .none, workload: Workload = Workload(), mode: Mode = .peak) {
        (self.model, self.hardware, self.compression, self.workload, self.mode) = (model, hardware, compression, workload, mode)
    }

    public func validate() throws(EstimatorInputError) {
        try model.validate()
        try hardware.validate()
        try compression.validate()
        try workload.validate()
        guard workload.reserveBytes < hardware.hbmBytes else {
            throw EstimatorInputError(field: "workload.reserve", "the reserve is larger than the GPU's HBM")
        }
        try validateDeployment()
    }
}
