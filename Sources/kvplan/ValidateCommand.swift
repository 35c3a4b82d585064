import ArgumentParser
import KVStudy
import KVLoader
import KVReport

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Compare a study's measurements with the estimator's predictions: per-point error and MAPE."
    )

    enum HoldOut: String, ExpressibleByArgument, CaseIterable {
        case model
    }

    @OptionGroup var study: MeasuredStudy

    @Option(help: "`model`: predict each measured model with factors fitted to the other models (leave one model out) and print that error instead.")
    var holdout: HoldOut?

    @Option(name: .customLong("carry-from"), help: "A study with measurements of another part of the same chip generation: carry its fitted generation terms (matmul, attention, kernel overhead) here, fit the part's terms (memory, link) to this study's rows, and print the error both ways.")
    var carryFrom: String?

    @Flag(help: "One JSON object: points, and MAPE by phase and overall (fractions).")
    var json = false

    func run() throws {
        try reportingInputErrors {
            let (loaded, measured) = try study.evaluate(missing: "to validate against")
            if let carryFrom {
                let source = try MeasuredStudy.evaluate(carryFrom, missing: "to carry a calibration from").1
                let carried: CarriedComparison
                do {
                    carried = try CarriedComparison(source: source, sourcePath: carryFrom, study: loaded)
                } catch let error as CarriedComparison.CarryError {
                    throw InputFailure(message: error.message)
                }
                guard !carried.entries.isEmpty else { throw InputFailure(message: "\(study.path) has no measurements to carry a calibration to") }
                print(json ? carried.json.text : carried.table)
                return
            }
            if holdout == .model {
                let heldOut = HeldOutComparison(measured)
                guard !heldOut.entries.isEmpty else {
                    throw InputFailure(message: "\(study.path): leaving one model out needs measurements of two or more models on one hardware entry")
                }
                print(json ? heldOut.json.text : heldOut.table)
                return
            }
            let comparison = measured.studyMode
            guard !comparison.points.isEmpty else { throw InputFailure(message: "\(study.path) has no measurements to validate against") }
            print(json ? comparison.json.text : comparison.table)
        }
    }
}
