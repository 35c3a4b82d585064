import ArgumentParser
import KVLoader
import KVReport
import KVStudy

/// The study files a command reads: files, or directories searched recursively for `*.study.yaml`.
struct StudyPaths: ParsableArguments {
    @Argument(help: "Study files, or directories searched recursively for *.study.yaml.")
    var paths: [String]
}

/// The one study with measurements that `validate` and `calibrate` read.
struct MeasuredStudy: ParsableArguments {
    @Argument(help: "A study with `measurements`.")
    var path: String

    /// The study and its measured comparisons and fits, from the one evaluation; exit 1 when it
    /// has no measurements (`missing` says what for) or they cannot be predicted.
    func evaluate(missing: String) throws -> (Study, MeasuredEvaluation) {
        try Self.evaluate(path, missing: missing)
    }

    /// `evaluate(missing:)` of the study at `path`.
    static func evaluate(_ path: String, missing: String) throws -> (Study, MeasuredEvaluation) {
        let study = try loadStudies([path], catalog: try builtInCatalog())[0]
        switch try StudyEvaluation(study: study).measured {
        case nil: throw InputFailure(message: "\(path) has no measurements \(missing)")
        case .failure(let error): throw error
        case .success(let measured): return (study, measured)
        }
    }
}

/// Every study named by `arguments`, loaded, with every diagnostic in the order to print them:
/// what went wrong finding the files, then each file's.
struct LoadedStudies {
    var files: [String]
    var studies: [Study]
    var diagnostics: [Diagnostic]

    /// `limits`: how large a study may be (fewer scenarios for a study that is rendered).
    init(_ arguments: [String], catalog: Catalog, limits: SweepLimits = .check) {
        let (paths, problems) = StudyFiles.expand(arguments)
        let log = DiagnosticLog()
        var studies: [Study] = []
        for path in paths {
            let (study, studyLog) = StudyLoader(catalog: catalog, limits: limits).load(path: path)
            log.merge(studyLog)
            if let study { studies.append(study) }
        }
        files = paths
        self.studies = studies
        diagnostics = problems + log.diagnostics
    }

    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// Loads every study named by `arguments`, printing diagnostics to stderr; throws exit 1 when any
/// has an error, so nothing is rendered from a broken study.
func loadStudies(_ arguments: [String], catalog: Catalog, limits: SweepLimits = .check) throws -> [Study] {
    let loaded = LoadedStudies(arguments, catalog: catalog, limits: limits)
    for diagnostic in loaded.diagnostics { printError(diagnostic.rendered) }
    if !loaded.errors.isEmpty || loaded.files.isEmpty {
        if loaded.diagnostics.isEmpty { printError("error: no study files given") }
        throw ExitCode(1)
    }
    return loaded.studies
}
