import ArgumentParser
import KVEstimator
import KVStudy
import KVLoader
import KVReport

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit each hardware entry's efficiency factors to the study's measurements; print a YAML snippet."
    )

    @OptionGroup var study: MeasuredStudy

    @Option(help: "Fit only this hardware entry (by its name in the study).")
    var hardware: String?

    @Flag(help: "{\"hardware\": {name: {factor: value}}, \"intervals\": {name: {factor: [low, high]}}, \"scope\": {factor: generation|part}, \"held_out_mape\": {name: x}, \"mape_before\": x, \"mape_after\": y}; kernel_overhead in seconds per layer.")
    var json = false

    func run() throws {
        try reportingInputErrors {
            let (loaded, measured) = try study.evaluate(missing: "to fit")
            if let hardware, !loaded.hardware.contains(where: { $0.name == hardware }) {
                throw InputFailure(message: "--hardware: the study has no hardware entry `\(hardware)` (it has \(loaded.hardware.map(\.name).joined(separator: ", ")))")
            }
            let fits = measured.fits.filter { hardware == nil || $0.hardware.name == hardware }
            guard !fits.isEmpty else { throw InputFailure(message: "\(study.path) has no measurements\(hardware.map { " on \($0)" } ?? "") to fit") }
            let (rows, before, after) = measured.mape(only: hardware)
            if json {
                let hardwareObject = JSONValue.object(fits.map { entry in
                    (entry.hardware.name, JSONValue.object(entry.fit.fitted.map { factor in
                        (factor.rawValue, JSONValue.finite(entry.fit.efficiency[factor]))
                    }))
                })
                let intervals = JSONValue.object(fits.map { entry in
                    (entry.hardware.name, JSONValue.object(entry.fit.fitted.compactMap { factor in
                        entry.fit.interval(factor).map { (factor.rawValue, JSONValue.array([.finite($0.lowerBound), .finite($0.upperBound)])) }
                    }))
                })
                let scope = JSONValue.object(Calibration.Factor.allCases.map { ($0.rawValue, JSONValue.string($0.scope.rawValue)) })
                let heldOut = JSONValue.object(fits.compactMap { entry in
                    entry.fit.heldOut.map { (entry.hardware.name, JSONValue.finite(Calibration.mape($0.chosen.map(\.error)))) }
                })
                print(JSONValue.object([("hardware", hardwareObject), ("intervals", intervals), ("scope", scope), ("held_out_mape", heldOut),
                                        ("bootstrap", .object([("replicates", .integer(Calibration.Bootstrap.replicates)), ("seed", .integer(Int(Calibration.Bootstrap.seed))), ("coverage", .finite(Calibration.Bootstrap.coverage))])),
                                        ("mape_before", .finite(before)), ("mape_after", .finite(after))]).text)
            } else {
                for entry in fits { print(MeasurementComparison.yamlSnippet(entry)) }
                print("\nMAPE over \(rows) rows: \(Format.decimalString(before * 100, decimals: 1))% at peak → \(Format.decimalString(after * 100, decimals: 1))% calibrated")
            }
        }
    }
}
