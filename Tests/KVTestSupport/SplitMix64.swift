// The seeded generator the tests share is the estimator's own (its bootstrap draws with it).
@_exported import struct KVEstimator.SplitMix64
