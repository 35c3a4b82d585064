import ArgumentParser
import Foundation
import KVEstimator
import KVStudy
import KVLoader
import KVReport
#if canImport(Glibc)
import Glibc
/// `write(2)`, which `EstimateCommand`'s own `write` would hide.
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

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

    @Option(help: "Pipeline stages: layers split over this many stages of --gpus/--pp GPUs each. (default: 1)")
    var pp: Int?

    @Option(help: "Expert parallelism for MoE models: routed experts spread over this many GPUs of a stage. (default: 1)")
    var ep: Int?

    @Option(help: "tensor (heads split over the GPUs) or data (attention replicated, sessions split). (default: tensor)")
    var attentionParallel: String?

    @Option(help: "GPUs in one NVLink domain; collectives beyond it use the network. (default: 8)")
    var gpusPerNode: Int?

    @Option(help: "Weight precision: \(Precision.allCases.map(\.rawValue).joined(separator: ", ")). (default: bf16)")
    var weightPrecision: String?

    @Option(help: "KV-cache precision (a compression's kv_bits replaces it). (default: bf16)")
    var kvPrecision: String?

    @Option(help: "HBM held back per GPU for the runtime and activations, e.g. 8 GiB. (default: 0)")
    var reserve: String?

    @Option(help: "Largest decode batch the server runs. (default: unlimited)")
    var maxBatch: Int?

    @Option(help: "Share of each GPU's HBM the engine may use, in (0, 1] (vLLM: 0.9). (default: 1)")
    var memoryUtilization: Double?

    @Option(help: "Chunked prefill: prompt tokens per prefill iteration (activation memory). (default: whole prompt)")
    var prefillChunk: String?

    @Flag(help: "Take the prefill's peak activation memory out of the KV budget.")
    var activationMemory = false

    @Option(help: "Speculative decoding draft: a catalog model, `self-<tokens>` (the target on a compressed KV of that many tokens) or `mtp`.")
    var draft: String?

    @Option(help: "Speculative decoding: tokens the draft proposes per step (γ). (default: 4)")
    var draftTokens: Int?

    @Option(help: "Speculative decoding: probability a drafted token is accepted (α). (default: 0.7)")
    var acceptance: Double?

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
            let options: [(String, Bool)] = [("--model", model != nil), ("--hardware", hardware != nil), ("--context", !context.isEmpty),
                         ("--gpus", gpus != nil), ("--compression", !compression.isEmpty), ("--output-tokens", outputTokens != nil),
                         ("--users", users != nil), ("--mode", mode != nil), ("--short-context", shortContext != nil),
                         ("--long-fraction", longFraction != nil), ("--arrival-rate", arrivalRate != nil),
                         ("--chunk", chunk != nil), ("--kv-block", kvBlock != nil), ("--pp", pp != nil), ("--ep", ep != nil),
                         ("--attention-parallel", attentionParallel != nil), ("--gpus-per-node", gpusPerNode != nil),
                         ("--weight-precision", weightPrecision != nil), ("--kv-precision", kvPrecision != nil),
                         ("--reserve", reserve != nil), ("--max-batch", maxBatch != nil),
                         ("--memory-utilization", memoryUtilization != nil), ("--prefill-chunk", prefillChunk != nil),
                         ("--activation-memory", activationMemory), ("--draft", draft != nil),
                         ("--draft-tokens", draftTokens != nil), ("--acceptance", acceptance != nil)]
            let given = options.filter(\.1).map(\.0)
            guard given.isEmpty else {
                throw ValidationError("--study takes the whole setup from the study file; drop \(given.joined(separator: ", "))")
            }
            return
        }
        guard model != nil, hardware != nil else { throw ValidationError("give --model and --hardware, or --study FILE") }
        guard !context.isEmpty else { throw ValidationError("give at least one --context") }
        guard mode.map({ Mode(rawValue: $0) != nil }) ?? true else { throw ValidationError("--mode must be peak or calibrated") }
        guard attentionParallel.map({ AttentionParallel(rawValue: $0) != nil }) ?? true else {
            throw ValidationError("--attention-parallel must be tensor or data")
        }
        if draft == nil, draftTokens != nil || acceptance != nil {
            throw ValidationError("--draft-tokens and --acceptance need --draft")
        }
        try validateWorkloadOptions()
    }

    /// The workload options: each once, each in the range a study file would accept.
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
            let study = try self.study.map { try loadStudy($0, catalog: builtInCatalog()) } ?? optionStudy(namedEntries())
            if json, !explain {
                try streamJSON(study)
                return
            }
            let evaluation = try StudyEvaluation(study: study, tracing: explain ? .everyContext : .endpoints, contexts: .all, measured: false)
            let format = Format(sizeUnits: study.units)
            for (index, series) in evaluation.series.enumerated() {
                if !json, index > 0 { print("") }
                write(series, baseline: study.baseline, format: format, placement: evaluation.kvPlacement)
            }
        }
    }

    /// One JSON line per point, written as each is estimated through one reused buffer: memory
    /// stays constant however many points the study sweeps.
    private func streamJSON(_ study: Study) throws(EstimatorInputError) {
        let chunk = 1 << 16
        let writer = JSONWriter(capacity: chunk + 4096)
        // Straight from the buffer to the file descriptor: `FileHandle.write(Data(buffer:))`
        // copied every chunk first.
        func flush() {
            writer.withBytes { bytes in
                var offset = 0
                while offset < bytes.count, let base = bytes.baseAddress {
                    let written = systemWrite(STDOUT_FILENO, base + offset, bytes.count - offset)
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else {
                        printError("error: cannot write to standard output: \(String(cString: strerror(errno)))")
                        Foundation.exit(74)  // EX_IOERR
                    }
                    offset += written
                }
            }
            writer.removeAll()
        }
        let placement = try study.kvPlacement.map { p throws(EstimatorInputError) in try KVPlacementEvaluation(study: study, placement: p) }
        try StudyEvaluation.eachPoint(of: study) { scenario, estimate, needed, sharing in
            writer.writeRecord(scenario, estimate, compressionNeeded: needed, sharing: sharing, placement: placement)
            writer.append(UInt8(ascii: "\n"))
            if writer.count >= chunk { flush() }
        }
        flush()
    }

    /// The built-in catalog's entries the options name, and no others read (issue 13: start-up).
    private func namedEntries() throws -> Catalog {
        let drafts = draft.map { $0 == "mtp" || $0.hasPrefix("self-") ? [] : [$0] } ?? []
        let compressions = (compression.first ?? "none").split(separator: "+").map { String($0).trimmingCharacters(in: .whitespaces) }
        switch Catalog.builtIn(models: [model ?? ""] + drafts, hardware: [hardware ?? ""], compressions: compressions) {
        case .success(let catalog): return catalog
        case .failure(let error):
            printError("internal error: the built-in catalog is invalid:\n\(error)")
            throw ExitCode(70)
        }
    }

    /// The options as a study of one scenario, evaluated like any other.
    private func optionStudy(_ catalog: Catalog) throws -> Study {
        var hardwareEntry = try catalog.resolveHardware(hardware ?? "")
        if let gpus {
            hardwareEntry.gpus = gpus
            if gpus > 1 { hardwareEntry.label = "\(gpus)× \(hardwareEntry.label)" }
        }
        if let pp { hardwareEntry.parallel.pipelineStages = pp }
        if let ep { hardwareEntry.parallel.expertParallel = ep }
        if let attentionParallel { hardwareEntry.parallel.attention = AttentionParallel(rawValue: attentionParallel) ?? .tensor }
        if let gpusPerNode { hardwareEntry.gpusPerNode = gpusPerNode }
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
        if let memoryUtilization { workload.memoryUtilization = memoryUtilization }
        if let prefillChunk { workload.prefillChunk = try tokens(prefillChunk, "--prefill-chunk") }
        workload.activationMemory = activationMemory
        if let draft {
            workload.speculative = SpeculativeDecoding(
                draft: try speculativeDraft(draft, catalog), draftTokens: draftTokens ?? 4, acceptance: acceptance ?? 0.7)
        }
        if let shortContext, let longFraction, let arrivalRate {
            var sharing = SharingWorkload(shortContextTokens: try tokens(shortContext, "--short-context"),
                                          longFraction: longFraction, arrivalsPerSecond: arrivalRate)
            if let chunk { sharing.chunkTokens = try tokens(chunk, "--chunk") }
            if let kvBlock { sharing.kvBlockTokens = try tokens(kvBlock, "--kv-block") }
            workload.sharing = sharing
        }
        let contexts = try context.map { try tokens($0, "--context") }
        if let sharing = workload.sharing {
            let iterations = contexts.reduce(0.0) { $0 + (Double($1) / Double(max(1, sharing.chunkTokens))).rounded(.up) }
            if iterations > Double(1 << 22) {
                throw InputFailure(message: "--chunk: chunked prefill of these contexts in chunks of \(sharing.chunkTokens) tokens takes over 4,194,304 iterations: raise --chunk")
            }
        }
        return Study(
            path: "", text: "", title: "kvplan estimate", models: [try catalog.resolveModel(model ?? "")], hardware: [hardwareEntry],
            compressions: [try catalog.resolveCompression(compression.first ?? "none")],
            contexts: contexts, workload: workload,
            mode: mode.flatMap(StudyMode.init(rawValue:)) ?? .peak)
    }

    /// `--draft`: a catalog model, `self-<tokens>` or `mtp`.
    private func speculativeDraft(_ text: String, _ catalog: Catalog) throws -> SpeculativeDecoding.Draft {
        if text == "mtp" { return .multiTokenPrediction }
        if text.hasPrefix("self-") { return .selfSpeculation(kvBudget: try tokens(String(text.dropFirst(5)), "--draft")) }
        return .model(try catalog.resolveModel(text))
    }

    /// A token count between 1 and 2^40 (`4K`, `128K`, `1M`, `50_000`) from an option.
    private func tokens(_ text: String, _ option: String) throws -> Int {
        guard let value = try? Units.tokens(text), value >= 1, value <= 1 << 40 else {
            throw InputFailure(message: "\(option): `\(EchoedText.elided(EchoedText.escaped(text)))` is not a token count between 1 and 2^40 (try 4096, 4K, 128K, 1M or 50_000)")
        }
        return value
    }

    /// A study file; diagnostics go to stderr, errors exit 1.
    private func loadStudy(_ path: String, catalog: Catalog) throws -> Study {
        let (loaded, log) = StudyLoader(catalog: catalog).load(path: path)
        log.diagnostics.forEach { printError($0.rendered) }
        guard let loaded else { throw ExitCode(1) }
        return loaded
    }

    private func write(_ series: StudyEvaluation.ScenarioSeries, baseline: Baseline, format: Format, placement: KVPlacementEvaluation?) {
        let sharing = Dictionary(series.sharing.map { ($0.context, $0) }, uniquingKeysWith: { first, _ in first })
        if json {
            for (estimate, needed) in zip(series.estimates, series.compressionNeeded) {
                var record = EstimateRecord.fields(series.scenario, estimate, compressionNeeded: needed, sharing: sharing[estimate.context])
                if let placement {
                    var pairs = KVPlacementPairs()
                    if let (entry, index) = placement.point(series.scenario, context: estimate.context) {
                        KVPlacementRecord.write(entry, at: index, placement: placement.placement, to: &pairs)
                    } else {
                        KVPlacementRecord.writeUnavailable(placement.placement, to: &pairs)
                    }
                    record += pairs.pairs
                }
                print(JSONValue.object(record).text)
            }
        } else {
            print(EstimateTable.text(series.scenario, series.estimates, format: format,
                                     baseline: "\(Format.tokens(baseline.context)) with \(baseline.compression.name)"))
            if !series.sharing.isEmpty { print("\n" + SharingTable.text(series.sharing)) }
        }
        if explain {
            for estimate in series.estimates {
                print("\nFormulas at \(Format.tokens(estimate.context)) tokens:")
                for trace in estimate.traces + (placement?.traces(series.scenario, context: estimate.context) ?? []) {
                    print("  \(trace.quantity): \(trace.formula)\n    = \(trace.substituted)\n    = \(trace.result)")
                }
            }
        }
    }
}
