import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import Synchronization

/// The metadata database: one SQL code path over SQLite or PostgreSQL.
///
/// Stores never hold a connection themselves; they ask for one through ``read(_:)`` or
/// ``write(_:)``. On SQLite, writes queue for a single connection (SQLite has one writer;
/// queuing in-process means clients never see "database is locked") and commit in groups
/// (``SQLiteWriteQueue``), and reads use a pool of their own connections that see
/// committed data through WAL. On PostgreSQL both use a connection pool, and every write is a transaction
/// on one pooled connection.
public final class Database: Sendable {
    public enum Engine: String, Sendable {
        case sqlite, postgres
    }

    public let engine: Engine
    let logger: Logger
    private let backend: Backend

    private enum Backend: Sendable {
        case sqlite(SQLiteBackend)
        case postgres(PostgresPool)
    }

    private final class SQLiteBackend: Sendable {
        let path: String
        let writer: SQLiteConnection
        let writes: SQLiteWriteQueue
        let checkpointer: SQLiteCheckpointer
        /// Idle reader connections; a reader is taken out for one `read` call at a time.
        let idleReaders = Mutex<[SQLiteConnection]>([])
        static let maxIdleReaders = 8

        init(path: String, logger: Logger) throws {
            self.path = path
            self.writer = try Self.connect(path)
            // The background checkpointer does most of the copying; the writer's own
            // checkpoint (every ~40 MB of log) only bounds the log's size.
            try writer.execute("PRAGMA wal_autocheckpoint = 10000")
            // The checkpointer first: if it cannot open, no writer thread has started yet.
            self.checkpointer = try SQLiteCheckpointer(path: path)
            self.writes = SQLiteWriteQueue(connection: writer, logger: logger)
        }

        static func connect(_ path: String) throws -> SQLiteConnection {
            let connection = try SQLiteConnection(path: path)
            // The busy timeout first: setting the journal mode takes a lock, and another
            // connection (a checkpoint, a closing server) may hold it for a moment.
            // WAL lets readers proceed while the writer commits; NORMAL sync is durable
            // across process crashes (not power loss), as most embedded servers choose.
            for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
                           "PRAGMA case_sensitive_like = ON", "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -32000"] {
                try connection.execute(pragma)
            }
            return connection
        }

        func takeReader() throws -> SQLiteConnection {
            if let reader = idleReaders.withLock({ $0.popLast() }) { return reader }
            return try Self.connect(path)
        }

        func giveBack(_ reader: SQLiteConnection) {
            let kept = idleReaders.withLock { readers -> Bool in
                guard readers.count < Self.maxIdleReaders else { return false }
                readers.append(reader)
                return true
            }
            if !kept { reader.close() }
        }

        func close() async {
            await writes.close()
            checkpointer.stop()
            for reader in idleReaders.withLock({ readers in defer { readers.removeAll() }; return readers }) {
                reader.close()
            }
            // A last full checkpoint leaves a self-contained database file behind.
            try? writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            writer.close()
        }
    }

    /// AsyncKit's pool predates `Sendable` annotations but is thread-safe by design: every
    /// call hops onto the event loop that owns the per-loop pool, and shutdown takes a lock.
    private struct PostgresPool: @unchecked Sendable {
        let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    }

    private init(engine: Engine, backend: Backend, logger: Logger) {
        self.engine = engine
        self.backend = backend
        self.logger = logger
    }

    /// Opens (creating if needed) the database and brings its schema up to date.
    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> Database {
        let database: Database
        switch location {
        case .sqlite(let path):
            database = try openSQLite(path: path, logger: logger)
        case .postgres(let url):
            database = try openPostgres(url: url, logger: logger)
        }
        do {
            try await Migrator(database: database).migrate()
        } catch {
            await database.close()
            throw error
        }
        return database
    }

    private static func openSQLite(path: String, logger: Logger) throws -> Database {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            return Database(engine: .sqlite, backend: .sqlite(try SQLiteBackend(path: path, logger: logger)), logger: logger)
        } catch {
            throw StoreError.invalidConfiguration("Cannot open the SQLite database at \(path): \(error)")
        }
    }

    private static func openPostgres(url: String, logger: Logger) throws -> Database {
        let configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StoreError.invalidConfiguration("Invalid PostgreSQL URL '\(DatabaseLocation.redacted(url))': \(error)")
        }
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: 8,
            requestTimeout: .seconds(30),
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton
        )
        return Database(engine: .postgres, backend: .postgres(PostgresPool(pool: pool)), logger: logger)
    }

    /// Runs `body` against a connection for reading. Reads see committed data only.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            switch backend {
            case .sqlite(let sqlite):
                let reader = try sqlite.takeReader()
                defer { sqlite.giveBack(reader) }
                return try await body(SQLiteSQLDatabase(connection: reader, logger: logger))
            case .postgres(let postgres):
                return try await body(postgres.pool.database(logger: logger).sql(queryLogLevel: nil))
            }
        } catch {
            throw StoreError.wrap(error)
        }
    }

    /// Runs `body` in one transaction: all its statements commit together or none do.
    ///
    /// A thrown error rolls the transaction back and is rethrown (driver errors become
    /// ``StoreError``).
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            switch backend {
            case .sqlite(let sqlite):
                return try await sqlite.writes.submit(body)
            case .postgres(let postgres):
                return try await postgres.pool.database(logger: logger).sql(queryLogLevel: nil).withSession { connection in
                    try await Self.transaction(on: connection, body)
                }
            }
        } catch {
            throw StoreError.wrap(error)
        }
    }

    private static func transaction<T: Sendable>(
        on connection: any SQLDatabase, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await connection.raw("BEGIN").run()
        do {
            let result = try await body(connection)
            try await connection.raw("COMMIT").run()
            return result
        } catch {
            try? await connection.raw("ROLLBACK").run()
            throw error
        }
    }

    /// Closes every connection. In-flight calls should have finished before this is called.
    public func close() async {
        switch backend {
        case .sqlite(let sqlite):
            await sqlite.close()
        case .postgres(let postgres):
            try? await postgres.pool.shutdownAsync()
        }
    }
}

extension Database {
    /// Succeeds when the database answers a trivial query.
    public func ping() async throws {
        _ = try await read { db in try await db.raw("SELECT 1 AS one").first() }
    }
}
