import Foundation
import Synchronization

/// Copies the SQLite write-ahead log into the database file in the background.
///
/// SQLite checkpoints on the connection that commits, and a checkpoint ends in an fsync:
/// every few hundred commits one request, and every write queued behind it, would wait
/// milliseconds for it. This thread runs a PASSIVE checkpoint (which never blocks the
/// writer or readers) four times a second, so when the writer's own, rarer checkpoint
/// comes due, little is left for it to copy.
final class SQLiteCheckpointer: Sendable {
    private let stopped = Atomic<Bool>(false)

    init(path: String, interval: TimeInterval = 0.25) throws {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA busy_timeout = 1000")
        // The thread keeps this object alive until `stop()` ends its loop.
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: interval)
                // Busy just means "next time".
                try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
            connection.close()
        }
        thread.name = "capstan-sqlite-checkpoint"
        thread.start()
    }

    /// Ends the thread after its current checkpoint.
    func stop() {
        stopped.store(true, ordering: .releasing)
    }
}
