import KVEstimator
import KVStudy

/// How a report's sentences name a scenario: by the dimensions its study varies (model, GPU,
/// compression, mode), in words — so that a sentence says what it describes, and no more.
struct ScenarioNames {
    let study: Study

    /// The model and hardware of a scenario, when the study varies them ("Llama-2-7B on 4× NVIDIA
    /// A100 SXM4 80GB"); "" when it varies neither.
    func subject(_ scenario: Scenario) -> String {
        var text = study.models.count > 1 ? scenario.model.label : ""
        if study.hardware.count > 1 { text += (text.isEmpty ? "" : " on ") + scenario.hardware.label }
        return text
    }

    /// The compression and mode of a scenario, when the study varies them ("with KIVI 2-bit, calibrated").
    /// `modeDependent` is false for quantities the mode does not change (sessions in HBM, KV sizes):
    /// only times and costs depend on peak against calibrated, so only they name it.
    func qualifiers(_ scenario: Scenario, modeDependent: Bool = true) -> String {
        var parts: [String] = []
        if study.compressions.count > 1 { parts.append(Self.compression(scenario.compression)) }
        if modeDependent, study.modes.count > 1 { parts.append(scenario.mode.rawValue) }
        return parts.joined(separator: ", ")
    }

    /// What names a scenario in a sentence: the dimensions the study varies, in words
    /// ("Llama-2-7B on 4× NVIDIA A100 SXM4 80GB with KIVI 2-bit, calibrated"); "" when none varies.
    func name(_ scenario: Scenario, modeDependent: Bool = true) -> String {
        let subject = subject(scenario), qualifiers = qualifiers(scenario, modeDependent: modeDependent)
        if subject.isEmpty { return qualifiers.replacing("with ", with: "", maxReplacements: 1).replacing("without compression", with: "no compression") }
        return qualifiers.isEmpty ? subject : subject + (qualifiers.hasPrefix("with") ? " " : ", ") + qualifiers
    }

    /// "with Llama-2-7B on 8× H100", "with KIVI 2-bit", "without compression": a scenario after a figure.
    func with(_ scenario: Scenario, modeDependent: Bool = true) -> String {
        let subject = subject(scenario)
        guard subject.isEmpty else { return "with \(name(scenario, modeDependent: modeDependent))" }
        let compression = study.compressions.count > 1 ? Self.compression(scenario.compression) : ""
        return modeDependent && study.modes.count > 1 ? "\(compression) (\(scenario.mode.rawValue))" : compression
    }

    /// "with KIVI 2-bit", or "without compression".
    static func compression(_ compression: Compression) -> String {
        compression.name == "none" ? "without compression" : "with \(compression.label)"
    }

    /// "For Llama-2-7B on 8× NVIDIA H100, " ahead of a sentence about one scenario, when the study varies any dimension.
    func lead(_ scenario: Scenario) -> String {
        if subject(scenario).isEmpty {
            let qualifiers = qualifiers(scenario)
            return qualifiers.isEmpty ? "" : qualifiers + ", "
        }
        return "For \(name(scenario)), "
    }
}
