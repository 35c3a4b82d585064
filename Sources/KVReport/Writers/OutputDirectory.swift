import Foundation

/// Writes a render into an output directory so that it holds the old site or the new one, never
/// a mix, and so that nothing outside it — and nothing in it that kvplan did not write — is
/// changed.
///
/// The new directory is built beside the old one (`.<out>.kvplan-<pid>`): the user's own files
/// carried over as hard links, kvplan's new files, a manifest. Then one rename(2) with
/// RENAME_EXCHANGE swaps the two directory entries, and the old tree is removed. A render killed
/// at any point leaves `--out` whole; the next render removes what the killed one left beside it.
///
/// Nothing is trusted inside `--out`: symbolic links are carried as links, never followed; a path
/// kvplan would write through a link is refused. The manifest names the files kvplan wrote with
/// their SHA-256; an entry counts only if it is a normalised relative path, reached without links,
/// to a regular file whose content still has that hash (a file the user has since edited is theirs).
public enum OutputDirectory {
    public static let manifestName = ".kvplan-manifest"
    static let manifestHeader = "# kvplan manifest 2: the SHA-256 and path of each file kvplan wrote here"

    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// Seams for crash tests: `step` runs before each change on disk (by default it sleeps
    /// `KVPLAN_OUTPUT_STEP_DELAY_US` microseconds, so that a kill test can land in every phase);
    /// `exchange` swaps the two directories (a test makes it fail).
    struct Hooks {
        var step: (String) -> Void = { _ in
            if let delay = ProcessInfo.processInfo.environment["KVPLAN_OUTPUT_STEP_DELAY_US"].flatMap(UInt32.init) { usleep(delay) }
        }
        var exchange: (String, String) -> Int32 = OutputFileSystem.exchange
    }

    public static func write(_ files: [String: [UInt8]], to directory: String, inputs: [String]) throws(Refusal) {
        try write(files, to: directory, inputs: inputs, hooks: Hooks())
    }

    static func write(_ files: [String: [UInt8]], to directory: String, inputs: [String], hooks: Hooks) throws(Refusal) {
        for path in files.keys where normalised(path) != path || path == manifestName {
            throw Refusal(description: "internal: kvplan would write `\(path)`, not a plain relative path")
        }
        let out = try resolve(directory, inputs: inputs)
        let staging = Staging(out: out)
        staging.removeLeftovers()
        switch OutputFileSystem.kind(out) {
        case .missing: try create(files, at: out, staging: staging, hooks: hooks)
        case .directory: try replace(out, with: files, staging: staging, hooks: hooks)
        default: throw Refusal(description: "\(directory) exists and is not a directory")
        }
    }

    /// A site written file by file as the render finishes each (issue 13): `produce` hands every
    /// file to `emit`, which writes it into the new tree beside `--out` at once, so the site is
    /// never held in memory. The guarantees are `write`'s: the new tree (the user's files carried
    /// over first, each kvplan file checked as it arrives) is synced to disk once, then moved or
    /// exchanged into place in one step; a refusal or an error of `produce` removes it and leaves
    /// `--out` as it was. A path emitted twice keeps its last bytes. Returns the files written.
    @discardableResult
    public static func write(
        to directory: String, inputs: [String], produce: (_ emit: (String, [UInt8]) throws -> Void) throws -> Void
    ) throws -> Int {
        try write(to: directory, inputs: inputs, hooks: Hooks()) { (emit: (String, File) throws -> Void) in
            try withoutActuallyEscaping(emit) { emit in try produce { try emit($0, .bytes($1)) } }
        }
    }

    /// The same, with files that may be written in pieces as they are produced (`File.stream`).
    @discardableResult
    public static func write(
        to directory: String, inputs: [String], produceFiles: (_ emit: (String, File) throws -> Void) throws -> Void
    ) throws -> Int {
        try write(to: directory, inputs: inputs, hooks: Hooks(), produce: produceFiles)
    }

