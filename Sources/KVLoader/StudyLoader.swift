import KVStudy

/// Loads study files (`*.study.yaml`, SPEC §4) into `Study` values, checking them as carefully
/// as a compiler checks source: every mistake in a file is found in one run, located at its
/// `file:line:column` and explained, and a study with any error is not returned.
///
/// Catalog presets come from `catalog`; a measurements CSV is read relative to the study file.
public struct StudyLoader: Sendable {
    public let catalog: Catalog
    /// How large a study may be (`SweepLimits`): every point is estimated, and a report or a
    /// preview lays out each scenario.
    public let limits: SweepLimits

    /// Most (scenario, context, mode) points a study may sweep, for every command.
    public static let pointLimit = 1_000_000

    public init(catalog: Catalog, limits: SweepLimits = .check) {
        self.catalog = catalog
        self.limits = limits
    }

    /// Reads and checks the study at `path`. The study is nil when the log holds an error;
    /// warnings (a context beyond a model's maximum) leave it loaded.
    public func load(path: String) -> (Study?, DiagnosticLog) {
        let log = DiagnosticLog()
        switch StudyFileText.bytes(atPath: path) {
        case .success(let bytes): return load(bytes: bytes, path: path, log: log)
        case .failure(let failure):
            log.append(Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "cannot read the study: \(failure.reason)"))
            return (nil, log)
        }
    }

    /// Checks a study's text; `path` names it in diagnostics and anchors a relative measurements path.
    public func load(text: String, path: String) -> (Study?, DiagnosticLog) {
        let log = DiagnosticLog()
        return load(text: text, path: path, log: log)
    }

    /// Checks a study's raw bytes, which need not be UTF-8.
    func load(bytes: [UInt8], path: String, log: DiagnosticLog = DiagnosticLog()) -> (Study?, DiagnosticLog) {
        guard let text = StudyFileText.decode(bytes, path: path, log: log) else { return (nil, log) }
        return load(text: text, path: path, log: log)
    }

    private func load(text: String, path: String, log: DiagnosticLog) -> (Study?, DiagnosticLog) {
        let source = YAMLSource(path: path, text: text, log: log)
        let study = source.compose(text).flatMap { StudyReader(source: source, catalog: catalog, limits: limits).study($0, text: text) }
        log.sortByLocation()
        return (log.hasErrors ? nil : study, log)
    }
}

/// The bounds that keep a hostile or mistaken study from hanging kvplan or exhausting memory,
/// by what a command holds. `check` and `estimate` stream every point. A report holds each
/// scenario's laid-out points (at most about 20,000 in all, or two per scenario: see
/// `LaidOutContexts` in KVReport) and streams the rest, so it bounds scenarios rather than
/// points. `serve` keeps the whole site in memory (each point about 1.4 KB of CSV and JSON),
/// so a preview stays at 20,000 points.
public struct SweepLimits: Sendable, Equatable {
    public var points: Int
    public var scenarios: Int
    /// What the limit is for, named in the diagnostic (nil: every command).
    public var purpose: String?

    public static let check = SweepLimits(points: StudyLoader.pointLimit, scenarios: .max, purpose: nil)
    public static let report = SweepLimits(points: StudyLoader.pointLimit, scenarios: 20_000, purpose: "a report")
    public static let preview = SweepLimits(points: 20_000, scenarios: 20_000, purpose: "a preview (`kvplan serve` holds the site in memory; `render` takes up to \(Units.written(StudyLoader.pointLimit)))")
}
