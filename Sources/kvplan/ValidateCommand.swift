import ArgumentParser
import KVStudy
import KVLoader
import KVReport

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Compare a study's measurements with the estimator's predictions: per-point error and MAPE."
    )

    @Argument(help: "A study with `measurements`.")
    var study: String

    @Flag(help: "One JSON object: points, and MAPE by phase and overall (fractions).")
    var json = false

    func run() throws {
        try reportingInputErrors {
            let studies = try loadStudies([study], catalog: try builtInCatalog())
            let comparison = try MeasurementComparison(study: studies[0])
            guard !comparison.points.isEmpty else { throw InputFailure(message: "\(study) has no measurements to validate against") }
            print(json ? comparison.json.text : comparison.table)
        }
    }
}
