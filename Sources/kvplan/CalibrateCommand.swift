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

    @Flag(help: "{\"hardware\": {name: {factor: value}}, \"mape_before\": x, \"mape_after\": y}.")
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
                print(JSONValue.object([("hardware", hardwareObject), ("mape_before", .finite(before)), ("mape_after", .finite(after))]).text)
            } else {
                for entry in fits { print(MeasurementComparison.yamlSnippet(entry)) }
                print("\nMAPE over \(rows) rows: \(Format.decimalString(before * 100, decimals: 1))% at peak → \(Format.decimalString(after * 100, decimals: 1))% calibrated")
            }
        }
    }
}
