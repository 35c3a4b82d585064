import ArgumentParser
import KVEstimator
import KVLoader
import KVReport

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Estimate the four long-context costs of a model on a GPU at given context lengths.",
        discussion: "Name one model, hardware and contexts with the options, or give a study file with --study."
    )

    @Option(help: "A study file: estimate its whole sweep (instead of --model, --hardware and --context).")
    var study: String?

    @Option(help: "Catalog model (see `kvplan catalog models`).")
    var model: String?

    @Option(help: "Catalog hardware (see `kvplan catalog hardware`).")
    var hardware: String?

    @Option(help: "Tensor-parallel degree: GPUs serving one model replica.")
    var gpus: Int?

    @Option(help: "Compression preset, or presets joined by `+` (`kivi-2bit+h2o-20`); once. (default: none)")
    var compression: [String] = []

    @Option(parsing: .upToNextOption, help: "Context lengths: 4096, 4K, 128K, 1M, 50_000.")
    var context: [String] = []

    @Option(help: "Tokens generated per session. (default: 250)")
    var outputTokens: Int?

    @Option(help: "Concurrent users competing for the GPU. (default: 1)")
    var users: Int?

    @Option(help: "peak (datasheet figures) or calibrated (apply the hardware's efficiency factors). (default: peak)")
    var mode: String?

    @Option(help: "Sharing the GPU: context of the short requests beside the long ones (with --long-fraction and --arrival-rate).")
    var shortContext: String?

    @Option(help: "Fraction of arriving requests that are long (the --context ones), in [0, 1].")
    var longFraction: Double?

    @Option(help: "Requests arriving per second (Poisson), short and long together.")
    var arrivalRate: Double?

    @Option(help: "Chunked prefill: prompt tokens per iteration. (default: 2048)")
    var chunk: String?

    @Option(help: "Paged KV: tokens per block. (default: 16)")
    var kvBlock: String?

    // What a study's `workload` sets besides users and output length (issue 12).
    @Option(help: "Weight precision: \(Precision.allCases.map(\.rawValue).joined(separator: ", ")). (default: bf16)")
    var weightPrecision: String?
    @Option(help: "KV-cache precision (a compression's kv_bits replaces it). (default: bf16)")
    var kvPrecision: String?
    @Option(help: "HBM held back per GPU for the runtime and activations, e.g. 8 GiB. (default: 0)")
    var reserve: String?
    @Option(help: "Largest decode batch the server runs. (default: unlimited)")
    var maxBatch: Int?

    @Flag(help: "One JSON object per scenario, one per line.")
    var json = false

    @Flag(help: "Print each figure's formula with its values substituted.")
    var explain = false

    func validate() throws {
        let sharing = [("--short-context", shortContext != nil), ("--long-fraction", longFraction != nil), ("--arrival-rate", arrivalRate != nil)]
        let sharingGiven = sharing.filter(\.1).map(\.0)
        if !sharingGiven.isEmpty || chunk != nil || kvBlock != nil {
            guard sharingGiven.count == sharing.count else {
                throw ValidationError("sharing the GPU needs --short-context, --long-fraction and --arrival-rate together")
            }
        }
        if study != nil {
            let given = [("--model", model != nil), ("--hardware", hardware != nil), ("--context", !context.isEmpty),
                         ("--gpus", gpus != nil), ("--compression", !compression.isEmpty), ("--output-tokens", outputTokens != nil),
                         ("--weight-precision", weightPrecision != nil), ("--kv-precision", kvPrecision != nil),
                         ("--reserve", reserve != nil), ("--max-batch", maxBatch != nil),
                         ("--users", users != nil), ("--mode", mode != nil), ("--short-context", shortContext != nil),
                         ("--long-fraction", longFraction != nil), ("--arrival-rate", arrivalRate != nil),
                         ("--chunk", chunk != nil), ("--kv-block", kvBlock != nil)].filter(\.1).map(\.0)
            guard given.isEmpty else {
                throw ValidationError("--study takes the whole setup from the study file; drop \(given.joined(separator: ", "))")
            }
            return
        }
        guard model != nil, hardware != nil else { throw ValidationError("give --model and --hardware, or --study FILE") }
        guard !context.isEmpty else { throw ValidationError("give at least one --context") }
        guard mode.map({ Mode(rawValue: $0) != nil }) ?? true else { throw ValidationError("--mode must be peak or calibrated") }
        try validateWorkloadOptions()
    }

    /// The issue-12 options: each once, each in the range a study file would accept.
    private func validateWorkloadOptions() throws {
        guard compression.count <= 1 else {
            throw ValidationError("--compression is given \(compression.count) times: combine presets with `+` (`--compression kivi-2bit+h2o-20`), or run once per compression")
        }
        let names = Precision.allCases.map(\.rawValue)
        for (option, value) in [("--weight-precision", weightPrecision), ("--kv-precision", kvPrecision)] {
            if let value, Precision(rawValue: value) == nil {
                throw ValidationError("\(option) must be one of \(names.joined(separator: ", ")), got `\(EchoedText.elided(EchoedText.escaped(value)))`")
            }
        }
        for (option, value) in [("--gpus", gpus), ("--max-batch", maxBatch), ("--users", users), ("--output-tokens", outputTokens)] {
            if let value, value < 1 { throw ValidationError("\(option) must be at least 1, got \(value)") }
        }
        if let gpus, gpus > 65_536 { throw ValidationError("--gpus must be between 1 and 65,536, got \(gpus)") }
        if let outputTokens, outputTokens > 1 << 40 { throw ValidationError("--output-tokens must be between 1 and 2^40 tokens, got \(outputTokens)") }
        for (option, value) in [("--users", users), ("--max-batch", maxBatch)] {
            if let value, value > 1 << 30 { throw ValidationError("\(option) must be between 1 and 2^30 sessions, got \(value)") }
        }
        if let longFraction, !(longFraction >= 1e-9 && longFraction <= 1) {
            throw ValidationError("--long-fraction must be a fraction in (0, 1], at least 1e-9, got \(longFraction)")
        }
        if let arrivalRate, !(arrivalRate >= 1e-9 && arrivalRate <= 1e9) {
            throw ValidationError("--arrival-rate must be between 1e-9 and 1e9 per second, got \(arrivalRate)")
        }
    }

    func run() throws {
        try reportingInputErrors {
            let catalog = try builtInCatalog()
            let sweeps = try study.map { try studySweeps($0, catalog: catalog) } ?? [try optionSweep(catalog)]
            for (index, sweep) in sweeps.enumerated() {
                if !json, index > 0 { print("") }
                try write(sweep)
            }
        }
    }

    /// One scenario at some contexts, with the baseline its relative cost is measured against.
    struct Sweep {
        var scenario: Scenario
        var contexts: [Int]
        var baseline: Baseline
        var format: Format
    }

    private func optionSweep(_ catalog: Catalog) throws -> Sweep {
        var hardwareEntry = try catalog.resolveHardware(hardware ?? "")
        if let gpus {
            hardwareEntry.gpus = gpus
            if gpus > 1 { hardwareEntry.label = "\(gpus)× \(hardwareEntry.label)" }
        }
        var workload = Workload(outputTokens: outputTokens ?? 250, users: users ?? 1)
        workload.maxBatch = maxBatch
        if let weightPrecision = weightPrecision.flatMap(Precision.init(rawValue:)) { workload.weightPrecision = weightPrecision }
        if let kvPrecision = kvPrecision.flatMap(Precision.init(rawValue:)) { workload.kvPrecision = kvPrecision }
        if let reserve {
            guard let bytes = try? Units.quantity(reserve, in: Units.bytes), bytes >= 0, bytes <= 1_152_921_504_606_846_976 else {
                throw InputFailure(message: "--reserve: `\(EchoedText.elided(EchoedText.escaped(reserve)))` is not a size between 0 and 1 EiB (try 8 GiB)")
            }
            workload.reserveBytes = bytes
        }
        if let shortContext, let longFraction, let arrivalRate {
            var sharing = SharingWorkload(shortContextTokens: try tokens(shortContext, "--short-context"),
                                          longFraction: longFraction, arrivalsPerSecond: arrivalRate)
            if let chunk { sharing.chunkTokens = try tokens(chunk, "--chunk") }
            if let kvBlock { sharing.kvBlockTokens = try tokens(kvBlock, "--kv-block") }
            workload.sharing = sharing
        }
        let scenario = Scenario(
            model: try catalog.resolveModel(model ?? ""), hardware: hardwareEntry,
            compression: try catalog.resolveCompression(compression.first ?? "none"), workload: workload,
            mode: mode.flatMap(Mode.init(rawValue:)) ?? .peak)
        let contexts = try context.map { try tokens($0, "--context") }
        if let sharing = workload.sharing {
            let iterations = contexts.reduce(0.0) { $0 + (Double($1) / Double(max(1, sharing.chunkTokens))).rounded(.up) }
            if iterations > Double(1 << 22) {
                throw InputFailure(message: "--chunk: chunked prefill of these contexts in chunks of \(sharing.chunkTokens) tokens takes over 4,194,304 iterations: raise --chunk")
            }
        }
        try scenario.validate()
        return Sweep(scenario: scenario, contexts: contexts, baseline: Baseline(), format: Format())
    }

    /// A token count between 1 and 2^40 (`4K`, `128K`, `1M`, `50_000`) from an option.
    private func tokens(_ text: String, _ option: String) throws -> Int {
        guard let value = try? Units.tokens(text), value >= 1, value <= 1 << 40 else {
            throw InputFailure(message: "\(option): `\(EchoedText.elided(EchoedText.escaped(text)))` is not a token count between 1 and 2^40 (try 4096, 4K, 128K, 1M or 50_000)")
        }
        return value
    }

    /// Every scenario of a study, in the study's order; diagnostics go to stderr, errors exit 1.
    private func studySweeps(_ path: String, catalog: Catalog) throws -> [Sweep] {
        let (loaded, log) = StudyLoader(catalog: catalog).load(path: path)
        log.diagnostics.forEach { printError($0.rendered) }
        guard let loaded else { throw ExitCode(1) }
        let format = Format(sizeUnits: loaded.units == .binary ? .binary : .decimal)
        return loaded.modes.flatMap { mode in
            loaded.scenarios(mode: mode).map { Sweep(scenario: $0, contexts: loaded.contexts, baseline: loaded.baseline, format: format) }
        }
    }

    private func write(_ sweep: Sweep) throws {
        let estimator = try Estimator(sweep.scenario)
        var baselineScenario = sweep.scenario
        baselineScenario.compression = sweep.baseline.compression
        let baseline = try Estimator(baselineScenario).sessionCost(tokens: sweep.baseline.context).gpuSeconds
        let estimates = sweep.contexts.map { estimator.estimate(context: $0, baselineGPUSeconds: baseline) }

        if json {
            for estimate in estimates {
                let needed = estimator.compressionNeeded(tokens: estimate.context, targetGPUSeconds: baseline)
                let sharing = estimator.sharing(context: estimate.context)
                print(JSONValue.object(EstimateRecord.fields(sweep.scenario, estimate, compressionNeeded: needed, sharing: sharing)).text)
            }
        } else {
            print(EstimateTable.text(sweep.scenario, estimates, format: sweep.format,
                                     baseline: "\(Format.tokens(sweep.baseline.context)) with \(sweep.baseline.compression.name)"))
            let sharing = sweep.contexts.compactMap { estimator.sharing(context: $0) }
            if !sharing.isEmpty { print("\n" + SharingTable.text(sharing)) }
        }
        if explain {
            for value in sweep.contexts {
                print("\nFormulas at \(Format.tokens(value)) tokens:")
                for trace in estimator.traces(context: value) {
                    print("  \(trace.quantity): \(trace.formula)\n    = \(trace.substituted)\n    = \(trace.result)")
                }
            }
        }
    }
}