    /// A file of a site: its bytes, or a producer that hands them over in pieces (a large study's
    /// CSV and JSON, written and hashed as they are made, never whole in memory).
    public enum File {
        case bytes([UInt8])
        case stream((_ write: ([UInt8]) throws -> Void) throws -> Void)

        /// The whole content, in memory.
        public var bytes: [UInt8] {
            get throws {
                switch self {
                case .bytes(let bytes): return bytes
                case .stream(let produce):
                    var bytes: [UInt8] = []
                    try produce { bytes += $0 }
                    return bytes
                }
            }
        }
    }

    static func write(
        to directory: String, inputs: [String], hooks: Hooks, produce: (_ emit: (String, [UInt8]) throws -> Void) throws -> Void
    ) throws -> Int {
        try write(to: directory, inputs: inputs, hooks: hooks) { (emit: (String, File) throws -> Void) in
            try withoutActuallyEscaping(emit) { emit in try produce { try emit($0, .bytes($1)) } }
        }
    }

    static func write(
        to directory: String, inputs: [String], hooks: Hooks, produce: (_ emit: (String, File) throws -> Void) throws -> Void
    ) throws -> Int {
        let out = try resolve(directory, inputs: inputs)
        let staging = Staging(out: out)
        staging.removeLeftovers()
        let kind = OutputFileSystem.kind(out)
        guard kind == .missing || kind == .directory else { throw Refusal(description: "\(directory) exists and is not a directory") }
        let owned = kind == .directory ? ownedFiles(in: out) : []
        var hashes: [String: String] = [:]
        do {
            if kind == .missing {
                try FileManager.default.createDirectory(atPath: staging.parent, withIntermediateDirectories: true)
                try OutputFileSystem.makeDirectory(staging.path, mode: 0o755)
            } else {
                try OutputFileSystem.makeDirectory(staging.path, mode: OutputFileSystem.mode(out))
                try carryForeign(from: out, to: staging.path, under: "", owned: owned, hooks: hooks)
            }
            try produce { relative, file in
                guard normalised(relative) == relative, relative != manifestName else {
                    throw Refusal(description: "internal: kvplan would write `\(relative)`, not a plain relative path")
                }
                let target = staging.path + "/" + relative
                if hashes[relative] != nil {
                    OutputFileSystem.removeTree(target)  // emitted again: the last bytes win
                } else if kind == .directory {
                    try checkConflicts([relative: []], in: out, owned: owned)
                }
                hooks.step("write")
                try makeParents(of: relative, under: staging.path)
                switch file {
                case .bytes(let bytes):
                    try OutputFileSystem.create(target, bytes)
                    hashes[relative] = SHA256.hex(bytes)
                case .stream(let produce):
                    hashes[relative] = try OutputFileSystem.create(target, produce: produce)
                }
            }
            let manifest = ([manifestHeader] + hashes.keys.sorted().map { "\(hashes[$0]!) \($0)" }).joined(separator: "\n") + "\n"
            try OutputFileSystem.create(staging.path + "/" + manifestName, Array(manifest.utf8))
            // One durable sync for the whole new tree (not one per file), before it replaces the old.
            OutputFileSystem.syncFileSystem(of: staging.path)
        } catch {
            OutputFileSystem.removeTree(staging.path)
            if let failure = error as? OutputFileSystem.Failure { throw Refusal(description: "could not write the new site: \(failure.description)") }
            throw error
        }
        if kind == .missing {
            try moveIntoPlace(staging, out, hooks: hooks)
        } else {
            try exchangeIntoPlace(staging, out, owned: owned, hooks: hooks)
        }
        OutputFileSystem.syncDirectory(staging.parent)  // the rename itself, durable
        return hashes.count
    }

    // MARK: Steps

    /// The absolute output path (the `--out` argument's own links resolved: it is the user's
    /// choice), refused when it is `/` or holds an input.
    static func resolve(_ directory: String, inputs: [String]) throws(Refusal) -> String {
        let out = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        guard out != "/", out.hasPrefix("/"), !out.hasSuffix("/") else {
            throw Refusal(description: "--out \(directory) is the root directory: choose a directory of its own for the site")
        }
        for input in inputs {
            let path = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
            if path == out || path.hasPrefix(out + "/") {
                throw Refusal(description: "\(directory) holds the input \(input); choose an output directory outside your studies")
            }
        }
        return out
    }

