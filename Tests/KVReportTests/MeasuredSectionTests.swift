import Foundation
import Testing
import KVStudy
import KVEstimator
@testable import KVLoader
@testable import KVReport

/// The review of issue 16: a band describes the figure it is drawn around (the calibration in
/// use), with the count of measurements inside it; a study that uses factors other than its own
/// fit shows both; the held-out error leads where the factors are the data's own fit.
@Suite("Measured vs predicted: bands, factors in use, held-out error")
struct MeasuredSectionTests {
    static func example(_ name: String) throws -> Study {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/\(name).study.yaml").path
        let (study, log) = StudyLoader(catalog: ReportTests.catalog).load(path: path)
        return try #require(study, "\(log.diagnostics.map(\.rendered).joined(separator: "\n"))")
    }

    static func measured(_ study: Study) throws -> (MeasuredEvaluation, Document) {
        let evaluation = try StudyEvaluation(study: study)
        guard case .success(let measured) = evaluation.measured else { throw CancellationError() }
        return (measured, DocumentBuilder.build(evaluation, slug: "test", kvplanVersion: "test", methodologyMarkdown: ""))
    }

    @Test("h200-transfer: each band is the central 95% of measured ÷ calibrated with the factors in use; its coverage is counted")
    func bandsFromTheCalibrationInUse() throws {
        let study = try Self.example("h200-transfer")
        let (measured, document) = try Self.measured(study)
        let hardware = try #require(study.hardware.first)
        for phase in Measurement.Phase.allCases {
            let rows = study.measurements.filter { $0.phase == phase }
            let ratios = try rows.map { row in
                let observation = try #require(MeasurementComparison.observation(row, in: study))
                return row.seconds / (try Calibration.predict(observation, on: hardware))
            }
            let band = measured.bands.first { $0.phase == phase }
            if rows.count < MeasuredEvaluation.Band.minimumRows {
                #expect(band == nil, "\(phase): \(rows.count) rows give no band")
            } else {
                let expected = Calibration.Bootstrap.interval(ratios)
                let found = try #require(band?.ratios)
                #expect(abs(found.lowerBound - expected.lowerBound) < 1e-12 && abs(found.upperBound - expected.upperBound) < 1e-12)
                #expect(found.upperBound - found.lowerBound > 1e-3, "no zero-width band")
            }
        }
        let banded = measured.calibrated.points.filter { $0.band != nil }
        let inside = banded.filter { $0.band!.contains($0.measurement.seconds) }.count
        #expect(measured.coverage == MeasuredEvaluation.Coverage(inside: inside, rows: banded.count))
        #expect(banded.count == 26 && inside >= 20)
        let section = try #require(document.sections.first { $0.id == "measured" })
        let table = try #require(DeploymentSectionTests.tables(section).last)
        #expect(table.caption.contains(": \(inside) of \(banded.count) measurements lie inside it"))
        let figures = section.blocks.compactMap { if case .figure(let figure) = $0 { figure } else { nil } }
        #expect(figures.filter { $0.caption.contains("shaded band") }.count == 2)
        for figure in figures where figure.caption.contains("shaded band") {
            #expect(figure.caption.contains("measurements drawn here lie inside it"))
        }
    }

    @Test("h200-transfer: the factors in use stand beside the H200's own fit, and the carry sentence is qualified where they disagree")
    func factorsInUseBesideTheOwnFit() throws {
        let (measured, document) = try Self.measured(try Self.example("h200-transfer"))
        let fit = try #require(measured.fits.first)
        #expect(fit.differsFromOwnFit)
        let matmul = try #require(fit.factors.first { $0.factor == .matmul })
        #expect(matmul.inUse == 0.497 && matmul.outsideInterval)
        let interval = try #require(matmul.interval)
        #expect(!interval.contains(0.497))
        #expect(fit.factors.filter(\.outsideInterval).map(\.factor) == [.matmul])
        let section = try #require(document.sections.first { $0.id == "measured" })
        let tables = DeploymentSectionTests.tables(section)
        let factors = try #require(tables.first)
        #expect(factors.columns.map(\.title) == ["term", "kind", "in use", "own fit", "own fit 95% interval", "in use inside it"])
        #expect(factors.rows.map { $0[0] } == ["matmul", "attention", "memory", "link"])
        #expect(factors.rows[0][2] == "0.497" && factors.rows[0][5] == "no")
        let text = DeploymentSectionTests.paragraphs(section).joined(separator: " ")
        #expect(text.contains("These rows do not confirm that matmul carries unchanged"))
        #expect(text.contains("with the factors in use, \(MeasurementComparison.percent(fit.fit.mapeAfter)) with this data's own fit"))
        // The factors are not this data's fit: no held-out lead, no "in-sample" for the study's figures.
        #expect(!document.findings.contains { $0.contains("held out") })
        #expect(!document.findings.contains { $0.contains("in-sample") })
    }

    @Test("h100-calibration: the held-out error leads, says each fit saw one model, and is given per model; every row is shown")
    func heldOutLeads() throws {
        let (measured, document) = try Self.measured(try Self.example("h100-calibration"))
        let entry = try #require(measured.heldOut.entries.first)
        let all = try #require(entry.groups.first { $0.model == nil && $0.phase == nil })
        #expect(try #require(document.findings.first).hasPrefix("On a model the calibration did not see, expect an error of about \(MeasurementComparison.percent(all.mape)): each of the 2 measured models, predicted by factors fitted to the other model alone"))
        let section = try #require(document.sections.first { $0.id == "measured" })
        #expect(try #require(DeploymentSectionTests.paragraphs(section).first).contains("fitted to the other model's measurements alone (a fit to a single model)"))
        let heldOut = try #require(DeploymentSectionTests.tables(section).first)
        #expect(heldOut.rows.map { $0[0] } == ["llama-3.1-8b", "llama-2-7b", "all models"])
        #expect(heldOut.columns.map(\.title) == ["model", "prefill (%)", "decode step (%)", "all phases (%)", "mean error (%)"])
        #expect(heldOut.rows[2][3] == Format.decimalString(all.mape * 100, decimals: 1))
        let every = try #require(DeploymentSectionTests.tables(section).last)
        #expect(every.rows.count == 25 && !every.caption.contains("rows shown"))
    }

    @Test("overlay charts: one colour per model for its peak, calibrated and measured series; a key with the band; y = x has no markers")
    func chartsColouredByModel() throws {
        let (_, document) = try Self.measured(try Self.example("h100-calibration"))
        let charts = document.figures.compactMap { if case .line(let chart) = $0.chart { chart } else { nil } }
        let overlay = try #require(charts.first { $0.title.hasPrefix("Prefill") })
        for model in ["llama-3.1-8b", "llama-2-7b"] {
            let slots = Set(overlay.series.filter { $0.name.hasPrefix(model + " ") }.map(\.slot))
            #expect(slots.count == 1 && slots.first! != nil, "\(model): \(slots)")
        }
        #expect(overlay.series.filter { !$0.markersOnly }.allSatisfy { !$0.lineMarkers })
        let key = try #require(overlay.key)
        #expect(key.contains { $0.mark == .band })
        #expect(key.filter { $0.slot != nil }.map(\.name) == ["llama-3.1-8b", "llama-2-7b"])
        let parity = try #require(charts.first { $0.title.hasPrefix("Predicted vs measured") })
        let identity = try #require(parity.series.first)
        #expect(identity.reference && !identity.lineMarkers)
        #expect(parity.svg(id: "p").contains("95% band") == false)
        #expect(overlay.svg(id: "o").contains("95% band of calibrated"))
    }
}
