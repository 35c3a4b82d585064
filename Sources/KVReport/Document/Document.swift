import KVEstimator

/// A report as kvplan lays it out before any format is chosen (Pandoc-style: one document model,
/// several writers). It holds prose as Markdown source, charts as specifications (series, axes,
/// marks) and tables as typed cells — never HTML, SVG or CSV: `HTMLWriter`, `MarkdownWriter`,
/// `CSVWriter` and the index walk it and decide how each part looks.
public struct Document: Sendable {
    public var title: String
    public var subtitle: String
    /// The study's own prose (`description:`).
    public var description: Prose?
    /// Sentences generated from the numbers.
    public var findings: [String]
    public var sections: [Section]
    public var provenance: Provenance
    /// The sentence and figure that stand for the study on the site's index.
    public var headline: String
    public var headlineFigure: Figure?
    /// The study's figures include calibrated estimates (mode `calibrated` or `both`).
    public var calibrated: Bool

    public var figures: [Figure] { sections.flatMap { $0.blocks.compactMap { if case .figure(let f) = $0 { f } else { nil } } } }
    public var tables: [Table] { sections.flatMap { $0.blocks.compactMap { if case .table(let t) = $0 { t } else { nil } } } }
}

public struct Section: Sendable {
    /// Anchor for permalinks and the table of contents.
    public var id: String
    public var title: String
    public var blocks: [Block]
}

public enum Block: Sendable {
    /// Generated prose: plain text sentences (escaped when written).
    case paragraph(String)
    /// Markdown source: a user's cell or description, or the methodology template's text.
    case prose(Prose)
    case figure(Figure)
    case table(Table)
    /// Formula traces behind a disclosure.
    case traces(summary: String, traces: [TraceGroup])
}

/// The formula traces of one scenario at one context.
public struct TraceGroup: Sendable {
    public var heading: String
    public var lines: [FormulaTrace]
}
