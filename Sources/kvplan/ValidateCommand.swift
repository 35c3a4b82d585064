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
            let (_, measured) = try evaluateMeasurements(study, missing: "to validate against")
            let comparison = measured.studyMode
            guard !comparison.points.isEmpty else { throw InputFailure(message: "\(study) has no measurements to validate against") }
            print(json ? comparison.json.text : comparison.table)
        }
    }
}

/// One study evaluated for `validate` and `calibrate`: its measured comparisons and fits; exit 1
/// when it has no measurements (`missing` says what for) or they cannot be predicted.
func evaluateMeasurements(_ path: String, missing: String) throws -> (Study, MeasuredEvaluation) {
    let study = try loadStudies([path], catalog: try builtInCatalog())[0]
    switch try StudyEvaluation(study: study).measured {
    case nil: throw InputFailure(message: "\(path) has no measurements \(missing)")
    case .failure(let error): throw error
    case .success(let measured): return (study, measured)
    }
}
