import KVEstimator

/// What the Mustache templates see. Plain structs (rendered through Mirror); every name a
/// template uses must exist here, which a test checks.
struct ReportContext {
    var title: String
    var subtitle: String
    var descriptionHTML: String
    var hasFindings: Bool
    var findings: [String]
    var sections: [SectionContext]
    /// The formula boxes expanded (`<details open>`): pages made for print and PDF.
    var formulasOpen: Bool
}

struct SectionContext {
    var id: String
    var title: String
    var blocks: [BlockContext]
}

/// Exactly one member is set; the template renders the one that is.
struct BlockContext {
    var paragraph: TextContext?
    var prose: ContentContext?
    var figure: FigureContext?
    var table: TableContext?
    var traces: TracesContext?
}

struct TextContext { var text: String }
struct ContentContext { var content: String }

struct FigureContext {
    var id: String
    var number: Int
    var caption: String
    var svg: String
}

struct TableContext {
    var id: String
    var number: Int
    var caption: String
    var csvHref: String
    var fileName: String
    var html: String
    /// More columns than a portrait page holds: printed on a landscape page.
    var wide: Bool
}

struct TracesContext {
    var summary: String
    var groups: [TraceGroupContext]
}

/// Its lines are the estimator's `FormulaTrace`s: quantity, formula, substituted, result.
struct TraceGroupContext {
    var heading: String
    var lines: [FormulaTrace]
}

struct PageContext {
    var version: String
    var title: String
    var inlineCSS: Bool
    var css: String
    var cssHref: String
    var siteHref: String?
    var toc: [TocEntry]
    var downloads: DownloadsContext?
    var content: String
    var studyPath: String
    var studySHA256: String
    var catalog: [CatalogHash]
    var calibrated: Bool
}

struct TocEntry {
    var id: String
    var title: String
}

struct DownloadsContext { var items: [DownloadItem] }

struct DownloadItem {
    var href: String
    var name: String
    var label: String
}

struct CatalogHash {
    var name: String
    var sha256: String
}

struct IndexContext {
    var version: String
    var title: String
    var cssHref: String
    var count: Int
    /// "1 study", "10 studies".
    var countText: String
    var studies: [IndexEntry]
}

struct IndexEntry {
    var href: String
    var title: String
    /// What the study covers: its models, hardware, compression, contexts and mode.
    var subtitle: String
    var headline: String
    var figure: IndexFigure?
}

struct IndexFigure {
    var svg: String
    var caption: String
}

struct MethodologyContext {
    var mode: String
    var outputTokens: Int
}