    /// No output directory yet: build it beside, then move it into place.
    static func create(_ files: [String: [UInt8]], at out: String, staging: Staging, hooks: Hooks) throws(Refusal) {
        do {
            try FileManager.default.createDirectory(atPath: staging.parent, withIntermediateDirectories: true)
        } catch {
            throw Refusal(description: "could not create \(staging.parent): \(error.localizedDescription)")
        }
        try build(staging.path, mode: 0o755, files: files, hooks: hooks) { () throws(OutputFileSystem.Failure) in }
        try moveIntoPlace(staging, out, hooks: hooks)
    }

    /// An existing output directory: the new one is built beside it with the user's files
    /// carried over, then the two are exchanged in one step.
    static func replace(_ out: String, with files: [String: [UInt8]], staging: Staging, hooks: Hooks) throws(Refusal) {
        let owned = ownedFiles(in: out)
        try checkConflicts(files, in: out, owned: owned)
        try build(staging.path, mode: OutputFileSystem.mode(out), files: files, hooks: hooks) { () throws(OutputFileSystem.Failure) in
            try carryForeign(from: out, to: staging.path, under: "", owned: owned, hooks: hooks)
        }
        try exchangeIntoPlace(staging, out, owned: owned, hooks: hooks)
    }

    /// Moves the finished staging directory to `out`, where nothing stands yet.
    private static func moveIntoPlace(_ staging: Staging, _ out: String, hooks: Hooks) throws(Refusal) {
        hooks.step("move")
        do {
            try OutputFileSystem.rename(staging.path, out)
        } catch {
            OutputFileSystem.removeTree(staging.path)
            throw Refusal(description: "could not move the site into \(out): \(error.description)")
        }
    }

    /// Exchanges the finished staging directory with the existing site at `out`, then removes the
    /// old site, moving across any file the user added meanwhile.
    private static func exchangeIntoPlace(_ staging: Staging, _ out: String, owned: Set<String>, hooks: Hooks) throws(Refusal) {
        hooks.step("exchange")
        try exchange(staging.path, out, hooks: hooks)
        // `staging.path` now holds the old site. A file the user added meanwhile moves across.
        hooks.step("cleanup")
        moveLateArrivals(from: staging.path, to: out, under: "", owned: owned)
        for name in OutputFileSystem.names(in: staging.path) {
            hooks.step("remove")
            OutputFileSystem.removeTree(staging.path + "/" + name)
        }
        OutputFileSystem.removeTree(staging.path)
    }

    /// A directory holding `files` and their manifest, after `carry` has put the user's files in.
    private static func build(_ path: String, mode: mode_t, files: [String: [UInt8]], hooks: Hooks,
                              carry: () throws(OutputFileSystem.Failure) -> Void) throws(Refusal) {
        do {
            try OutputFileSystem.makeDirectory(path, mode: mode)
            try carry()
            for (relative, bytes) in files.sorted(by: { $0.key < $1.key }) {
                hooks.step("write")
                try makeParents(of: relative, under: path)
                try OutputFileSystem.create(path + "/" + relative, bytes)
            }
            try OutputFileSystem.create(path + "/" + manifestName, manifest(files))
        } catch {
            OutputFileSystem.removeTree(path)
            throw Refusal(description: "could not write the new site: \(error.description)")
        }
    }

    private static func exchange(_ staging: String, _ out: String, hooks: Hooks) throws(Refusal) {
        let code = hooks.exchange(staging, out)
        if code == 0 { return }
        if code == ENOSYS || code == EINVAL {
            // No atomic exchange here: two renames, the old site kept under a name that the next
            // render moves back if this one dies between them.
            let old = staging + Staging.oldSuffix
            do {
                try OutputFileSystem.rename(out, old)
            } catch {
                OutputFileSystem.removeTree(staging)
                throw Refusal(description: "could not replace \(out) (the old site is unchanged): \(error.description)")
            }
            do {
                try OutputFileSystem.rename(staging, out)
                try OutputFileSystem.rename(old, staging)
                return
            } catch {
                _ = try? OutputFileSystem.rename(old, out)
                OutputFileSystem.removeTree(staging)
                throw Refusal(description: "could not replace \(out) (the old site is unchanged): \(error.description)")
            }
        }
        OutputFileSystem.removeTree(staging)
        throw Refusal(description: "could not replace \(out) with the new site (the old site is unchanged): \(String(cString: strerror(code)))")
    }

