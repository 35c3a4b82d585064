import KVEstimator

/// A study file, loaded and resolved: what the user asked to compare (SPEC §4). Built by
/// `StudyLoader` (KVLoader); evaluated by `StudyEvaluation` and laid out by the report stage,
/// neither of which knows YAML.
public struct Study: Sendable {
    /// The path the study was read from, as given.
    public var path: String
    /// The file's exact text (its SHA-256 goes into the report's provenance footer).
    public var text: String
    public var title: String
    /// Optional Markdown prose under the title (`description:`), rendered in safe mode unless `allowHTML`.
    public var description: String?
    public var models: [Model]
    public var hardware: [Hardware]
    public var compressions: [Compression]
    /// Context lengths in tokens, ascending, without duplicates.
    public var contexts: [Int]
    public var workload: Workload
    public var baseline: Baseline
    public var mode: StudyMode
    public var units: SizeUnits
    public var allowHTML: Bool
    /// Contexts beyond a model's `max_context` are intended (`allow_beyond_max: true`): the loader
    /// does not warn about them. Reports mark those points either way.
    public var allowBeyondMax: Bool
    /// What stands for the study on the site's index; nil lets the renderer choose.
    public var headline: Headline?

    public enum Headline: String, Sendable, Equatable, CaseIterable {
        case concurrency, prefill, decode, switching, cost, measured, sharing
    }
    public var measurements: [Measurement]
    /// Figures published elsewhere, to show beside kvplan's.
    public var references: [Reference] = []
    /// Serving-benchmark result files among `measurements`, with what became of each run.
    public var engineSources: [EngineSource] = []
    /// The deployment to plan for a workload and its latency targets (`plan:`); nil: none.
    public var plan: PlanStudy? = nil
    /// The notebook; empty means the default layout.
    public var cells: [Cell]
    /// Tiers below HBM and the returning sessions that use them (`kv_tiers`); nil: none.
    public var kvPlacement: KVPlacement?

    public init(
        path: String, text: String, title: String, description: String? = nil, models: [Model], hardware: [Hardware],
        compressions: [Compression] = [.none], contexts: [Int], workload: Workload = Workload(),
        baseline: Baseline = Baseline(), mode: StudyMode = .peak, units: SizeUnits = .decimal, allowHTML: Bool = false,
        measurements: [Measurement] = [], cells: [Cell] = [], allowBeyondMax: Bool = false,
        headline: Headline? = nil
    ) {
        self.path = path
        self.text = text
        self.title = title
        self.description = description
        self.models = models
        self.hardware = hardware
        self.compressions = compressions
        self.contexts = contexts
        self.workload = workload
        self.baseline = baseline
        self.mode = mode
        self.units = units
        self.allowHTML = allowHTML
        self.allowBeyondMax = allowBeyondMax
        self.headline = headline
        self.measurements = measurements
        self.cells = cells
    }

    /// Every model × hardware × compression combination, in that nesting order (models outermost,
    /// each list in file order); each is evaluated at every context in `contexts`, ascending. With
    /// `mode: both` the whole sweep runs once per mode, peak first.
    public func scenarios(mode: Mode) -> [Scenario] {
        var result: [Scenario] = []
        for model in models {
            for hardware in hardware {
                for compression in compressions {
                    result.append(Scenario(model: model, hardware: hardware, compression: compression, workload: workload, mode: mode))
                }
            }
        }
        return result
    }

    /// The estimator modes the study's `mode` asks for (`both` = peak then calibrated).
    public var modes: [Mode] {
        switch mode {
        case .peak: [.peak]
        case .calibrated: [.calibrated]
        case .both: [.peak, .calibrated]
        }
    }

    /// Number of (scenario, context) points the study evaluates.
    public var pointCount: Int { models.count * hardware.count * compressions.count * contexts.count * modes.count }
}

/// What relative costs are measured against: `{context: 4K, compression: none}` by default.
public struct Baseline: Sendable, Equatable {
    public var context: Int
    public var compression: Compression

    public init(context: Int = 4096, compression: Compression = .none) {
        self.context = context
        self.compression = compression
    }
}

public enum StudyMode: String, Sendable, Equatable, CaseIterable {
    case peak, calibrated, both
}

public enum SizeUnits: String, Sendable, Equatable, CaseIterable {
    case decimal, binary
}

