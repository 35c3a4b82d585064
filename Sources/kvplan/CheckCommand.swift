import ArgumentParser
import KVStudy
import KVLoader
import KVReport

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate study files: compiler-style diagnostics on stderr, exit 1 on any error."
    )

    @Argument(help: "Study files, or directories searched recursively for *.study.yaml.")
    var paths: [String]

    func run() throws {
        let loader = StudyLoader(catalog: try builtInCatalog())
        let (files, problems) = StudyFiles.expand(paths)
        var errors = problems.count, warnings = 0, scenarios = 0
        problems.forEach { printError($0.rendered) }
        for file in files {
            let (study, log) = loader.load(path: file)
            log.diagnostics.forEach { printError($0.rendered) }
            errors += log.errorCount
            warnings += log.warningCount
            scenarios += study?.pointCount ?? 0
        }
        print(CheckCommand.summary(studies: files.count, scenarios: scenarios, errors: errors, warnings: warnings))
        if errors > 0 { throw ExitCode(1) }
    }

    /// `3 studies, 1,236 scenarios, 0 errors` (warnings only when there are some).
    static func summary(studies: Int, scenarios: Int, errors: Int, warnings: Int) -> String {
        func count(_ value: Int, _ noun: String, _ plural: String? = nil) -> String {
            "\(Format.integer(value)) \(value == 1 ? noun : plural ?? noun + "s")"
        }
        var parts = [count(studies, "study", "studies"), count(scenarios, "scenario"), count(errors, "error")]
        if warnings > 0 { parts.append(count(warnings, "warning")) }
        return parts.joined(separator: ", ")
    }
}
