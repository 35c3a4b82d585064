import KVEstimator

/// One session's KV bytes at 128K tokens, bf16, uncompressed: the catalog's headline figure.
enum KVBytesPerToken {
    static func bf16(_ model: Model) -> Double {
        do {
            return try Estimator(Scenario(model: model, hardware: referenceHardware)).kvBytes(tokens: 131_072)
        } catch {
            return .nan
        }
    }

    static let referenceHardware = Hardware(
        name: "reference", hbmBytes: 1e12, hbmBytesPerSecond: 1e12, flopsPerSecond: PeakFLOPs(bf16: 1e15),
        hostLink: HostLink(name: "reference", bytesPerSecond: 1e10))
}
