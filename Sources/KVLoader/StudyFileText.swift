import KVStudy
import Foundation

/// The text of a study or measurements file, read from disk as bytes and decoded as UTF-8
/// with care: a file that is not text (binary, another encoding) is a located diagnostic, never
/// a crash or silently replaced characters.
enum StudyFileText {
    /// The file's bytes, or why they cannot be read ("no such file").
    static func bytes(atPath path: String) -> Result<[UInt8], ReadFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ReadFailure(reason: "no such file"))
        }
        guard !isDirectory.boolValue else { return .failure(ReadFailure(reason: "a directory, not a file")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ReadFailure(reason: "cannot be read (permissions?)"))
        }
        return .success([UInt8](data))
    }

    struct ReadFailure: Error {
        var reason: String
    }

    /// The bytes as a String, or nil after an error that points at the first byte that is not UTF-8.
    /// A leading byte-order mark (Excel's "CSV UTF-8", Windows editors) is dropped: it is not part
    /// of the text, and left in it would hide a CSV header or a JSON file's opening brace.
    static func decode(_ bytes: [UInt8], path: String, log: DiagnosticLog) -> String? {
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1, column = 1, previous: Unicode.Scalar = " "
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                // Lines as libyaml counts them (CRLF is one break).
                let scalar = Unicode.UTF8.decode(encoded)
                if LineBreaks.isBreak(scalar) {
                    if !(previous == "\r" && scalar == "\n") { line += 1 }
                    column = 1
                } else {
                    column += 1
                }
                previous = scalar
            case .emptyInput:
                return String(decoding: bytes, as: UTF8.self)
            case .error:
                log.append(Diagnostic(.error, at: SourceLocation(file: path, line: line, column: column),
                                      "not UTF-8 text (a binary file, or another encoding): save the file as UTF-8"))
                return nil
            }
        }
    }
}
