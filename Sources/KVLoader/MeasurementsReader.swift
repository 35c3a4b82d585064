import KVStudy
import KVEstimator
import Yams

/// One measurement row before its values are checked: each column's text and where it was
/// written (a CSV field or a YAML value), in whichever file that is.
struct MeasurementRow {
    var fields: [String: (text: String, location: SourceLocation)]
    var location: SourceLocation
    /// The file the row is in, for located errors with a snippet.
    var source: YAMLSource
}

extension StudyReader {
    /// Most columns a measurements header may have (it needs 6).
    static let columnLimit = 64
    /// Most measurement rows one study may hold.
    static let rowLimit = 100_000

    /// `measurements`: a CSV path relative to the study file, a list of inline rows with the
    /// CSV's column names, or serving-benchmark result files (vLLM, SGLang, GuideLLM, AIPerf) —
    /// as a path, a `{file, format, model, hardware}` entry, or such entries among the rows.
    /// Model and hardware names must be the study's entries.
    func measurements(_ study: MapReader, models: EntryList<Model>?, hardware: EntryList<Hardware>?) -> (rows: [Measurement], engineSources: [EngineSource])? {
        guard let node = study.value("measurements") else { return nil }
        let items: [Node]
        switch node {
        case .scalar(let scalar) where !scalar.string.isEmpty: items = [node]
        case .mapping: items = [node]
        case .sequence(let list):
            guard list.count <= Self.rowLimit else {
                source.error(at: list[Self.rowLimit], "`measurements` has \(Units.written(list.count)) rows, over the limit of \(Units.written(Self.rowLimit))")
                return nil
            }
            items = Array(list)
        default:
            source.error(at: node, "`measurements` expects a CSV or result file path (relative to the study), a `{file: …}` entry or a list of rows and entries, found \(node.kindName)")
            return nil
        }
        // Names are checked only against lists that read completely: a row naming an entry that
        // failed to load would otherwise get a second, misleading error.
        let modelNames = models?.complete == true ? models?.names : nil
        let hardwareNames = hardware?.complete == true ? hardware?.names : nil
        var rows: [MeasurementRow] = []
        var measured: [Measurement] = []
        var engineSources: [EngineSource] = []
        for item in items {
            let isPath = item.scalarText.map { !["", "~", "null"].contains($0) } ?? false
            let isFile = isPath || item.mapping?.keys.contains { $0.scalarText == "file" } == true
            guard isFile else {
                if let row = inlineRow(item) { rows.append(row) }
                continue
            }
            switch measurementsFile(item, models: models, hardware: hardware) {
            case .csv(let csvRows)?: rows += csvRows
            case .engine(let engineRows, let engineSource)?:
                measured += engineRows
                engineSources.append(engineSource)
            case nil: break
            }
        }
        measured = rows.compactMap { measurement($0, modelNames: modelNames, hardwareNames: hardwareNames) } + measured
        return (measured, engineSources)
    }

    private enum MeasurementsFile {
        case csv([MeasurementRow])
        case engine([Measurement], EngineSource)
    }

