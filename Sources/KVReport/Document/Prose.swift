/// Markdown source: the study's own (its raw HTML passes only with `allow_html`) or kvplan's.
public struct Prose: Sendable {
    public enum Source: Sendable { case study, kvplan }

    public var markdown: String
    public var source: Source
    /// Raw HTML in it may pass through: kvplan's own text, or a study with `allow_html`.
    public var trusted: Bool
}
