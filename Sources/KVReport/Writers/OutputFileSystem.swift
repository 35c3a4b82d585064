import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system calls `OutputDirectory` makes, none of which follows a symbolic link:
/// entries are examined with lstat(2), files created with O_EXCL|O_NOFOLLOW, trees removed by
/// unlinking links rather than entering them. Paths are absolute.
enum OutputFileSystem {
    enum Kind: Equatable { case missing, file, directory, symlink, other }

    struct Failure: Error {
        var operation: String
        var path: String
        var code: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    static func kind(_ path: String) -> Kind {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .missing }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & 0o7777 : 0o755
    }

    /// Names in a directory (not `.` or `..`), sorted; empty when it cannot be read.
    static func names(in directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(Failure) {
        guard mkdir(path, mode) == 0 || (errno == EEXIST && kind(path) == .directory) else {
            throw Failure(operation: "cannot create the directory", path: path, code: errno)
        }
    }

    /// A new regular file with `bytes`; fails if anything (a link included) is at `path`.
    static func create(_ path: String, _ bytes: [UInt8]) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(operation: "cannot create", path: path, code: errno) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(operation: "cannot write", path: path, code: errno) }
            offset += written
        }
    }

    /// A new regular file written in pieces: `produce` hands each to the writer as it is made
    /// (a large study's CSV and JSON, never whole in memory). Returns the content's SHA-256,
    /// computed on another core while the next pieces are made (a few pieces in flight at most).
    static func create(_ path: String, produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws -> String {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(operation: "cannot create", path: path, code: errno) }
        defer { close(descriptor) }
        let hashing = PieceHasher()
        defer { hashing.finish() }
        try produce { bytes in
            try writeAll(descriptor, bytes, path: path)
            hashing.add(bytes)
        }
        hashing.finish()
        return hashing.hex
    }

    /// A SHA-256 fed on a serial queue of its own, with at most `inFlight` pieces waiting.
    private final class PieceHasher: @unchecked Sendable {
        private var hasher = SHA256()
        private let queue = DispatchQueue(label: "kvplan.output.sha256")
        private let group = DispatchGroup()
        private let slots = DispatchSemaphore(value: 8)
        private var digest: String?

        /// Only `queue` touches `hasher`; `hex` reads it after `finish` has waited for the queue.
        func add(_ bytes: [UInt8]) {
            slots.wait()
            queue.async(group: group) {
                self.hasher.update(bytes)
                self.slots.signal()
            }
        }

        func finish() { group.wait() }

        var hex: String {
            if digest == nil { digest = hasher.finalHex() }
            return digest!
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(operation: "cannot write", path: path, code: errno) }
            offset += written
        }
    }

    /// The bytes of a regular file, not through a link; nil otherwise.
    static func contents(_ path: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        return readPieces(path, { bytes += $0 }) ? bytes : nil
    }

    /// The SHA-256 of a regular file, not through a link, read in pieces; nil when it cannot be read.
    static func sha256(_ path: String) -> String? {
        var hasher = SHA256()
        return readPieces(path, { hasher.update($0) }) ? hasher.finalHex() : nil
    }

    /// Hands a regular file's bytes to `body` in pieces, not through a link; false when it cannot be read.
    private static func readPieces(_ path: String, _ body: ([UInt8]) -> Void) -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 { return false }
            if count == 0 { return true }
            body(Array(buffer[0..<count]))
        }
    }

    /// Another name for the file at `source` (same inode), or a copy where links fail
    /// (another file system, a file the user may not link).
    static func carry(_ source: String, to target: String) throws(Failure) {
        if link(source, target) == 0 { return }
        guard let bytes = contents(source) else { throw Failure(operation: "cannot read", path: source, code: errno) }
        try create(target, bytes)
        chmod(target, mode(source))
    }

    static func copyLink(_ source: String, to target: String) throws(Failure) {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(source, &buffer, buffer.count - 1)
        guard count >= 0 else { throw Failure(operation: "cannot read the link", path: source, code: errno) }
        buffer[count] = 0
        guard symlink(buffer, target) == 0 else { throw Failure(operation: "cannot copy the link", path: target, code: errno) }
    }

    /// Flushes the file system holding `path` to disk (syncfs(2)): one call for a whole tree of
    /// new files, where an fsync per file cost more than writing them.
    static func syncFileSystem(of path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        #if os(Linux)
        // syncfs(2) is not in Swift's Glibc module; looked up like renameat2 below.
        typealias SyncFS = @convention(c) (Int32) -> Int32
        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "syncfs") {
            _ = unsafeBitCast(symbol, to: SyncFS.self)(descriptor)
            return
        }
        #endif
        sync()
    }

    /// Makes a rename in `directory` durable (fsync of the directory).
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    static func rename(_ source: String, _ target: String) throws(Failure) {
        guard Foundation.rename(source, target) == 0 else { throw Failure(operation: "cannot move \(source) to", path: target, code: errno) }
    }

    /// Swaps two directory entries in one step (renameat2 RENAME_EXCHANGE, Linux 3.15+), so that
    /// a reader sees one or the other, never neither. Returns errno (0 on success; ENOSYS where
    /// the call does not exist).
    static func exchange(_ first: String, _ second: String) -> Int32 {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return ENOSYS }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        return renameat2(AT_FDCWD, first, AT_FDCWD, second, 2 /* RENAME_EXCHANGE */) == 0 ? 0 : errno
        #else
        return ENOSYS
        #endif
    }

    /// Removes `path` and, for a directory, everything in it; links are unlinked, never entered.
    static func removeTree(_ path: String) {
        switch kind(path) {
        case .missing: return
        case .directory:
            for name in names(in: path) { removeTree(path + "/" + name) }
            rmdir(path)
        default:
            unlink(path)
        }
    }

    static func isEmptyDirectory(_ path: String) -> Bool { kind(path) == .directory && names(in: path).isEmpty }

    static func processIsAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }
}
