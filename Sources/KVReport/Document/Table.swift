/// A numbered table: typed cells (text shown, value kept at full precision) under headers that
/// state their units, with the rows a page shows when the table is long.
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

    public var number: Int
    public var id: String
    public var caption: String
    public var columns: [Column]
    /// Every row, in order.
    public var cells: [[Cell]]
    /// Indices of the rows a page shows (all, or an even spread of a long table).
    public var shownRows: [Int]
    /// Indices into `cells` of the rows to mark as the baseline.
    public var baselineCells: Set<Int>
    public var fileName: String

    /// The shown rows' text.
    public var rows: [[String]] { shownRows.map { cells[$0].map(\.text) } }
    /// Positions among the shown rows of the baseline rows.
    public var baselineRows: Set<Int> { Set(shownRows.enumerated().filter { baselineCells.contains($0.element) }.map(\.offset)) }
}
