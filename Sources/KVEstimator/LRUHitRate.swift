import Foundation

/// A group of alike objects an LRU cache serves: `count` objects of `bytes` each, each requested
/// as a Poisson stream of `requestsPerSecond` (the independent reference model).
public struct CachedObjects: Sendable, Equatable {
    public var count: Double
    public var bytes: Double
    public var requestsPerSecond: Double

    public init(count: Double = 1, bytes: Double, requestsPerSecond: Double) {
        (self.count, self.bytes, self.requestsPerSecond) = (count, bytes, requestsPerSecond)
    }
}

/// Hit rate of an LRU cache by Che's approximation (Che, Tung and Wang 2002, "Hierarchical Web
/// caching systems: modeling, design and experimental results", IEEE JSAC 20(7)): an object stays
/// in the cache for a characteristic time T_C after its last request, the same for every object,
/// where T_C fills the cache — `Σ_i s_i · (1 − e^(−λ_i·T_C)) = C` — and object i is found with
/// probability `1 − e^(−λ_i·T_C)`. The hit rate is request-weighted:
/// `h(C) = Σ_i λ_i (1 − e^(−λ_i·T_C)) / Σ_i λ_i`. Objects of different sizes count by the bytes
/// they occupy in the fill equation (a session's KV is evicted whole).
public enum LRUHitRate {
    /// Bytes every object together occupies: past it, everything hits.
    public static func totalBytes(_ objects: [CachedObjects]) -> Double {
        objects.reduce(0) { $0 + $1.count * $1.bytes }
    }

    /// Bytes in the cache when objects stay T seconds after their last request.
    static func occupancy(_ objects: [CachedObjects], characteristicTime t: Double) -> Double {
        objects.reduce(0) { $0 + $1.count * $1.bytes * -expm1(-$1.requestsPerSecond * t) }
    }

    /// T_C, found by bisection on the (increasing) occupancy.
    public static func characteristicTime(_ objects: [CachedObjects], capacityBytes c: Double) -> Double {
        guard c > 0 else { return 0 }
        guard c < totalBytes(objects) else { return .infinity }
        let slowest = objects.map(\.requestsPerSecond).filter { $0 > 0 }.min() ?? 1
        var (low, high) = (0.0, 1 / slowest)
        while occupancy(objects, characteristicTime: high) < c { high *= 2 }
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if occupancy(objects, characteristicTime: middle) < c { low = middle } else { high = middle }
            if high - low <= high * 1e-12 { break }
        }
        return (low + high) / 2
    }

    /// `h(C)`, in [0, 1].
    public static func hitRate(_ objects: [CachedObjects], capacityBytes c: Double) -> Double {
        let t = characteristicTime(objects, capacityBytes: c)
        let requests = objects.reduce(0) { $0 + $1.count * $1.requestsPerSecond }
        guard requests > 0 else { return 0 }
        guard t.isFinite else { return 1 }
        return objects.reduce(0) { $0 + $1.count * $1.requestsPerSecond * -expm1(-$1.requestsPerSecond * t) } / requests
    }

    /// The smallest capacity whose hit rate reaches `target` (in (0, 1)), by bisection on `h(C)`;
    /// every object's bytes when the target is 1.
    public static func capacity(forHitRate target: Double, _ objects: [CachedObjects]) -> Double {
        let total = totalBytes(objects)
        guard target < 1 else { return total }
        guard target > 0 else { return 0 }
        var (low, high) = (0.0, total)
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if hitRate(objects, capacityBytes: middle) < target { low = middle } else { high = middle }
            if high - low <= high * 1e-12 { break }
        }
        return high
    }
}
