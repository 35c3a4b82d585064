/// A numbered table: typed cells (text shown, value kept at full precision) under headers that
/// state their units. A page shows `shownRows` (all, or an even spread of a long table); the CSV
/// download holds every row's values, streamed from `values` (a large study's rows are computed
/// as the CSV is written, never held).
public struct Table: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var numeric: Bool
        /// Holds source references, written as links.
        public var sources: Bool { title == "source" }
    }

    /// One cell: what a reader sees (`17.6 *`) and the value at full precision (`17.62…`).
    public struct Cell: Sendable, Equatable {
        public var text: String
        public var value: String
    }

    /// A value as the CSV holds it: text, or a number at full precision (written as the JSON
    /// writes it, straight into the CSV's buffer; empty when it is not finite).
    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Double?)

        public var text: String {
            switch self {
            case .text(let text): text
            case .number(let number): TableBuilder.raw(number)
            }
        }
    }

    /// Every row's full-precision values, in order, one array per row: what the CSV holds.
    public struct Values: Sendable {
        public var count: Int
        /// Hands the rows in `range` to `body`, in order. Any range, from any thread: a long CSV
        /// is written in pieces made on every core.
        public var rows: @Sendable (_ range: Range<Int>, _ body: ([Value]) throws -> Void) throws -> Void

        public init(count: Int, rows: @escaping @Sendable (_ range: Range<Int>, _ body: ([Value]) throws -> Void) throws -> Void) {
            self.count = count
            self.rows = rows
        }

        /// Hands each row to `body`, in order.
        public func forEach(_ body: ([Value]) throws -> Void) throws { try rows(0..<count, body) }

        /// Every row's values as text, in memory (tests and small tables).
        public var all: [[String]] {
            var rows: [[String]] = []
            do {
                try forEach { rows.append($0.map(\.text)) }
            } catch {
                preconditionFailure("collecting rows in memory does not fail: \(error)")
            }
            return rows
        }
    }

    public var number: Int
    public var id: String
    public var caption: String
    public var columns: [Column]
    /// Indices of the rows a page shows (all, or an even spread of a long table).
    public var shownRows: [Int]
    /// The cells of the shown rows, in the order of `shownRows`.
    public var shownCells: [[Cell]]
    public var values: Values
    /// Indices (among all rows) of the rows to mark as the baseline.
    public var baselineCells: Set<Int>
    public var fileName: String

    /// The shown rows' text.
    public var rows: [[String]] { shownCells.map { $0.map(\.text) } }
    /// Positions among the shown rows of the baseline rows.
    public var baselineRows: Set<Int> { Set(shownRows.enumerated().filter { baselineCells.contains($0.element) }.map(\.offset)) }
}
