import KVEstimator
import KVStudy

/// `kvplan validate --carry-from SOURCE`: a calibration fitted on one part (the source study's
/// measurements) carried to the parts of this study — the chip generation's terms as fitted, the
/// part's terms fitted to this study's rows — with the signed error per phase, and the error
/// when every term is carried (no measurement of the new part at all).
public struct CarriedComparison: Sendable {
    public struct Entry: Sendable {
        public var source: MeasuredEvaluation.HardwareFit
        public var hardware: String
        public var carried: Calibration.Carried
        public var phases: [Measurement.Phase]
        /// Per phase (then all rows, phase nil): MAPE and mean signed error, every term carried
        /// and with the part's terms fitted.
        public var groups: [(phase: Measurement.Phase?, rows: Int, everyTerm: (mape: Double, mean: Double), partFitted: (mape: Double, mean: Double))]
    }

    public var entries: [Entry]

    /// Carries the one fit of `source` to every hardware entry of `study` that has measurements.
    public init(source: MeasuredEvaluation, sourcePath: String, study: Study) throws {
        guard source.fits.count == 1, let from = source.fits.first else {
            throw CarryError(message: "--carry-from \(sourcePath): expected measurements of one hardware entry to carry, found \(source.fits.count) (\(source.fits.map(\.hardware.name).joined(separator: ", ")))")
        }
        var entries: [Entry] = []
        for hardware in study.hardware {
            let observations = study.measurements.filter { $0.hardware == hardware.name }.compactMap { MeasurementComparison.observation($0, in: study) }
            guard !observations.isEmpty else { continue }
            let carried = try Calibration.carry(from.fit.efficiency, to: observations, on: hardware)
            let phases = Measurement.Phase.allCases.filter { phase in observations.contains { $0.phase == phase } }
            func summary(_ errors: [Double]) -> (mape: Double, mean: Double) { (Calibration.mape(errors), errors.reduce(0, +) / Double(errors.count)) }
            var groups: [(phase: Measurement.Phase?, rows: Int, everyTerm: (mape: Double, mean: Double), partFitted: (mape: Double, mean: Double))] = []
            for phase in phases as [Measurement.Phase?] + [nil] {
                let indices = observations.indices.filter { phase == nil || observations[$0].phase == phase }
                groups.append((phase, indices.count, summary(indices.map { carried.everyTermCarried[$0] }), summary(indices.map { carried.partTermsFitted[$0] })))
            }
            entries.append(Entry(source: from, hardware: hardware.name, carried: carried, phases: phases, groups: groups))
        }
        self.entries = entries
    }

    public struct CarryError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public var table: String {
        entries.map { entry in
            let factor = { (factor: Calibration.Factor) in "\(factor.rawValue) \(MeasurementComparison.factorText(factor, entry.carried.efficiency[factor]))" }
            let generation = entry.source.fit.fitted.filter { $0.scope == .generation }.map(factor)
            var text = "\(entry.source.hardware.name) → \(entry.hardware): chip-generation terms carried (\(generation.joined(separator: ", ")))"
            text += entry.carried.fitted.isEmpty ? "" : "; part terms fitted to \(entry.hardware)'s rows (\(entry.carried.fitted.map(factor).joined(separator: ", ")))"
            for missing in entry.carried.notFitted { text += "; \(missing.factor.rawValue) \(missing.reason)" }
            text += "\n\n"
            let rows = entry.groups.map { group in
                [group.phase?.rawValue ?? "all phases", String(group.rows),
                 MeasurementComparison.percent(group.everyTerm.mape), MeasurementComparison.signedPercent(group.everyTerm.mean),
                 MeasurementComparison.percent(group.partFitted.mape), MeasurementComparison.signedPercent(group.partFitted.mean)]
            }
            text += TextTable(headers: ["phase", "rows", "every term carried: MAPE", "mean error", "part terms fitted: MAPE", "mean error"],
                              rows: rows, rightAligned: [1, 2, 3, 4, 5]).text
            return text
        }.joined(separator: "\n\n")
    }

    public var json: JSONValue {
        .object([("carried", .array(entries.map { entry in
            .object([
                ("from", .string(entry.source.hardware.name)), ("to", .string(entry.hardware)),
                ("efficiency", .object(Calibration.Factor.allCases.map { ($0.rawValue, JSONValue.finite(entry.carried.efficiency[$0])) })),
                ("part_terms_fitted", .array(entry.carried.fitted.map { .string($0.rawValue) })),
                ("phases", .array(entry.groups.map { group in
                    .object([
                        ("phase", group.phase.map { .string($0.rawValue) } ?? .string("all")), ("rows", .integer(group.rows)),
                        ("every_term_carried", .object([("mape", .finite(group.everyTerm.mape)), ("mean_error", .finite(group.everyTerm.mean))])),
                        ("part_terms_fitted", .object([("mape", .finite(group.partFitted.mape)), ("mean_error", .finite(group.partFitted.mean))])),
                    ])
                })),
            ])
        }))])
    }
}
