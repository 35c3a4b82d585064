import CYaml

/// How large a YAML file's tree is once its aliases are expanded, counted from libyaml's event
/// stream before anything builds or walks the tree. An alias stands for a copy of its anchor's
/// node, so ten nested aliases of ten items each make 10^10 nodes from a few lines ("billion
/// laughs"); every later walk — Yams' own duplicate-key check hashes whole keys, the readers walk
/// values — would pay for each copy. Counting here, in one linear pass, bounds all of them.
struct AliasBudget {
    /// Most nodes the expanded tree may hold: far beyond any real study (the largest example
    /// has a few thousand), far below what would stall a walk.
    static let nodeLimit = 200_000
    /// Deepest the expanded tree may nest (libyaml already stops plain nesting at 1000).
    static let depthLimit = 1_000

    /// Where the budget ran out, and why, in a sentence.
    struct Excess: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// Nil when the expanded tree fits; the first alias (or node) that overflows it otherwise.
    /// Syntax errors are left for the composer, which reports them with their context.
    static func check(_ text: String) -> Excess? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> Excess? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var counter = Counter()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let excess = counter.take(event) { return excess }
            }
        }
    }

    /// Expanded size and depth of every open container and every anchor seen so far.
    private struct Counter {
        /// Open containers: nodes inside so far, expanded depth below, anchor to record on close.
        var open: [(size: Int, depth: Int, anchor: String?)] = []
        var anchors: [String: (size: Int, depth: Int)] = [:]
        var total = 0

        mutating func take(_ event: yaml_event_t) -> Excess? {
            let mark = event.start_mark
            switch event.type {
            case YAML_SCALAR_EVENT:
                return add(size: 1, depth: 1, anchor: Self.string(event.data.scalar.anchor), mark)
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                // An undefined alias is the composer's error, reported with its position.
                guard let anchor = anchors[name] else { return nil }
                return add(size: anchor.size, depth: anchor.depth, anchor: nil, mark, alias: name)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = event.type == YAML_SEQUENCE_START_EVENT
                    ? Self.string(event.data.sequence_start.anchor) : Self.string(event.data.mapping_start.anchor)
                open.append((1, 1, anchor))
                total += 1
                // Plain nesting is libyaml's to limit (1000 levels); the count is ours.
                if total > AliasBudget.nodeLimit {
                    return Excess(line: Int(mark.line) + 1, column: Int(mark.column) + 1,
                                  message: "the file holds over \(Units.written(AliasBudget.nodeLimit)) values: split the study")
                }
                return nil
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return nil }
                return add(size: closed.size, depth: closed.depth, anchor: closed.anchor, mark, counted: true)
            default:
                return nil
            }
        }

        /// Adds a finished node to its parent, checking the running total and the depth.
        private mutating func add(size: Int, depth: Int, anchor: String?, _ mark: yaml_mark_t,
                                  alias: String? = nil, counted: Bool = false) -> Excess? {
            if let anchor { anchors[anchor] = (size, depth) }
            // A container's own nodes were counted as they arrived; an alias adds a whole copy.
            if !counted { total += size }
            let nesting = open.count + depth
            if total > AliasBudget.nodeLimit || nesting > AliasBudget.depthLimit {
                let what = alias.map { "the alias `*\($0)` expands" } ?? "the file expands"
                let why = total > AliasBudget.nodeLimit
                    ? "to over \(Units.written(AliasBudget.nodeLimit)) values"
                    : "to over \(AliasBudget.depthLimit) levels of nesting"
                return Excess(line: Int(mark.line) + 1, column: Int(mark.column) + 1,
                              message: "\(what) \(why): write the values out, or use fewer nested aliases")
            }
            guard !open.isEmpty else { return nil }
            open[open.count - 1].size = min(open[open.count - 1].size + size, AliasBudget.nodeLimit + 1)
            open[open.count - 1].depth = max(open[open.count - 1].depth, depth + 1)
            return nil
        }

        static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }
    }
}
