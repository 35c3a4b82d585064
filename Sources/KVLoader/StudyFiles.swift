import KVStudy
import Foundation

/// Which files a command line's `<study|dir>...` arguments name: a file as given, a directory
/// searched recursively for `*.study.yaml` (hidden folders skipped), in sorted order so that
/// every run checks and renders them in the same order.
public enum StudyFiles {
    public static let suffix = ".study.yaml"

    /// The study paths, and an error for each directory that holds no study. Paths that do not
    /// exist are passed through: loading them reports the error.
    public static func expand(_ arguments: [String]) -> (paths: [String], problems: [Diagnostic]) {
        var paths: [String] = [], problems: [Diagnostic] = []
        for argument in arguments {
            guard isDirectory(argument) else { paths.append(argument); continue }
            let found = studies(in: argument, depth: 0)
            if found.isEmpty {
                problems.append(Diagnostic(.error, at: SourceLocation(file: argument, line: 1, column: 1),
                                           "no `*\(suffix)` files in this directory"))
            }
            paths += found
        }
        return (paths, problems)
    }

    private static func studies(in directory: String, depth: Int) -> [String] {
        guard depth < 64, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var found: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if isDirectory(path) {
                found += studies(in: path, depth: depth + 1)
            } else if name.hasSuffix(suffix) {
                found.append(path)
            }
        }
        return found
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