/// A figure published elsewhere (the paper's "14.1 s", a vendor's concurrency) for one of the
/// study's scenarios at one context, shown in the report beside kvplan's own value.
public struct Reference: Sendable, Equatable {
    /// The `kvplan estimate --json` keys a reference may name.
    public static let quantities = [
        "concurrency", "prefill_seconds", "decode_step_seconds", "decode_seconds", "context_switch_seconds",
        "kv_bytes", "kv_bytes_per_token", "weights_bytes", "total_params", "available_kv_bytes", "relative_cost",
    ]

    public var quantity: String
    public var context: Int
    public var value: Double
    public var source: String
    public var note: String
    /// Names of the study's entries; nil means the first of each list.
    public var model: String?
    public var hardware: String?
    public var compression: String?

    public init(quantity: String, context: Int, value: Double, source: String, note: String = "",
                model: String? = nil, hardware: String? = nil, compression: String? = nil) {
        self.quantity = quantity
        self.context = context
        self.value = value
        self.source = source
        self.note = note
        self.model = model
        self.hardware = hardware
        self.compression = compression
    }
}

/// One measured latency (a row of `model,hardware,phase,batch,context,seconds`).
public struct Measurement: Sendable, Equatable {
    /// What was timed: the phase calibration fits (one type for both).
    public typealias Phase = Calibration.Phase

    /// Names of the study's model and hardware entries.
    public var model: String
    public var hardware: String
    public var phase: Phase
    public var batch: Int
    public var context: Int
    public var seconds: Double
    /// Where the row was written (CSV line or YAML item), for diagnostics.
    public var location: SourceLocation

    public init(model: String, hardware: String, phase: Phase, batch: Int, context: Int, seconds: Double, location: SourceLocation) {
        self.model = model
        self.hardware = hardware
        self.phase = phase
        self.batch = batch
        self.context = context
        self.seconds = seconds
        self.location = location
    }
}

/// One notebook cell of a study.
public enum Cell: Sendable, Equatable {
    /// User prose (Markdown; safe mode unless `allow_html`).
    case markdown(String)
    case chart(ChartCell)
    case table(TableCell)
    /// The default layout's "Methodology and assumptions" section, in a notebook.
    case methodology
    /// The formula boxes of one quantity (its traces at the shortest and longest context), or of all.
    case formulas(FormulasCell)
}

/// Which formulas a `formulas` cell expands: one challenge's, or `all` of them.
public enum FormulasCell: String, Sendable, Equatable, CaseIterable {
    case concurrency, prefill, decode, switching, all
}

/// What a chart cell shows: `kind` (concurrency | prefill | decode | switching | memory |
/// roofline | cost | sharing | measured | communication | prefill_memory | speculative), over `x` (context by default) with one series per
/// `series` (model | hardware | compression; the default picks the dimension with most entries),
/// on a `scale` (log by default for context).
public struct ChartCell: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case concurrency, prefill, decode, switching, memory, roofline, cost, sharing, measured
        case communication, prefillMemory = "prefill_memory", speculative
        case decodeThroughput = "decode_throughput"
        case costPerMillionTokens = "cost_per_million_tokens"
    }

    public enum Dimension: String, Sendable, Equatable, CaseIterable {
        case context, model, hardware, compression
    }

    public enum Scale: String, Sendable, Equatable, CaseIterable {
        case log, linear
    }

    public var kind: Kind
    public var x: Dimension
    public var series: Dimension?
    public var scale: Scale
    public var title: String?
    /// The context a chart whose x is not context shows (one of the study's contexts); nil: the
    /// longest context within every model's maximum.
    public var at: Int?

    public init(kind: Kind, x: Dimension = .context, series: Dimension? = nil, scale: Scale = .log, title: String? = nil, at: Int? = nil) {
        self.kind = kind
        self.x = x
        self.series = series
        self.scale = scale
        self.title = title
        self.at = at
    }
}

/// What a table cell shows: the figures of one challenge (or `setup`, `appendix`, `measured`, and
/// the deployment tables `communication`, `prefill_memory`, `speculative`).
public struct TableCell: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case setup, concurrency, prefill, decode, switching, cost, sharing, measured, appendix
        case communication, prefillMemory = "prefill_memory", speculative
    }

    public var kind: Kind
    public var title: String?
    /// Down the side: context (one row per context, one column per scenario), or a model,
    /// hardware or compression entry per row at the one context `at`.
    public var x: ChartCell.Dimension
    /// The context of a table whose x is not context; nil: the longest within every model's maximum.
    public var at: Int?

    public init(kind: Kind, title: String? = nil, x: ChartCell.Dimension = .context, at: Int? = nil) {
        self.kind = kind
        self.title = title
        self.x = x
        self.at = at
    }
}
