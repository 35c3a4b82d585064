/// A place in a study or catalog file, 1-based like compilers print it.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        (self.file, self.line, self.column) = (file, line, column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}
