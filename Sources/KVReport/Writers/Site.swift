import Foundation
import KVEstimator
import KVStudy

/// The static site of a set of studies: `index.html` (every study with its headline figure), one
/// page per study, the shared stylesheet and each study's data (CSV per table, JSON of all
/// results); or, with `singleFile`, one self-contained page per study. Returns the files as
/// relative path → bytes; writing them is `OutputDirectory`'s job.
public struct Site {
    public struct Options: Sendable {
        public var singleFile = false
        /// Also write GitHub-readable Markdown reports (with their figures as SVG files).
        public var markdown = false
        /// Pages made for print (PDF): formula boxes expanded.
        public var formulasOpen = false

        public init(singleFile: Bool = false, markdown: Bool = false, formulasOpen: Bool = false) {
            self.singleFile = singleFile
            self.markdown = markdown
            self.formulasOpen = formulasOpen
        }
    }

    public let renderer: ReportRenderer
    public let options: Options

    public init(renderer: ReportRenderer, options: Options) {
        self.renderer = renderer
        self.options = options
    }

    /// Every file of the site, in memory (`serve`, tests); `render` writes them as they are
    /// finished with `write(_:to:)`.
    public func files(for studies: [Study]) throws(EstimatorInputError) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        do {
            try write(studies) { path, bytes in files[path] = bytes }
        } catch let error as EstimatorInputError {
            throw error
        } catch {
            preconditionFailure("collecting files in memory does not fail: \(error)")
        }
        return files
    }

    /// The site's files handed to `emit` as they are finished, each whole in memory (`serve`,
    /// `--pdf`, tests); `render` writes them with `write(_:files:)`.
    public func write(_ studies: [Study], to emit: (String, [UInt8]) throws -> Void) throws {
        try write(studies, files: { path, file in try emit(path, try file.bytes) })
    }

    /// The site's files handed to `emit` as they are finished. Studies are evaluated and laid out
    /// in parallel, a few per core at a time, and each one's files emitted in study order (so the
    /// output is the same bytes whatever the scheduling); then the stylesheet and the index. Only
    /// the studies in flight are held in memory, and of a large study (one with a `sweep`) not
    /// even its downloads: its CSVs and JSON are streams, computed point by point as `emit`
    /// writes them. The first study in order that fails is the error.
    public func write(_ studies: [Study], files emit: (String, OutputDirectory.File) throws -> Void) throws {
        let slugs = Self.slugs(for: studies.map(\.path))
        let window = max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)
        var entries: [IndexEntry] = []
        var start = 0
        while start < studies.count {
            let end = min(studies.count, start + window)
            let rendered = Self.inParallel(end - start) { offset in
                Result { () throws(EstimatorInputError) in try self.files(for: studies[start + offset], slug: slugs[start + offset]) }
            }
            for result in rendered {
                let study = try result.get()
                for (path, file) in study.files { try emit(path, file) }
                if let entry = study.entry { entries.append(entry) }
            }
            start = end
        }
        if !options.singleFile {
            try emit("style.css", .bytes(Array(renderer.templates.stylesheet.utf8)))
            let index = IndexContext(version: ReportRenderer.kvplanVersion, title: "kvplan studies", cssHref: "style.css", count: entries.count,
                                     countText: entries.count == 1 ? "1 study" : "\(entries.count) studies", studies: entries)
            try emit("index.html", .bytes(Array(ReportRenderer.tidy(renderer.templates.render(index, "index")).utf8)))
        }
    }

    /// One study's files, in the order they were written before, and its index entry.
    struct StudyFiles {
        var files: [(String, OutputDirectory.File)] = []
        var entry: IndexEntry?

        mutating func append(_ path: String, _ bytes: [UInt8]) { files.append((path, .bytes(bytes))) }
    }

    func files(for study: Study, slug: String) throws(EstimatorInputError) -> StudyFiles {
        var result = StudyFiles()
        let evaluation = try StudyEvaluation(study: study)
        let document = renderer.document(for: evaluation, slug: slug)
        // A large study's downloads are streamed as they are written; a small one's made here, in parallel.
        let large = evaluation.sweep != nil
        let csv = { (table: Table) -> OutputDirectory.File in
            large ? .stream { try CSVWriter.write(table, to: $0) } : .bytes(Array(CSVWriter.write(table).utf8))
        }
        if options.singleFile {
            let json = Self.resultsJSON(evaluation)
            let links = ReportRenderer.Links(figure: { $0.fileName }, table: { Self.dataURI(CSVWriter.write($0), type: "text/csv") })
            let page = renderer.page(
                document, links: links, stylesheet: .inline, siteHref: nil,
                downloads: [(Self.dataURI(json, type: "application/json"), "\(slug).json", "all results (JSON)")],
                formulasOpen: options.formulasOpen)
            result.append("\(slug).html", Array(page.utf8))
        } else {
            let links = ReportRenderer.Links(figure: { "\(slug)/\($0.fileName)" }, table: { "\(slug)/\($0.fileName)" })
            result.append("\(slug).html", Array(renderer.page(
                document, links: links, stylesheet: .link("style.css"), siteHref: "index.html",
                downloads: [("\(slug)/\(slug).json", "\(slug).json", "all results (JSON)")]).utf8))
            for table in document.tables { result.files.append(("\(slug)/\(table.fileName)", csv(table))) }
            result.files.append(("\(slug)/\(slug).json", large
                ? .stream { try Self.resultsJSON(evaluation, to: $0) } : .bytes(Array(Self.resultsJSON(evaluation).utf8))))
            result.entry = IndexEntry(
                href: "\(slug).html", title: document.title, subtitle: document.subtitle, headline: document.headline,
                figure: document.headlineFigure.map { IndexFigure(svg: HTMLWriter.svg($0), caption: $0.caption) })
        }
        if options.markdown {
            let links = ReportRenderer.Links(figure: { "\(slug)/\($0.fileName)" }, table: { "\(slug)/\($0.fileName)" })
            result.append("\(slug).md", Array(renderer.markdown(document, links: links).utf8))
            for figure in document.figures { result.append("\(slug)/\(figure.fileName)", Array(HTMLWriter.svg(figure).utf8)) }
            for table in document.tables { result.files.append(("\(slug)/\(table.fileName)", csv(table))) }
        }
        return result
    }

    /// `body(0..<count)` on every core, results in index order (fork–join: all are done on return).
    static func inParallel<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        guard count > 1 else { return (0..<count).map(body) }
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        nonisolated(unsafe) let shared = slots  // each index is written by exactly one iteration
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: count) { index in shared[index] = work(index) }
        }
        return slots.map { $0! }
    }

    /// File stems from study paths (`examples/yi.study.yaml` → `yi`), made unique.
    public static func slugs(for paths: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return paths.map { path in
            var stem = (path as NSString).lastPathComponent
            for suffix in [".study.yaml", ".study.yml", ".yaml", ".yml"] where stem.hasSuffix(suffix) {
                stem = String(stem.dropLast(suffix.count))
                break
            }
            var slug = String(stem.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
            if slug.isEmpty || slug == "index" || slug == "style" { slug = "study-" + slug }
            let count = seen[slug, default: 0] + 1
            seen[slug] = count
            return count == 1 ? slug : "\(slug)-\(count)"
        }
    }

    /// Every estimate of a study as one JSON document (keys as `kvplan estimate --json`), in memory.
    static func resultsJSON(_ evaluation: StudyEvaluation) -> String {
        var bytes: [UInt8] = []
        do {
            try resultsJSON(evaluation) { bytes += $0 }
        } catch {
            preconditionFailure("writing JSON into memory does not fail: \(error)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same, handed to `output` in pieces as it is written; a large study's points come from
    /// its sweep, and its pieces are made on every core (`OrderedPieces`), in order.
    static func resultsJSON(_ evaluation: StudyEvaluation, to output: ([UInt8]) throws -> Void) throws {
        let study = evaluation.study
        let writer = JSONWriter(capacity: 1024)
        writer.append(UInt8(ascii: "{"))
        let header: [(String, JSONValue)] = [
            ("kvplan", .string(ReportRenderer.kvplanVersion)),
            ("study", .string(study.title)),
            ("path", .string(study.path)),
            ("study_sha256", .string(SHA256.hex(study.text))),
            ("baseline_context", .integer(study.baseline.context)),
            ("baseline_compression", .string(study.baseline.compression.name)),
        ]
        for (key, value) in header {
            writer.writeString(key)
            writer.writeASCII(": ")
            writer.write(value)
            writer.writeASCII(", ")
        }
        writer.writeString("estimates")
        writer.writeASCII(": [")
        try output(writer.bytes)
        // Point `index` of the study, series by series, handed to `body`.
        let points: @Sendable (Range<Int>, (String, Scenario, Estimate) -> Void) -> Void
        let count: Int
        if let sweep = evaluation.sweep {
            count = sweep.pointCount
            points = { range, body in sweep.forEach(points: range) { series, estimate in body(series.label, series.scenario, estimate) } }
        } else {
            let laidOut = evaluation.series.flatMap { series in series.estimates.map { (series.label, series.scenario, $0) } }
            count = laidOut.count
            points = { range, body in for index in range { body(laidOut[index].0, laidOut[index].1, laidOut[index].2) } }
        }
        try OrderedPieces.write(count: count, rowsPerPiece: pointsPerPiece, make: { range in
            let writer = JSONWriter(capacity: 2048 * range.count)
            var first = range.lowerBound == 0
            points(range) { label, scenario, estimate in
                if !first { writer.writeASCII(", ") }
                first = false
                writer.beginObject()
                writer.field("series", .string(label))
                var sink = writer
                EstimateRecord.write(scenario, estimate, to: &sink)
                ComparableRecord.write(estimate, to: &sink)
                writer.endObject()
            }
            return writer.bytes
        }, output: output)
        try output(Array("]}\n".utf8))
    }

    /// Points per piece of the results JSON (about 1 MB).
    static let pointsPerPiece = 40

    static func dataURI(_ text: String, type: String) -> String {
        "data:\(type);charset=utf-8;base64,\(Data(text.utf8).base64EncodedString())"
    }
}