    /// One file named in `measurements` (a path, or a `{file, format, model, hardware}` entry):
    /// a CSV, or a serving benchmark's result file, told apart by `format:` or by its content.
    private func measurementsFile(_ item: Node, models: EntryList<Model>?, hardware: EntryList<Hardware>?) -> MeasurementsFile? {
        var written = item.scalarText ?? ""
        var named: String?, model: (String, Node)?, pinnedHardware: (String, Node)?
        if item.scalarText == nil {
            guard let map = MapReader(item, schema: Schema.measurementsFile, source: source, what: "a measurements file entry") else { return nil }
            guard let file = map.string("file"), !file.isEmpty else {
                if !map.has("file") { map.missing("file", "a measurements file entry") }
                return nil
            }
            written = file
            named = map.choice("format", ["csv"] + EngineFormat.names.keys.sorted())
            if map.has("format"), named == nil { return nil }
            model = map.text("model")
            pinnedHardware = map.text("hardware")
            for (key, names, kind) in [("model", models?.names, "model"), ("hardware", hardware?.names, "hardware")] {
                guard let (text, node) = map.text(key), let names, !names.contains(text) else { continue }
                source.error(at: node, "`\(key)` names \(kind) `\(text)`, which is not in the study (its \(kind) entries: \(names.joined(separator: ", ")))\(didYouMean(text, among: names))")
                return nil
            }
        }
        let path = Self.resolve(written, besides: source.path)
        let bytes: [UInt8]
        switch StudyFileText.bytes(atPath: path) {
        case .success(let read): bytes = read
        case .failure(let failure):
            source.error(at: item, "measurements file `\(written)` (\(path)): \(failure.reason)")
            return nil
        }
        guard let text = StudyFileText.decode(bytes, path: path, log: source.log) else { return nil }
        let file = YAMLSource(path: path, text: text, log: source.log)
        let looksLikeJSON = ["{", "["].contains(text.first { !$0.isWhitespace })
        if named == "csv" || (named == nil && !looksLikeJSON) {
            if let model {
                source.error(at: model.1, "`model` ties a serving benchmark's result file to a model; the rows of a CSV name their own")
                return nil
            }
            if let pinnedHardware {
                source.error(at: pinnedHardware.1, "`hardware` ties a serving benchmark's result file to a GPU; the rows of a CSV name their own")
                return nil
            }
            return csvRows(file).map { .csv($0) }
        }
        guard let models, let hardware, models.complete, hardware.complete else { return nil }
        return engineMeasurements(
            file, written: written, named: named.flatMap { EngineFormat.names[$0] }, entry: item,
            model: model?.0, hardware: pinnedHardware?.0, models: models.entries, hardware: hardware.entries
        ).map { .engine($0.rows, $0.source) }
    }

    private func inlineRow(_ item: Node) -> MeasurementRow? {
        guard let map = MapReader(item, schema: Schema.measurement, source: source, what: "a measurement row") else { return nil }
        var fields: [String: (text: String, location: SourceLocation)] = [:]
        for key in Schema.measurement.names {
            guard map.has(key) else { map.missing(key, "a measurement row"); continue }
            if let (text, node) = map.text(key) { fields[key] = (text, source.location(of: node)) }
        }
        return MeasurementRow(fields: fields, location: source.location(of: item), source: source)
    }

    /// The rows of a measurements CSV; errors in it are located in the CSV itself.
    private func csvRows(_ csv: YAMLSource) -> [MeasurementRow]? {
        let text = csv.text
        let records: [MeasurementsCSV.Record]
        do {
            records = try MeasurementsCSV.records(text)
        } catch {
            csv.error(at: csv.location(line: error.line, column: error.column), error.message)
            return nil
        }
        let expected = Schema.measurement.names.joined(separator: ",")
        guard let header = records.first else {
            csv.error(at: csv.location(line: 1, column: 1), "the measurements file is empty: it starts with the header `\(expected)`")
            return nil
        }
        guard header.fields.count <= Self.columnLimit else {
            let extra = header.fields[Self.columnLimit]
            csv.error(at: csv.location(line: extra.line, column: extra.column),
                      "the header has \(Units.written(header.fields.count)) columns, over the limit of \(Self.columnLimit) (expected `\(expected)`)")
            return nil
        }
        guard records.count <= Self.rowLimit + 1 else {
            csv.error(at: csv.location(line: records[Self.rowLimit + 1].line, column: 1),
                      "the measurements file has \(Units.written(records.count - 1)) rows, over the limit of \(Units.written(Self.rowLimit))")
            return nil
        }
        var columns: [String] = []
        var complete = true
        for field in header.fields {
            let at = csv.location(line: field.line, column: field.column)
            if !Schema.measurement.names.contains(field.text) {
                csv.error(at: at, "unknown column `\(field.text)` in the header (expected `\(expected)`)\(didYouMean(field.text, among: Schema.measurement.names))")
                complete = false
            } else if columns.contains(field.text) {
                csv.error(at: at, "column `\(field.text)` appears twice in the header")
                complete = false
            }
            columns.append(field.text)
        }
        for name in Schema.measurement.names where !columns.contains(name) {
            csv.error(at: csv.location(line: header.line, column: header.endColumn), "missing column `\(name)` in the header (expected `\(expected)`)")
            complete = false
        }
        guard complete else { return nil }
        if records.count == 1 { csv.warning(at: csv.location(line: header.line, column: 1), "the measurements file has a header but no rows") }
        return records.dropFirst().compactMap { record in
            guard record.fields.count == columns.count else {
                let extra = record.fields.count > columns.count ? record.fields[columns.count] : nil
                csv.error(at: csv.location(line: extra?.line ?? record.line, column: extra?.column ?? record.endColumn),
                          "this row has \(record.fields.count) fields, the header has \(columns.count) (`\(expected)`)")
                return nil
            }
            var fields: [String: (text: String, location: SourceLocation)] = [:]
            for (name, field) in zip(columns, record.fields) {
                fields[name] = (field.text, csv.location(line: field.line, column: field.column))
            }
            return MeasurementRow(fields: fields, location: csv.location(line: record.line, column: 1), source: csv)
        }
    }

