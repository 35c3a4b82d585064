import KVEstimator
import KVStudy

/// Turns a study's evaluation into a `Document`: the default layout (findings, setup, the four
/// challenges, compression and cost, methodology, appendix), or the study's own notebook cells.
public struct DocumentBuilder {
    let layout: Layout
    var evaluation: StudyEvaluation { layout.evaluation }

    /// - Parameters:
    ///   - slug: the page's file stem; tables and figures are named after it.
    ///   - methodologyMarkdown: the methodology prose, rendered from the `methodology` template.
    public static func build(_ evaluation: StudyEvaluation, slug: String, kvplanVersion: String, methodologyMarkdown: String) -> Document {
        let builder = DocumentBuilder(layout: Layout(evaluation: evaluation, slug: slug, methodologyMarkdown: methodologyMarkdown))
        let study = evaluation.study
        let sections = study.cells.isEmpty ? builder.defaultSections() : builder.notebookSections()
        let findings = Findings(evaluation: evaluation, format: builder.layout.format)
        let tagged = findings.tagged
        let topic = findings.headlineTopic
        let figures = sections.flatMap { $0.blocks.compactMap { if case .figure(let f) = $0 { f } else { nil } } }
        return Document(
            title: study.title,
            subtitle: builder.subtitle,
            description: study.description.map(builder.layout.userProse),
            findings: tagged.map(\.text),
            sections: sections,
            provenance: Provenance.of(evaluation, kvplanVersion: kvplanVersion),
            headline: tagged.first { $0.topic == topic }?.text ?? tagged.first?.text ?? builder.subtitle,
            headlineFigure: figures.first { $0.topic == topic } ?? figures.first,
            calibrated: study.mode != .peak)
    }

    /// What the study covers, in words: "8 models on 8× NVIDIA H100 SXM5 80GB; no compression;
    /// 4K to 128K tokens; datasheet peak".
    var subtitle: String {
        let study = evaluation.study
        let names = { (list: [String], noun: String) in
            list.count <= 3 ? Self.list(list) : "\(list.count) \(noun)"
        }
        let compressions = study.compressions.count == 1
            ? (study.compressions[0].name == "none" ? "no compression" : study.compressions[0].label)
            : "\(study.compressions.count) compression settings"
        let contexts = study.contexts.count == 1
            ? "\(Format.tokens(study.contexts[0])) tokens"
            : "\(Format.tokens(study.contexts.first ?? 0)) to \(Format.tokens(study.contexts.last ?? 0)) tokens"
        let mode = switch study.mode {
        case .peak: "datasheet peak"
        case .calibrated: "calibrated"
        case .both: "peak and calibrated side by side"
        }
        return "\(names(study.models.map(\.label), "models")) on \(names(study.hardware.map(\.label), "hardware setups")); "
            + "\(compressions); \(contexts); \(mode)"
    }

