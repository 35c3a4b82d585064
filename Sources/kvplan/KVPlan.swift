import ArgumentParser
import Foundation
import KVEstimator
import KVStudy
import KVLoader
import KVReport

@main
struct KVPlan: ParsableCommand {
    static let version = ReportRenderer.kvplanVersion

    static let configuration = CommandConfiguration(
        commandName: "kvplan",
        abstract: "What context length costs on your hardware, and which KV-cache technique buys it back.",
        version: version,
        subcommands: [RenderCommand.self, EstimateCommand.self, PlanCommand.self, CatalogCommand.self, CheckCommand.self, ValidateCommand.self, CalibrateCommand.self, ServeCommand.self, SchemaCommand.self]
    )
}

/// Invalid input the user can fix: printed to stderr, exit 1 (SPEC §5).
struct InputFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension ParsableCommand {
    /// Runs `body`, turning input problems into a message on stderr and exit 1.
    func reportingInputErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as InputFailure {
            printError("error: \(failure.message)")
            throw ExitCode(1)
        } catch let failure as LookupFailure {
            printError("error: \(failure.message)")
            throw ExitCode(1)
        } catch let failure as OutputDirectory.Refusal {
            printError("error: \(failure.description)")
            throw ExitCode(1)
        } catch let failure as ReportTemplates.LoadError {
            printError("error: \(failure.description)")
            throw ExitCode(1)
        } catch let failure as EstimatorInputError {
            printError("error: \(failure.field): \(failure.message)")
            throw ExitCode(1)
        }
    }
}

/// The built-in catalog; a defect in it is kvplan's, so it exits 70 (EX_SOFTWARE).
func builtInCatalog() throws -> Catalog {
    switch Catalog.builtIn() {
    case .success(let catalog): return catalog
    case .failure(let error):
        printError("internal error: the built-in catalog is invalid:\n\(error)")
        throw ExitCode(70)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
