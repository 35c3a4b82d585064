import KVStudy

/// One kind of section of a report: its blocks, laid out from the evaluation without computing
/// anything. The default layout is a list of these under their headings; a new kind of section is
/// a new type, not a new branch.
protocol ReportSection {
    var layout: Layout { get }
    /// Whether the default layout includes the section for this study.
    var applies: Bool { get }
    func blocks() -> [Block]
}

extension ReportSection {
    var applies: Bool { true }
    var evaluation: StudyEvaluation { layout.evaluation }
    var format: Format { layout.format }

    /// The section under its anchor and heading, or nil when it has nothing to show.
    func section(id: String, title: String) -> Section? {
        guard applies else { return nil }
        let blocks = blocks()
        return blocks.isEmpty ? nil : Section(id: id, title: title, blocks: blocks)
    }
}
