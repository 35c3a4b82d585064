import ArgumentParser
import KVStudy
import KVLoader
import KVReport

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Compare a study's measurements with the estimator's predictions: per-point error and MAPE."
    )

    @OptionGroup var study: MeasuredStudy

    @Flag(help: "One JSON object: points, and MAPE by phase and overall (fractions).")
    var json = false

    func run() throws {
        try reportingInputErrors {
            let (_, measured) = try study.evaluate(missing: "to validate against")
            let comparison = measured.studyMode
            guard !comparison.points.isEmpty else { throw InputFailure(message: "\(study.path) has no measurements to validate against") }
            print(json ? comparison.json.text : comparison.table)
        }
    }
}
