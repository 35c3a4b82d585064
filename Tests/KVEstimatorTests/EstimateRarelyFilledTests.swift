import Testing
@testable import KVEstimator

/// `traces`, `comparable` and `speculative` live in one box behind `Estimate`'s public properties:
/// the box exists only when one of them is filled, and a change to one estimate never reaches a copy.
@Suite("An estimate's rarely filled figures")
struct EstimateRarelyFilledTests {
    let estimator = try! Estimator(Scenario(model: Fixtures.yi34b, hardware: Fixtures.a100))

    @Test func aPlainEstimateBoxesNothing() {
        let estimate = estimator.estimate(context: 4096, baselineGPUSeconds: 1)
        #expect(estimate.rarelyFilled == nil)
        #expect(estimate.traces.isEmpty && estimate.comparable == nil && estimate.speculative == nil)
    }

    @Test func eachFigureIsKeptBesideTheOthersAndEmptyingAllDropsTheBox() {
        var estimate = estimator.estimate(context: 4096, traced: true)
        let traces = estimate.traces
        #expect(!traces.isEmpty)
        let cost = ComparableCost(gpuSeconds: 2, price: 3, tokens: 4, decodeSecondsAlone: 5)
        estimate.comparable = cost
        #expect(estimate.traces == traces && estimate.comparable == cost && estimate.speculative == nil)
        estimate.traces = []
        #expect(estimate.traces.isEmpty && estimate.comparable == cost && estimate.rarelyFilled != nil)
        estimate.comparable?.studyRelativeCost = 0.5
        #expect(estimate.comparable?.studyRelativeCost == 0.5 && estimate.comparable?.price == 3)
        estimate.comparable = nil
        #expect(estimate.rarelyFilled == nil)
    }

    @Test func aCopyDoesNotSeeAChange() {
        let original = estimator.estimate(context: 4096, traced: true)
        var copy = original
        copy.comparable = ComparableCost(gpuSeconds: 1, price: nil, tokens: 1, decodeSecondsAlone: nil)
        copy.traces.removeLast()
        #expect(original.comparable == nil)
        #expect(original.traces.count == copy.traces.count + 1)
        #expect(original != copy)
        #expect(original == estimator.estimate(context: 4096, traced: true))  // equal boxes, not the same box
    }

    @Test func speculativeDecodingIsFilledAndKeptWithTheTraces() throws {
        var workload = Workload()
        workload.speculative = SpeculativeDecoding(draft: .multiTokenPrediction, draftTokens: 3, acceptance: 0.8)
        let speculative = try Estimator(Scenario(model: Fixtures.yi34b, hardware: Fixtures.a100, workload: workload))
        let plain = speculative.estimate(context: 4096), traced = speculative.estimate(context: 4096, traced: true)
        #expect(plain.speculative != nil && plain.traces.isEmpty)
        #expect(traced.speculative == plain.speculative && !traced.traces.isEmpty)
    }
}
