import KVEstimator
import KVStudy

/// `kvplan validate --holdout model`: every measured model predicted by factors fitted to the
/// other models measured on the same hardware — the error to expect on a model the calibration
/// never saw. Errors stay signed; MAPE and the mean signed error are given per model and phase.
public struct HeldOutComparison: Sendable {
    public struct Group: Sendable {
        public var hardware: String
        public var model: String?
        public var phase: Measurement.Phase?
        public var rows: Int
        public var mape: Double
        /// Mean of (predicted − measured) / measured: negative means optimistic.
        public var meanError: Double
    }

    public struct Entry: Sendable {
        public var hardware: String
        public var models: Int
        /// Per model and phase (and over its phases when it has several), then per phase over all
        /// models, then all rows (model and phase nil).
        public var groups: [Group]
        /// Held-out MAPE without and with the kernel overhead (nil when the rows cannot determine it).
        public var mapeWithoutOverhead: Double
        public var mapeWithOverhead: Double?
        public var keepsOverhead: Bool
    }

    public var entries: [Entry]

    public init(_ measured: MeasuredEvaluation) { self = measured.heldOut }

    init(fits: [MeasuredEvaluation.HardwareFit]) {
        entries = fits.compactMap { entry in
            guard let heldOut = entry.fit.heldOut else { return nil }
            let rows = heldOut.chosen
            let hardware = entry.hardware.name
            var models: [String] = []
            for row in rows where !models.contains(row.observation.model.name) { models.append(row.observation.model.name) }
            let phases = Measurement.Phase.allCases.filter { phase in rows.contains { $0.observation.phase == phase } }
            func group(_ model: String?, _ phase: Measurement.Phase?) -> Group? {
                let errors = rows.filter { (model == nil || $0.observation.model.name == model) && (phase == nil || $0.observation.phase == phase) }.map(\.error)
                guard !errors.isEmpty else { return nil }
                return Group(hardware: hardware, model: model, phase: phase, rows: errors.count, mape: Calibration.mape(errors),
                             meanError: errors.reduce(0, +) / Double(errors.count))
            }
            var groups: [Group] = []
            for model in models { groups += (phases as [Measurement.Phase?] + (phases.count > 1 ? [nil] : [])).compactMap { group(model, $0) } }
            groups += phases.compactMap { group(nil, $0) }
            if let all = group(nil, nil) { groups.append(all) }
            return Entry(hardware: hardware, models: models.count, groups: groups,
                         mapeWithoutOverhead: Calibration.mape(heldOut.withoutOverhead.map(\.error)),
                         mapeWithOverhead: heldOut.withOverhead.map { Calibration.mape($0.map(\.error)) },
                         keepsOverhead: heldOut.keepsOverhead)
        }
    }

    public var table: String {
        var parts: [String] = []
        for entry in entries {
            let rows = entry.groups.map { group in
                [group.model ?? "all models", group.phase?.rawValue ?? "all phases", String(group.rows),
                 MeasurementComparison.percent(group.mape), MeasurementComparison.signedPercent(group.meanError)]
            }
            var text = "\(entry.hardware): each of \(entry.models) models predicted by factors fitted to the others (calibrated, leave one model out)\n\n"
            text += TextTable(headers: ["model", "phase", "rows", "MAPE", "mean error"], rows: rows, rightAligned: [2, 3, 4]).text
            // Enough decimals to tell the two apart (two, up to four).
            let decimals = (2...4).first { digits in
                entry.mapeWithOverhead.map { Format.decimalString($0 * 100, decimals: digits) != Format.decimalString(entry.mapeWithoutOverhead * 100, decimals: digits) } ?? true
            } ?? 4
            let percent = { (fraction: Double) in Format.decimalString(fraction * 100, decimals: decimals) + "%" }
            let without = percent(entry.mapeWithoutOverhead)
            if let with = entry.mapeWithOverhead {
                text += "\n\nKernel overhead per decode step: \(entry.keepsOverhead ? "kept" : "not kept") — held-out MAPE \(percent(with)) with it, \(without) without"
                text += entry.keepsOverhead || with >= entry.mapeWithoutOverhead ? "." : ", but its 95% bootstrap interval includes 0."
            } else {
                text += "\n\nKernel overhead per decode step: not determined by these rows (held-out MAPE \(without) without it)."
            }
            parts.append(text)
        }
        return parts.joined(separator: "\n\n")
    }

    public var json: JSONValue {
        .object([("holdout", .string("model")), ("hardware", .array(entries.map { entry in
            .object([
                ("name", .string(entry.hardware)), ("models", .integer(entry.models)),
                ("groups", .array(entry.groups.map { group in
                    .object([
                        ("model", group.model.map(JSONValue.string) ?? .null), ("phase", group.phase.map { .string($0.rawValue) } ?? .null),
                        ("rows", .integer(group.rows)), ("mape", .finite(group.mape)), ("mean_error", .finite(group.meanError)),
                    ])
                })),
                ("mape_without_overhead", .finite(entry.mapeWithoutOverhead)),
                ("mape_with_overhead", entry.mapeWithOverhead.map(JSONValue.finite) ?? .null),
                ("kernel_overhead_kept", .bool(entry.keepsOverhead)),
            ])
        }))])
    }
}