    // MARK: What is whose

    /// The manifest's entries that still name a file kvplan wrote: a normalised path inside
    /// `out`, no link on the way, a regular file, its content hashed as recorded. A manifest of
    /// kvplan 0.1 (paths without hashes) is trusted for regular files reached without links.
    static func ownedFiles(in out: String) -> Set<String> {
        guard OutputFileSystem.kind(out + "/" + manifestName) == .file,
              let bytes = OutputFileSystem.contents(out + "/" + manifestName) else { return [] }
        var owned: Set<String> = []
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let (hash, written) = manifestEntry(line)
            guard let path = normalised(written), path != manifestName, isPlainFile(path, in: out) else { continue }
            if let hash, OutputFileSystem.sha256(out + "/" + path) != hash { continue }
            owned.insert(path)
        }
        return owned
    }

    /// `<sha256> <path>` (kvplan 0.2 on), or a bare path (0.1).
    static func manifestEntry(_ line: Substring) -> (hash: String?, path: String) {
        let parts = line.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit) { return (String(parts[0]), String(parts[1])) }
        return (nil, String(line))
    }

    static func manifest(_ files: [String: [UInt8]]) -> [UInt8] {
        Array(([manifestHeader] + files.keys.sorted().map { "\(SHA256.hex(files[$0]!)) \($0)" }).joined(separator: "\n").utf8) + [10]
    }

    /// `path` when it is relative, without empty, `.` or `..` components or control characters.
    static func normalised(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"),
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
              !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        return path
    }

    /// Every directory on the way is a directory (not a link) and the path is a regular file.
    static func isPlainFile(_ path: String, in out: String) -> Bool {
        var current = out
        let parts = path.split(separator: "/")
        for part in parts.dropLast() {
            current += "/" + part
            guard OutputFileSystem.kind(current) == .directory else { return false }
        }
        return OutputFileSystem.kind(out + "/" + path) == .file
    }

    /// Refuses a render that would write through a link, over a directory, or over a file
    /// kvplan did not write.
    static func checkConflicts(_ files: [String: [UInt8]], in out: String, owned: Set<String>) throws(Refusal) {
        for path in files.keys.sorted() {
            var current = out
            for part in path.split(separator: "/") {
                current += "/" + part
                let isLast = current.count == out.count + 1 + path.count
                switch OutputFileSystem.kind(current) {
                case .missing: break
                case .directory where !isLast: continue
                case .file where isLast && owned.contains(path): continue
                case .symlink:
                    throw Refusal(description: "\(current) is a symbolic link: kvplan does not follow links inside --out; remove it or choose another --out")
                case .file where isLast:
                    throw Refusal(description: "\(current) exists and was not written by kvplan; move it or choose another --out")
                default:
                    throw Refusal(description: "\(current) is in the way of \(path) kvplan writes; move it or choose another --out")
                }
                break
            }
        }
    }

    // MARK: Carrying the user's files

    /// Recreates `from`'s tree in `to` without kvplan's own files: directories made, files
    /// linked (same inode, so nothing is copied or lost), links copied as links.
    static func carryForeign(from: String, to: String, under relative: String, owned: Set<String>, hooks: Hooks) throws(OutputFileSystem.Failure) {
        for name in OutputFileSystem.names(in: from + "/" + relative).sorted() {
            let path = relative.isEmpty ? name : relative + "/" + name
            if path == manifestName || owned.contains(path) { continue }
            let source = from + "/" + path, target = to + "/" + path
            switch OutputFileSystem.kind(source) {
            case .directory:
                try OutputFileSystem.makeDirectory(target, mode: OutputFileSystem.mode(source))
                try carryForeign(from: from, to: to, under: path, owned: owned, hooks: hooks)
                // A folder that held only kvplan's files goes with them.
                if OutputFileSystem.isEmptyDirectory(target), !OutputFileSystem.isEmptyDirectory(source) {
                    rmdir(target)
                }
            case .file:
                hooks.step("carry")
                try OutputFileSystem.carry(source, to: target)
            case .symlink:
                try OutputFileSystem.copyLink(source, to: target)
            case .other:
                throw OutputFileSystem.Failure(operation: "cannot carry (a device, socket or pipe)", path: source, code: EINVAL)
            case .missing:
                continue
            }
        }
    }

    /// After the exchange: entries in the old tree that the new one lacks and kvplan did not
    /// write (a file the user saved during the render) move into the new tree.
    static func moveLateArrivals(from old: String, to out: String, under relative: String, owned: Set<String>) {
        for name in OutputFileSystem.names(in: old + "/" + relative) {
            let path = relative.isEmpty ? name : relative + "/" + name
            if path == manifestName || owned.contains(path) { continue }
            let source = old + "/" + path, target = out + "/" + path
            switch (OutputFileSystem.kind(source), OutputFileSystem.kind(target)) {
            case (.directory, .directory), (.directory, .missing):
                moveLateArrivals(from: old, to: out, under: path, owned: owned)
            case (_, .missing):
                _ = try? makeParents(of: path, under: out)
                _ = try? OutputFileSystem.rename(source, target)
            default:
                continue
            }
        }
    }

    private static func makeParents(of relative: String, under root: String) throws(OutputFileSystem.Failure) {
        var current = root
        for part in relative.split(separator: "/").dropLast() {
            current += "/" + part
            try OutputFileSystem.makeDirectory(current)
        }
    }

    /// `input` as seen from `directory` (`../examples/a.study.yaml`), so that a site records where
    /// its studies are the same way whether kvplan was given relative or absolute paths, and
    /// without the user's own directory names.
    public static func relativePath(of input: String, from directory: String) -> String {
        func parts(_ path: String) -> [String] {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().pathComponents.filter { $0 != "/" }
        }
        let target = parts(input), base = parts(directory)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let steps = Array(repeating: "..", count: base.count - common) + target[common...]
        return steps.isEmpty ? "." : steps.joined(separator: "/")
    }

    // MARK: Staging

    /// Where a render builds its new site: `.<out name>.kvplan-<pid>` beside `--out`.
    struct Staging {
        static let oldSuffix = "-old"
        let out: String
        let parent: String
        let prefix: String
        let path: String

        init(out: String) {
            self.out = out
            let slash = out.lastIndex(of: "/")!
            parent = slash == out.startIndex ? "/" : String(out[..<slash])
            prefix = "." + out[out.index(after: slash)...] + ".kvplan-"
            path = (parent == "/" ? "" : parent) + "/" + prefix + String(ProcessInfo.processInfo.processIdentifier)
        }

        /// Removes what killed renders left beside `--out` (their process is gone); an old site
        /// set aside by a two-rename switch that did not finish is moved back first.
        func removeLeftovers() {
            for name in OutputFileSystem.names(in: parent) where name.hasPrefix(prefix) {
                let rest = name.dropFirst(prefix.count)
                let isOld = rest.hasSuffix(Self.oldSuffix)
                guard let pid = Int32(isOld ? rest.dropLast(Self.oldSuffix.count) : rest),
                      pid == ProcessInfo.processInfo.processIdentifier || !OutputFileSystem.processIsAlive(pid) else { continue }
                let leftover = (parent == "/" ? "" : parent) + "/" + name
                if isOld, OutputFileSystem.kind(out) == .missing, OutputFileSystem.kind(leftover) == .directory {
                    _ = try? OutputFileSystem.rename(leftover, out)
                } else {
                    OutputFileSystem.removeTree(leftover)
                }
            }
        }
    }
}
