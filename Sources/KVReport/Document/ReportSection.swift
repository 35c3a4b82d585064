/// One kind of section of a report: its anchor, its heading and its blocks, laid out from the
/// evaluation without computing anything. The default layout is a list of these; a new kind of
/// section is a new type, not a new branch.
protocol ReportSection {
    var id: String { get }
    var title: String { get }
    var layout: Layout { get }
    /// Whether the default layout includes the section for this study.
    var applies: Bool { get }
    func blocks() -> [Block]
}

extension ReportSection {
    var applies: Bool { true }
    var evaluation: StudyEvaluation { layout.evaluation }
    var format: Format { layout.format }

    /// The section as laid out, or nil when it has nothing to show.
    func section() -> Section? {
        guard applies else { return nil }
        let blocks = blocks()
        return blocks.isEmpty ? nil : Section(id: id, title: title, blocks: blocks)
    }
}
