import Testing
@testable import KVEstimator
import KVTestSupport

/// The fit recovers factors from synthetic measurements generated with them (issue 5).
@Suite("Calibration")
struct CalibrationTests {
    static func synthetic(_ truth: Efficiency, phases: Set<Calibration.Phase> = Set(Calibration.Phase.allCases), on base: Hardware = Fixtures.h100) throws -> [Calibration.Observation] {
        var hardware = base
        hardware.efficiency = truth
        var observations: [Calibration.Observation] = []
        for model in [Fixtures.llama31_8b, Fixtures.llama2_7b] {
            if phases.contains(.prefill) {
                for context in [1024, 4096, 16384, 65536] {
                    observations.append(.init(model: model, phase: .prefill, batch: 1, context: context, seconds: 0))
                }
            }
            if phases.contains(.decodeStep) {
                for (batch, context) in [(1, 4096), (1, 65536), (8, 32768), (256, 1024), (512, 512)] {
                    observations.append(.init(model: model, phase: .decodeStep, batch: batch, context: context, seconds: 0))
                }
            }
            if phases.contains(.contextSwitch) {
                observations.append(.init(model: model, phase: .contextSwitch, batch: 1, context: 32768, seconds: 0))
            }
        }
        for index in observations.indices {
            observations[index].seconds = try Calibration.predict(observations[index], on: hardware)
        }
        return observations
    }

    @Test(arguments: [
        Efficiency(matmul: 0.55, attention: 0.40, memory: 0.70, link: 0.80),
        Efficiency(matmul: 0.80, attention: 0.65, memory: 0.90, link: 0.35),
        Efficiency(matmul: 0.30, attention: 0.20, memory: 0.45, link: 0.95),
    ])
    func recoversKnownFactorsWithinOnePercent(truth: Efficiency) throws {
        let fit = try Calibration.fit(try Self.synthetic(truth), on: Fixtures.h100)
        #expect(close(fit.efficiency.matmul, truth.matmul, 0.01))
        #expect(close(fit.efficiency.attention, truth.attention, 0.01))
        #expect(close(fit.efficiency.memory, truth.memory, 0.01))
        #expect(close(fit.efficiency.link, truth.link, 0.01))
        #expect(fit.mapeAfter < 1e-3)
        #expect(fit.mapeBefore > 0.1)
        #expect(fit.notFitted.allSatisfy { $0.factor == .kernelOverhead })
        #expect(fit.efficiency.kernelOverheadSecondsPerLayer < 1e-8)
    }

    @Test("a per-layer decode overhead in the data is found and kept: it lowers the held-out error")
    func recoversAKernelOverheadAndKeepsIt() throws {
        let truth = Efficiency(matmul: 0.5, attention: 0.6, memory: 0.7, link: 0.8, kernelOverheadSecondsPerLayer: 20e-6)
        let fit = try Calibration.fit(try Self.synthetic(truth), on: Fixtures.h100, replicates: 0)
        let heldOut = try #require(fit.heldOut)
        #expect(heldOut.keepsOverhead)
        #expect(fit.fitted.contains(.kernelOverhead))
        #expect(close(fit.efficiency.kernelOverheadSecondsPerLayer, 20e-6, 0.02))
        #expect(close(fit.efficiency.memory, 0.7, 0.01))
        #expect(Calibration.mape(heldOut.chosen.map(\.error)) < 1e-3)
        // Without the term the held-out models pay for it.
        #expect(Calibration.mape(heldOut.withoutOverhead.map(\.error)) > 0.005)
    }

