/// What produced a report: kvplan's version and the SHA-256 of every input (no timestamps, so the
/// gallery is reproducible).
public struct Provenance: Sendable {
    public var kvplanVersion: String
    public var studyPath: String
    public var studySHA256: String
    /// `model yi-34b-200k` → SHA-256 of that resolved entry's YAML text.
    public var catalogSHA256: [(name: String, sha256: String)]
}

extension Provenance {
    /// Fingerprints of the study file and of each resolved catalog entry it uses.
    static func of(_ evaluation: StudyEvaluation, kvplanVersion: String) -> Provenance {
        let study = evaluation.study
        var entries: [(String, String)] = []
        for model in study.models { entries.append(("model \(model.name)", SHA256.hex(CatalogRecord.model(model).text))) }
        for hardware in study.hardware { entries.append(("hardware \(hardware.name)", SHA256.hex(CatalogRecord.hardware(hardware).text))) }
        for compression in study.compressions { entries.append(("compression \(compression.name)", SHA256.hex(CatalogRecord.compression(compression).text))) }
        return Provenance(kvplanVersion: kvplanVersion, studyPath: study.path, studySHA256: SHA256.hex(study.text), catalogSHA256: entries)
    }
}
