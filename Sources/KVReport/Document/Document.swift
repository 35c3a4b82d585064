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

/// Markdown source: the study's own (its raw HTML passes only with `allow_html`) or kvplan's.
public struct Prose: Sendable {
    public enum Source: Sendable { case study, kvplan }

    public var markdown: String
    public var source: Source
    /// Raw HTML in it may pass through: kvplan's own text, or a study with `allow_html`.
    public var trusted: Bool
}

/// A numbered chart: its specification, drawn by the writer.
public struct Figure: Sendable {
    public var number: Int
    /// Anchor on the page (`figure-3`).
    public var id: String
    /// Unique across a site (`yi-34b-a100-figure-3`), so a figure can also appear on the index page.
    public var chartID: String
    public var caption: String
    public var chart: Chart
    /// File name when drawn beside a Markdown report.
    public var fileName: String
    /// What the figure shows.
    public var topic: Topic
}

/// What a figure draws: one of kvplan's chart components, as data.
public enum Chart: Sendable {
    case line(LineChart)
    case bars(BarChart)
    case roofline(RooflineChart)
}

/// A numbered table: typed cells (text shown, value kept at full precision) under headers that
/// state their units, with the rows a page shows when the table is long.
public struct Table: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var numeric: Bool
        /// Holds source references, written as links.
        public var sources: Bool { title == "source" }
    }

    /// One cell: what a reader sees (`17.6 *`) and the value at full precision (`17.62…`).
    public struct Cell: Sendable, Equatable {
        public var text: String
        public var value: String
    }

    public var number: Int
    public var id: String
    public var caption: String
    public var columns: [Column]
    /// Every row, in order.
    public var cells: [[Cell]]
    /// Indices of the rows a page shows (all, or an even spread of a long table).
    public var shownRows: [Int]
    /// Indices into `cells` of the rows to mark as the baseline.
    public var baselineCells: Set<Int>
    public var fileName: String

    /// The shown rows' text.
    public var rows: [[String]] { shownRows.map { cells[$0].map(\.text) } }
    /// Positions among the shown rows of the baseline rows.
    public var baselineRows: Set<Int> { Set(shownRows.enumerated().filter { baselineCells.contains($0.element) }.map(\.offset)) }
}

/// The formula traces of one scenario at one context.
public struct TraceGroup: Sendable {
    public var heading: String
    public var lines: [FormulaTrace]
}

/// What produced a report: kvplan's version and the SHA-256 of every input (no timestamps, so the
/// gallery is reproducible).
public struct Provenance: Sendable {
    public var kvplanVersion: String
    public var studyPath: String
    public var studySHA256: String
    /// `model yi-34b-200k` → SHA-256 of that resolved entry's YAML text.
    public var catalogSHA256: [(name: String, sha256: String)]
}
