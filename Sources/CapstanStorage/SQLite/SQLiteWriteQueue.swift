import Logging
import SQLKit
import Synchronization

/// Runs SQLite write transactions one after another, committing the ones that queue up
/// while a commit is under way together (group commit).
///
/// SQLite has a single writer, and each commit appends every page it touched to the
/// write-ahead log; under concurrent load most of the cost is that append. Here each
/// request's body still runs in its own SAVEPOINT, so a failing request rolls back alone
/// and gets its own error, but the requests waiting in the queue share one `BEGIN … COMMIT`,
/// and callers are resumed only after that commit.
final class SQLiteWriteQueue: Sendable {
    private typealias Body = @Sendable (any SQLDatabase) async throws -> any Sendable

    private struct Job {
        let body: Body
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
        var closed = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let connection: SQLiteConnection
    private let logger: Logger
    /// Transactions run on a thread of their own, never holding one of the request threads.
    private let thread = ThreadExecutor(name: "sqlite-writer")
    private let state = Mutex(State())
    /// Most requests one transaction takes in, so one batch cannot hold a commit back long.
    private static let maxBatch = 256

    init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs `body` in the next transaction and returns its result once that has committed.
    func submit<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let startDrain = state.withLock { state -> Bool? in
                if state.closed { return nil }
                state.pending.append(Job(body: body, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            switch startDrain {
            case nil: continuation.resume(throwing: StoreError.database("The database is closed."))
            case true?: Task(executorPreference: thread) { await self.drain() }
            case false?: break
            }
        }
        // The job was built from `body`, which returns a T: the cast cannot fail.
        return result as! T
    }

    /// Waits for queued transactions to finish and refuses new ones.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                state.closed = true
                if state.draining { state.idleWaiters.append(continuation); return false }
                return true
            }
            if idle { continuation.resume() }
        }
        thread.stop()
    }

    private func drain() async {
        let database = SQLiteSQLDatabase(connection: connection, logger: logger)
        while true {
            // Going idle and taking the close() waiters happen under one lock: a waiter that
            // arrives once another drain has started is that drain's to resume.
            let (batch, idleWaiters) = state.withLock { state -> ([Job], [CheckedContinuation<Void, Never>]) in
                let batch = Array(state.pending.prefix(Self.maxBatch))
                state.pending.removeFirst(batch.count)
                guard batch.isEmpty else { return (batch, []) }
                state.draining = false
                defer { state.idleWaiters = [] }
                return ([], state.idleWaiters)
            }
            if batch.isEmpty {
                for waiter in idleWaiters { waiter.resume() }
                return
            }
            await run(batch, on: database)
        }
    }

    private func run(_ batch: [Job], on database: SQLiteSQLDatabase) async {
        var results: [Result<any Sendable, any Error>] = []
        do {
            try connection.execute("BEGIN IMMEDIATE")
        } catch {
            for job in batch { job.continuation.resume(throwing: error) }
            return
        }
        for job in batch {
            do {
                try connection.execute("SAVEPOINT request")
                let value = try await job.body(database)
                try connection.execute("RELEASE request")
                results.append(.success(value))
            } catch {
                try? connection.execute("ROLLBACK TO request")
                try? connection.execute("RELEASE request")
                results.append(.failure(error))
            }
        }
        do {
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            logger.error("SQLite commit failed: \(error)")
            for job in batch { job.continuation.resume(throwing: error) }
            return
        }
        for (job, result) in zip(batch, results) {
            job.continuation.resume(with: result)
        }
    }
}