    @Test("an overhead the rows cannot pin down (95% interval reaching 0) is not kept, even when it lowers the held-out error")
    func overheadWhoseIntervalReachesZeroIsDropped() throws {
        // No overhead in the truth, and decode rows that vary one model's step time by ±8% at random:
        // any fitted τ is noise, and resamples put it at 0.
        let truth = Efficiency(matmul: 0.5, attention: 0.6, memory: 0.7, link: 0.8)
        var rows = try Self.synthetic(truth)
        var generator = SplitMix64(seed: 7)
        for index in rows.indices where rows[index].phase == .decodeStep {
            rows[index].seconds *= 1 + 0.16 * (Double(generator.next() % 1000) / 1000 - 0.5)
        }
        let fit = try Calibration.fit(rows, on: Fixtures.h100, replicates: 0)
        #expect(!fit.fitted.contains(.kernelOverhead))
        #expect(fit.efficiency.kernelOverheadSecondsPerLayer == 0)
        let reason = try #require(fit.notFitted.first { $0.factor == .kernelOverhead }?.reason)
        let heldOut = try #require(fit.heldOut)
        #expect(!heldOut.keepsOverhead)
        #expect(reason.contains(heldOut.lowersError ? "includes 0" : "does not lower"), "\(reason)")
        #expect(heldOut.chosen.map(\.error) == heldOut.withoutOverhead.map(\.error))
    }

    @Test("decode steps at batch 1 only: matmul is not fitted (no row depends on it), with the reason")
    func matmulNotFittedFromMemoryBoundDecode() throws {
        let truth = Efficiency(matmul: 0.5, attention: 0.6, memory: 0.7, link: 0.8)
        let rows = try Self.synthetic(truth, phases: [.decodeStep]).filter { $0.batch == 1 }
        let fit = try Calibration.fit(rows, on: Fixtures.h100, replicates: 20)
        #expect(!fit.fitted.contains(.matmul))
        #expect(fit.efficiency.matmul == 1)
        #expect(fit.interval(.matmul) == nil)
        #expect(fit.notFitted.contains { $0.factor == .matmul && $0.reason.contains("memory bandwidth") })
        #expect(fit.fitted.contains(.memory) && close(fit.efficiency.memory, 0.7, 0.01))
    }

    @Test("one model cannot test the overhead on a model the fit did not see: it stays at 0, with the reason")
    func overheadNeedsTwoModels() throws {
        let truth = Efficiency(matmul: 0.5, attention: 0.6, memory: 0.7, link: 0.8, kernelOverheadSecondsPerLayer: 20e-6)
        let rows = try Self.synthetic(truth).filter { $0.model.name == Fixtures.llama31_8b.name }
        let fit = try Calibration.fit(rows, on: Fixtures.h100, replicates: 0)
        #expect(fit.heldOut == nil)
        #expect(fit.efficiency.kernelOverheadSecondsPerLayer == 0)
        #expect(fit.notFitted.contains { $0.factor == .kernelOverhead && $0.reason.contains("one model") })
    }

    @Test("leave one model out: every row predicted once, by factors fitted to the other model")
    func leaveOneModelOutPredictsEveryRowOnce() throws {
        let rows = try Self.synthetic(Efficiency(matmul: 0.5, attention: 0.6, memory: 0.7, link: 0.8))
        let heldOut = try Calibration.leaveOneModelOut(rows, on: Fixtures.h100, overhead: false)
        #expect(heldOut.count == rows.count)
        #expect(heldOut.allSatisfy { abs($0.error) < 1e-3 })
        #expect(try Calibration.leaveOneModelOut(rows.filter { $0.model.name == Fixtures.llama2_7b.name }, on: Fixtures.h100, overhead: false).isEmpty)
    }

