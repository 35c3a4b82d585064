import Testing
@testable import KVEstimator

/// The fit recovers factors from synthetic measurements generated with them (issue 5).
@Suite("Calibration")
struct CalibrationTests {
    static func synthetic(_ truth: Efficiency, phases: Set<Calibration.Phase> = Set(Calibration.Phase.allCases)) throws -> [Calibration.Observation] {
        var hardware = Fixtures.h100
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
        #expect(fit.notFitted.isEmpty)
    }

    @Test func factorsTheDataCannotDetermineStayAtOne() throws {
        let truth = Efficiency(matmul: 0.5, attention: 0.5, memory: 0.6, link: 0.7)
        let fit = try Calibration.fit(try Self.synthetic(truth, phases: [.prefill]), on: Fixtures.h100)
        #expect(fit.efficiency.memory == 1)
        #expect(fit.efficiency.link == 1)
        #expect(Set(fit.notFitted.map(\.factor)) == [.memory, .link])
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
