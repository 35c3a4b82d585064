import Foundation

/// A long download (a large study's CSV or JSON) written as pieces of consecutive rows, each
/// made on whichever core is free and handed over in row order: the bytes are those of one pass
/// over the rows, whatever the scheduling, and only a few pieces are ever held (two per core).
enum OrderedPieces {
    /// Rows `0..<count` in pieces of `rowsPerPiece`: `make` returns a piece's bytes (on any
    /// thread, several at once), `output` receives them in order on the calling thread. The first
    /// error, of `make` in row order or of `output`, stops the writing; no piece is still being
    /// made when this returns or throws.
    ///
    /// Pieces are claimed in order. Helpers on the global queue claim the next ones a window
    /// ahead; the caller makes the piece it needs itself when no helper has claimed it, and waits
    /// only for a piece a running helper is making. So it never waits on work that has not
    /// started, even when every thread of the pool is busy (a site's studies are laid out on
    /// every core, and a study's small tables are written from there).
    static func write(count: Int, rowsPerPiece: Int, make: @escaping @Sendable (Range<Int>) throws -> [UInt8],
                      output: ([UInt8]) throws -> Void) throws {
        let pieces = (count + rowsPerPiece - 1) / rowsPerPiece
        let range = { @Sendable (piece: Int) in piece * rowsPerPiece..<min(count, (piece + 1) * rowsPerPiece) }
        guard pieces > 1 else {
            if pieces == 1 { try output(try make(range(0))) }
            return
        }
        let window = min(pieces, 2 * max(1, ProcessInfo.processInfo.activeProcessorCount))
        let state = State(pieces: pieces, window: window)
        let group = DispatchGroup()
        defer { group.wait() }
        let help = {
            DispatchQueue.global().async(group: group) {
                guard let piece = state.claim(helper: true) else { return }
                let slot = state.slots[piece % window]
                slot.result = Result { try make(range(piece)) }
                slot.ready.signal()
            }
        }
        for _ in 0..<window { help() }
        for piece in 0..<pieces {
            let result: Result<[UInt8], any Error>
            if state.claim(helper: false) == piece {
                result = Result { try make(range(piece)) }
            } else {
                let slot = state.slots[piece % window]
                slot.ready.wait()
                result = slot.result!
                slot.result = nil
            }
            // The slot is free again: a helper may claim the piece a window ahead.
            state.consumed(piece)
            if piece + window < pieces { help() }
            try output(try result.get())
        }
    }

    /// Which pieces are claimed and written, under a lock; the slots pieces in flight are made in.
    private final class State: @unchecked Sendable {
        let slots: [Slot]
        private let lock = NSLock()
        private let pieces: Int
        private let window: Int
        private var nextUnclaimed = 0
        private var written = 0

        init(pieces: Int, window: Int) {
            (self.pieces, self.window) = (pieces, window)
            slots = (0..<window).map { _ in Slot() }
        }

        /// The next unclaimed piece, now claimed: for a helper, only while its slot is free (less
        /// than a window ahead of the writing); for the writer, only the piece it writes next.
        func claim(helper: Bool) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            let limit = helper ? min(pieces, written + window) : written + 1
            guard nextUnclaimed < limit else { return nil }
            nextUnclaimed += 1
            return nextUnclaimed - 1
        }

        func consumed(_ piece: Int) {
            lock.lock()
            written = piece + 1
            lock.unlock()
        }
    }

    /// Where one piece a helper makes is put: written before `ready` is signalled, read by the
    /// writer after waiting on it.
    private final class Slot: @unchecked Sendable {
        var result: Result<[UInt8], any Error>?
        let ready = DispatchSemaphore(value: 0)
    }
}