    @Test("bootstrap intervals are seeded (the same twice), hold the fitted value, and widen with noise")
    func bootstrapIntervals() throws {
        let truth = Efficiency(matmul: 0.5, attention: 0.6, memory: 0.7, link: 0.8)
        var noisy = try Self.synthetic(truth)
        for index in noisy.indices { noisy[index].seconds *= 1 + 0.05 * (index % 3 == 0 ? 1 : index % 3 == 1 ? -1 : 0.5) }
        let first = try Calibration.fit(noisy, on: Fixtures.h100, replicates: 60)
        let second = try Calibration.fit(noisy, on: Fixtures.h100, replicates: 60)
        let exact = try Calibration.fit(try Self.synthetic(truth), on: Fixtures.h100, replicates: 60)
        for factor in [Calibration.Factor.matmul, .attention, .memory, .link] {
            let interval = try #require(first.interval(factor))
            #expect(interval == second.interval(factor))
            #expect(interval.contains(first.efficiency[factor]))
            let exactInterval = try #require(exact.interval(factor))
            #expect(exactInterval.upperBound - exactInterval.lowerBound < 1e-3)
            #expect(interval.upperBound - interval.lowerBound > exactInterval.upperBound - exactInterval.lowerBound)
        }
        #expect(first.interval(.kernelOverhead) == nil || first.fitted.contains(.kernelOverhead))
        #expect(try Calibration.fit(noisy, on: Fixtures.h100, replicates: 0).interval(.matmul) == nil)
    }

    @Test(arguments: [
        ([1.0, 2, 3, 4, 5], 0.5, 3.0), ([1.0, 2, 3, 4, 5], 0.0, 1.0), ([1.0, 2, 3, 4, 5], 1.0, 5.0),
        ([5.0, 1, 3], 0.25, 2.0), ([10.0, 20], 0.975, 19.75),
    ])
    func quantilesInterpolateBetweenOrderStatistics(values: [Double], p: Double, expected: Double) {
        #expect(close(Calibration.Bootstrap.quantile(values, p), expected))
    }

    @Test("generation terms carry to another part as they are; the part's terms are fitted to its rows")
    func carryingACalibration() throws {
        let h100Truth = Efficiency(matmul: 0.5, attention: 0.6, memory: 0.7, link: 0.8, kernelOverheadSecondsPerLayer: 10e-6)
        var h200Truth = h100Truth
        (h200Truth.memory, h200Truth.link) = (0.55, 0.9)
        let h200 = Fixtures.h200HGX
        let rows = try Self.synthetic(h200Truth, on: h200)
        let carried = try Calibration.carry(h100Truth, to: rows, on: h200)
        #expect(Set(carried.fitted) == [.memory, .link])
        #expect(carried.efficiency.matmul == 0.5 && carried.efficiency.kernelOverheadSecondsPerLayer == 10e-6)
        #expect(close(carried.efficiency.memory, 0.55, 0.01))
        #expect(Calibration.mape(carried.partTermsFitted) < 1e-3)
        #expect(Calibration.mape(carried.everyTermCarried) > 0.05)
        #expect(Calibration.Factor.allCases.filter { $0.scope == .part } == [.memory, .link])
    }

    @Test func factorsTheDataCannotDetermineStayAtOne() throws {
        let truth = Efficiency(matmul: 0.5, attention: 0.5, memory: 0.6, link: 0.7)
        let fit = try Calibration.fit(try Self.synthetic(truth, phases: [.prefill]), on: Fixtures.h100)
        #expect(fit.efficiency.memory == 1)
        #expect(fit.efficiency.link == 1)
        #expect(Set(fit.notFitted.map(\.factor)) == [.memory, .link, .kernelOverhead])
        #expect(fit.efficiency.kernelOverheadSecondsPerLayer == 0)
        #expect(close(fit.efficiency.matmul, 0.5, 0.01))
    }

    @Test func errorsAreSignedAndMAPEIsTheirMeanMagnitude() {
        #expect(Calibration.error(predicted: 1.1, measured: 1.0) > 0.0999)
        #expect(Calibration.error(predicted: 0.9, measured: 1.0) < -0.0999)
        #expect(close(Calibration.mape([0.1, -0.3]), 0.2))
        #expect(Calibration.mape([]) == 0)
    }

    @Test func linearSolverSolvesAndRefusesSingularSystems() {
        let x = Calibration.solve([[2, 1], [1, 3]], [3, 5])
        #expect(x.map { close($0[0], 0.8) && close($0[1], 1.4) } == true)
        #expect(Calibration.solve([[1, 2], [2, 4]], [1, 2]) == nil)
    }
}
