import ArgumentParser
import KVStudy
import KVLoader
import KVReport

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate study files: compiler-style diagnostics on stderr, exit 1 on any error."
    )

    @OptionGroup var studies: StudyPaths

    func run() throws {
        let loaded = LoadedStudies(studies.paths, catalog: try builtInCatalog())
        loaded.diagnostics.forEach { printError($0.rendered) }
        let errors = loaded.errors.count
        print(CheckCommand.summary(
            studies: loaded.files.count, scenarios: loaded.studies.reduce(0) { $0 + $1.pointCount }, errors: errors,
            warnings: loaded.diagnostics.count - errors))
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