    /// A path as written in a study, relative to the study file's folder unless absolute.
    static func resolve(_ written: String, besides studyPath: String) -> String {
        guard !written.hasPrefix("/"), let slash = studyPath.lastIndex(of: "/") else { return written }
        return String(studyPath[...slash]) + written
    }

    /// Checks one row's values; every bad field is reported, at its own position.
    private func measurement(_ row: MeasurementRow, modelNames: [String]?, hardwareNames: [String]?) -> Measurement? {
        let source = row.source
        func field<Value>(_ column: String, _ parse: (String, SourceLocation) -> Value?) -> Value? {
            guard let (text, location) = row.fields[column] else { return nil }
            guard !text.isEmpty else {
                source.error(at: location, "`\(column)` is empty")
                return nil
            }
            return parse(text, location)
        }
        func entry(_ column: String, _ names: [String]?, _ kind: String) -> String? {
            field(column) { text, location -> String? in
                guard let names, !names.contains(text) else { return text }
                source.error(at: location, "measurement row names \(kind) `\(text)`, which is not in the study (its \(kind) entries: \(names.joined(separator: ", ")))\(didYouMean(text, among: names))")
                return nil
            }
        }
        func number(_ column: String, expected: String, range: ValueRange, _ parse: (String) throws(Units.ParseError) -> Double) -> Double? {
            field(column) { text, location -> Double? in
                do throws(Units.ParseError) {
                    let value = try parse(text)
                    guard value > 0 else {
                        source.error(at: location, "`\(column)` must be positive, got \(text)")
                        return nil
                    }
                    guard range.contains(value) else {
                        source.error(at: location, "`\(column)` must be \(range.wording), got `\(text)`")
                        return nil
                    }
                    return value
                } catch {
                    source.error(at: location, describe(error, what: "`\(column)`", expected: expected, text: text))
                    return nil
                }
            }
        }
        let model = entry("model", modelNames, "model"), hardware = entry("hardware", hardwareNames, "hardware")
        let phases = Measurement.Phase.allCases.map(\.rawValue)
        let phase = field("phase") { text, location -> Measurement.Phase? in
            guard let phase = Measurement.Phase(rawValue: text) else {
                source.error(at: location, "`phase` must be one of \(phases.joined(separator: ", ")), got `\(text)`\(didYouMean(text, among: phases))")
                return nil
            }
            return phase
        }
        let batch = number("batch", expected: "an integer", range: .sessions) { text throws(Units.ParseError) in try Units.integerValue(text) }
        let context = number("context", expected: "a token count such as 4096, 4K or 1M", range: .tokens) { text throws(Units.ParseError) in try Units.tokenValue(text) }
        let seconds = number("seconds", expected: "a number of seconds", range: .seconds) { text throws(Units.ParseError) in try Units.number(text) }
        guard let model, let hardware, let phase, let batch, let context, let seconds else { return nil }
        return Measurement(model: model, hardware: hardware, phase: phase, batch: Int(batch), context: Int(context), seconds: seconds, location: row.location)
    }
}
