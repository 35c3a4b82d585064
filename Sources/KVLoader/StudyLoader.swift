import KVStudy

/// Loads study files (`*.study.yaml`, SPEC §4) into `Study` values, checking them as carefully
/// as a compiler checks source: every mistake in a file is found in one run, located at its
/// `file:line:column` and explained, and a study with any error is not returned.
///
/// Catalog presets come from `catalog`; a measurements CSV is read relative to the study file.
public struct StudyLoader: Sendable {
    public let catalog: Catalog
    /// Most (scenario, context, mode) points a study may sweep: `pointLimit` for `check` and
    /// `estimate`, `reportPointLimit` for a study that is rendered (each point costs about
    /// 1.4 KB of pages, tables and data, and its share of the charts).
    public let pointLimit: Int

    public static let pointLimit = 1_000_000
    public static let reportPointLimit = 20_000

    public init(catalog: Catalog, pointLimit: Int = StudyLoader.pointLimit) {
        self.catalog = catalog
        self.pointLimit = pointLimit
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
        let study = source.compose(text).flatMap { StudyReader(source: source, catalog: catalog, pointLimit: pointLimit).study($0, text: text) }
        log.sortByLocation()
        return (log.hasErrors ? nil : study, log)
    }
}
