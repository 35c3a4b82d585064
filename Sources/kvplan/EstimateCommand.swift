import ArgumentParser
import KVEstimator
import KVLoader
import KVReport

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Estimate the four long-context costs of a model on a GPU at given context lengths."
    )

    @Option(help: "Catalog model (see `kvplan catalog models`).")
    var model: String

    @Option(help: "Catalog hardware (see `kvplan catalog hardware`).")
    var hardware: String

    @Option(help: "Tensor-parallel degree: GPUs serving one model replica.")
    var gpus: Int?

    @Option(help: "Compression preset, or presets joined by `+` (`kivi-2bit+h2o-20`).")
    var compression: String = "none"

    @Option(parsing: .upToNextOption, help: "Context lengths: 4096, 4K, 128K, 1M, 50_000.")
    var context: [String]

    @Option(help: "Tokens generated per session.")
    var outputTokens: Int = 250

    @Option(help: "Concurrent users competing for the GPU.")
    var users: Int = 1

    @Option(help: "peak (datasheet figures) or calibrated (apply the hardware's efficiency factors).")
    var mode: String = "peak"

    @Flag(help: "One JSON object per scenario, one per line.")
    var json = false

    @Flag(help: "Print each figure's formula with its values substituted.")
    var explain = false

    func validate() throws {
        guard !context.isEmpty else { throw ValidationError("give at least one --context") }
        guard Mode(rawValue: mode) != nil else { throw ValidationError("--mode must be peak or calibrated") }
    }

    func run() throws {
        try reportingInputErrors {
            let catalog = try builtInCatalog()
            var hardwareEntry = try catalog.resolveHardware(hardware)
            if let gpus { hardwareEntry.gpus = gpus }
            let workload = Workload(outputTokens: outputTokens, users: users)
            let scenario = Scenario(
                model: try catalog.resolveModel(model), hardware: hardwareEntry,
                compression: try catalog.resolveCompression(compression), workload: workload,
                mode: Mode(rawValue: mode) ?? .peak)
            let contexts = try context.map { text in
                do { return try Units.tokens(text) } catch {
                    throw InputFailure(message: "--context: `\(text)` is not a token count (try 4096, 4K, 128K, 1M or 50_000)")
                }
            }
            for value in contexts where value < 1 {
                throw InputFailure(message: "--context: \(value) is not a positive token count")
            }
            let estimator = try Estimator(scenario)
            var baselineScenario = scenario
            baselineScenario.compression = .none
            let baseline = try Estimator(baselineScenario).sessionCost(tokens: 4096).gpuSeconds
            let estimates = contexts.map { estimator.estimate(context: $0, baselineGPUSeconds: baseline) }

            if json {
                for estimate in estimates {
                    let needed = estimator.compressionNeeded(tokens: estimate.context, targetGPUSeconds: baseline)
                    print(JSONValue.object(EstimateRecord.fields(scenario, estimate, compressionNeeded: needed)).text)
                }
            } else {
                print(EstimateTable.text(scenario, estimates))
            }
            if explain {
                for value in contexts {
                    print("\nFormulas at \(Format.tokens(value)) tokens:")
                    for trace in estimator.traces(context: value) {
                        print("  \(trace.quantity): \(trace.formula)\n    = \(trace.substituted)\n    = \(trace.result)")
                    }
                }
            }
        }
    }
}
