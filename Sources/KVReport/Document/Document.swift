/// A report as kvplan builds it before any format is chosen: numbered sections of prose,
/// figures and tables (Pandoc-style: one document model, several writers). Strings are plain text
/// unless a property says it holds HTML.
public struct Document: Sendable {
    public var title: String
    public var subtitle: String
    /// The study's own prose, already rendered to HTML by libcmark (safe mode unless allow_html).
    public var descriptionHTML: String
    /// Sentences generated from the numbers.
    public var findings: [String]
    public var sections: [Section]
    public var provenance: Provenance
    /// The sentence and figure that stand for the study on the site's index.
    public var headline: String
    public var headlineFigure: Figure?

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
    /// Prose already rendered to HTML (user cells, through libcmark).
    case html(String)
    /// Static Markdown from a template partial, rendered by libcmark with the rest.
    case markdown(String)
    case figure(Figure)
    case table(Table)
    /// Formula traces behind a `<details>` disclosure.
    case traces(summary: String, traces: [TraceGroup])
}

/// A numbered chart.
public struct Figure: Sendable {
    public var number: Int
    public var id: String
    public var caption: String
    /// Inline SVG (its strings escaped by the chart component).
    public var svg: String
    /// File name when written beside a Markdown report.
    public var fileName: String
    /// What the figure shows (`concurrency`, `cost`, `measured`, …).
    public var topic: String
}

/// A numbered table with units in its headers and a CSV download.
public struct Table: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var numeric: Bool
    }

    public var number: Int
    public var id: String
    public var caption: String
    public var columns: [Column]
    public var rows: [[String]]
    /// Rows to mark as the baseline.
    public var baselineRows: Set<Int>
    /// The same data at full precision, for the CSV download.
    public var csv: String
    public var fileName: String
}

/// The formula traces of one scenario at one context.
public struct TraceGroup: Sendable {
    public var heading: String
    public var lines: [(quantity: String, formula: String, substituted: String, result: String)]
}

/// What produced a report: kvplan's version and the SHA-256 of every input (no timestamps, so the
/// gallery is reproducible).
public struct Provenance: Sendable {
    public var kvplanVersion: String
    public var studyPath: String
    public var studySHA256: String
    /// `catalog/models.yaml#yi-34b-200k` → SHA-256 of that entry's YAML text... or of the file.
    public var catalogSHA256: [(name: String, sha256: String)]
}
