import Foundation

/// Writes a render into an output directory safely: everything first into a temporary sibling
/// directory, then moved into place; a manifest remembers what kvplan wrote, so that the next
/// render removes its own stale files and never touches (or overwrites) a file it did not write.
/// An output directory that holds the render's inputs is refused.
public enum OutputDirectory {
    public static let manifestName = ".kvplan-manifest"

    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ files: [String: [UInt8]], to directory: String, inputs: [String]) throws(Refusal) {
        let fileManager = FileManager.default
        let out = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        for input in inputs {
            let inputURL = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
            if inputURL.path == out.path || inputURL.path.hasPrefix(out.path + "/") {
                throw Refusal(description: "\(directory) holds the input \(input); choose an output directory outside your studies")
            }
        }
        var isDirectory: ObjCBool = false
        let exists = fileManager.fileExists(atPath: out.path, isDirectory: &isDirectory)
        if exists, !isDirectory.boolValue { throw Refusal(description: "\(directory) exists and is not a directory") }

        let previous = exists ? readManifest(out) : []
        if exists {
            for path in files.keys.sorted() where !previous.contains(path) {
                if fileManager.fileExists(atPath: out.appendingPathComponent(path).path) {
                    throw Refusal(description: "\(directory)/\(path) exists and was not written by kvplan; move it or choose another --out")
                }
            }
        }

        let parent = out.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(out.lastPathComponent).kvplan-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try? fileManager.removeItem(at: staging)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
                let url = staging.appendingPathComponent(path)
                try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            }
            let manifest = Array((files.keys.sorted().joined(separator: "\n") + "\n").utf8)
            if !exists {
                try Data(manifest).write(to: staging.appendingPathComponent(manifestName))
                try fileManager.moveItem(at: staging, to: out)
                return
            }
            // First record every file this render may write beside those of the last one, so an
            // interrupted render still knows which files are kvplan's; then move each file over
            // the old one (rename(2) is atomic; Foundation's replaceItemAt fails on Linux), drop our
            // stale files, and record the new set.
            try writeManifest(previous.union(files.keys), in: out, staging: staging)
            for path in files.keys.sorted() {
                let target = out.appendingPathComponent(path)
                try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard rename(staging.appendingPathComponent(path).path, target.path) == 0 else {
                    throw Refusal(description: "could not move \(path) into \(directory): \(String(cString: strerror(errno)))")
                }
            }
            for stale in previous.sorted() where files[stale] == nil {
                let url = out.appendingPathComponent(stale)
                try? fileManager.removeItem(at: url)
                removeEmptyParents(of: url, below: out)
            }
            try writeManifest(Set(files.keys), in: out, staging: staging)
            try? fileManager.removeItem(at: staging)
        } catch let refusal as Refusal {
            try? fileManager.removeItem(at: staging)
            throw refusal
        } catch {
            try? fileManager.removeItem(at: staging)
            throw Refusal(description: "could not write \(directory): \(error.localizedDescription)")
        }
    }

    static func writeManifest(_ paths: Set<String>, in directory: URL, staging: URL) throws {
        let temporary = staging.appendingPathComponent(manifestName)
        try Data((paths.sorted().joined(separator: "\n") + "\n").utf8).write(to: temporary)
        guard rename(temporary.path, directory.appendingPathComponent(manifestName).path) == 0 else {
            throw Refusal(description: "could not write the manifest of \(directory.path): \(String(cString: strerror(errno)))")
        }
    }

    static func readManifest(_ directory: URL) -> Set<String> {
        guard let text = try? String(contentsOf: directory.appendingPathComponent(manifestName), encoding: .utf8) else { return [] }
        // Only relative paths inside the directory count; a tampered manifest cannot reach outside it.
        return Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("/") && !$0.split(separator: "/").contains("..") })
    }

    static func removeEmptyParents(of url: URL, below root: URL) {
        var directory = url.deletingLastPathComponent()
        while directory.path.hasPrefix(root.path + "/"),
              let contents = try? FileManager.default.contentsOfDirectory(atPath: directory.path), contents.isEmpty {
            try? FileManager.default.removeItem(at: directory)
            directory = directory.deletingLastPathComponent()
        }
    }
}