    /// "a, b and c".
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }

    // MARK: Layouts

    /// The default layout: each kind of section in page order, those that apply to the study.
    /// Measurements come first on a calibration study (what it is about), and sharing first on a
    /// mixed-workload study; then the setup, the challenges, cost, methodology and the appendix.
    func defaultSections() -> [Section] {
        let study = evaluation.study
        var kinds: [(id: String, title: String, section: any ReportSection)] = [
            ("published", "Published figures beside kvplan's", ReferencesSection(layout: layout)),
            ("plan", "Plan: the cheapest deployment that meets the targets", PlanSection(layout: layout)),
            ("setup", "Setup", SetupSection(layout: layout)),
            ("prefill", "Challenge 1 · Prefill (GPU FLOP/s)", ChallengeSection.prefill(layout)),
            ("concurrency", "Challenge 2 · Concurrency (HBM size)", ChallengeSection.concurrency(layout)),
            ("decode", "Challenge 3 · Decode (HBM bandwidth)", ChallengeSection.decode(layout)),
            ("switching", "Challenge 4 · Context switching (host link)", ChallengeSection.switching(layout)),
            ("kv-tiers", "Where the KV lives", KVPlacementSection(layout: layout)),
            ("communication", "Communication between GPUs", CommunicationSection(layout: layout)),
            ("prefill-memory", "Prefill memory", PrefillMemorySection(layout: layout)),
            ("speculative", "Speculative decoding", SpeculativeSection(layout: layout)),
            ("cost", "Compression and cost", CostSection(layout: layout)),
            ("sharing", "Sharing the GPU", SharingSection(layout: layout)),
            ("measured", "Measured vs predicted", MeasuredSection(layout: layout)),
            ("engine-runs", "Measurements from serving engines", EngineRunsSection(layout: layout)),
            ("methodology", "Methodology and assumptions", MethodologySection(layout: layout)),
            ("appendix", "Appendix: every number", AppendixSection(layout: layout)),
        ]
        let lead = !study.measurements.isEmpty ? "measured" : (study.workload.sharing != nil ? "sharing" : nil)
        if let lead, let index = kinds.firstIndex(where: { $0.id == lead }) {
            kinds.insert(kinds.remove(at: index), at: 0)
        }
        // Where measurements came from an engine, the mapping follows the measured section.
        if lead == "measured", let index = kinds.firstIndex(where: { $0.id == "engine-runs" }) {
            kinds.insert(kinds.remove(at: index), at: 1)
        }
        return kinds.compactMap { $0.section.section(id: $0.id, title: $0.title) }
    }

    func notebookSections() -> [Section] {
        var sections: [Section] = []
        var blocks: [Block] = []
        var title = "Notebook"
        func flush() {
            if !blocks.isEmpty {
                sections.append(Section(id: "cell-\(sections.count + 1)", title: title, blocks: blocks))
                blocks = []
            }
        }
        for cell in evaluation.study.cells {
            switch cell {
            case .markdown(let text):
                // A cell that opens with a heading starts a section of its own.
                if let heading = text.split(separator: "\n").first, heading.hasPrefix("#") {
                    flush()
                    title = heading.drop { $0 == "#" || $0 == " " }.trimmingCharacters
                    let rest = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
                    if !rest.trimmingCharacters.isEmpty { blocks.append(.prose(layout.userProse(rest))) }
                } else {
                    blocks.append(.prose(layout.userProse(text)))
                }
            case .chart(let chart) where chart.kind == .measured:
                blocks.append(contentsOf: MeasuredSection(layout: layout).blocks().filter { if case .figure = $0 { true } else { false } })
            case .chart(let chart) where chart.kind == .sharing:
                blocks.append(contentsOf: SharingSection(layout: layout).blocks().filter { if case .figure = $0 { true } else { false } })
            case .chart(let chart) where [.communication, .prefillMemory, .speculative].contains(chart.kind):
                blocks.append(contentsOf: deploymentBlocks(chart.kind.rawValue) { if case .figure = $0 { true } else { false } })
            case .chart(let chart):
                blocks.append(layout.chart(chart.kind, cell: chart))
            case .table(let table):
                blocks.append(contentsOf: tableBlocks(table))
            case .methodology:
                flush()
                title = "Methodology and assumptions"
                blocks.append(contentsOf: MethodologySection(layout: layout).blocks())
            case .formulas(let which):
                let keys: [Quantity.Key] = switch which {
                case .all: [.concurrency, .prefill, .decode, .switching]
                case .concurrency: [.concurrency]
                case .prefill: [.prefill]
                case .decode: [.decode]
                case .switching: [.switching]
                }
                blocks.append(layout.traces(keys.map(Quantity.init(key:))))
            }
        }
        flush()
        return sections
    }

    func tableBlocks(_ cell: TableCell) -> [Block] {
        switch cell.kind {
        case .setup: return SetupSection(layout: layout).blocks()
        case .concurrency, .prefill, .decode, .switching, .cost:
            let quantity = Quantity(key: cell.kind.quantity!)
            if cell.x != .context { return [layout.quantityTable(quantity, across: cell.x, at: cell.at, title: cell.title)] }
            let also: Quantity? = switch quantity.key { case .decode: .decodeThroughput; case .concurrency: .concurrencySustained; default: nil }
            return [layout.quantityTable(quantity, also: also, title: cell.title)]
        case .appendix: return [AppendixSection(layout: layout).appendixTable()]
        case .measured:
            guard case .success(let measured) = evaluation.measured else { return [] }
            return [MeasuredSection(layout: layout).measuredTable(measured)]
        case .sharing:
            let sharing = SharingSection(layout: layout)
            return evaluation.study.workload.sharing == nil ? sharing.blocks() : [sharing.sharingTable()]
        case .communication, .prefillMemory, .speculative:
            return deploymentBlocks(cell.kind.rawValue) { if case .table = $0 { true } else { false } }
        }
    }

    /// The figures or tables of the deployment section (issue 11) a chart or table cell names
    /// (`communication`, `prefill_memory`, `speculative`), or why this study has none.
    func deploymentBlocks(_ kind: String, _ keep: (Block) -> Bool) -> [Block] {
        let (section, needs): (any ReportSection, String) = switch kind {
        case "communication": (CommunicationSection(layout: layout), "a replica of more than one GPU")
        case "prefill_memory": (PrefillMemorySection(layout: layout), "activation_memory, prefill_chunk or a prompt that forces chunking")
        default: (SpeculativeSection(layout: layout), "a speculative workload")
        }
        guard section.applies else { return [.paragraph("This study has nothing to show here: \(kind) needs \(needs).")] }
        return section.blocks().filter(keep)
    }
}

extension Substring {
    var trimmingCharacters: String { String(self).trimmingCharacters }
}

extension String {
    var trimmingCharacters: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
