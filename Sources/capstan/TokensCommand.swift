import ArgumentParser
import CapstanHTTP
import CapstanStorage
import Foundation
import Logging

/// `capstan tokens create|list|revoke`: API tokens for a server started with `--auth`.
///
/// These work on the database directly (the same --data-dir or --database as the server),
/// so the first token can be made before any exists.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Create, list and revoke API tokens (for capstan server --auth).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    static func open(_ storage: StorageOptions) async throws -> Database {
        var logger = Logger(label: "capstan")
        logger.logLevel = .warning
        return try await Database.open(try storage.location(), logger: logger)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token and print it once; only its hash is kept.",
            discussion: "Scopes: read (GET and searches), write (read + every change + predict), admin (everything), predict:DEPLOYMENT (call one deployment and send it feedback).")

        @Option(help: "read, write, admin or predict:DEPLOYMENT.") var scope: String
        @Option(help: "A name to recognise the token by.") var name: String = ""
        @OptionGroup var storage: StorageOptions

        func validate() throws {
            do { _ = try AccessScope(parsing: scope) } catch { throw ValidationError("\(error)") }
        }

        func run() async throws {
            let db = try await TokensCommand.open(storage)
            do {
                let made = try await TokenAuthenticator(store: TokenStore(database: db))
                    .create(scope: try AccessScope(parsing: scope), name: name.isEmpty ? scope : name)
                FileHandle.standardError.write(Data("Token \(made.record.id) (scope \(scope)); it is shown only now:\n".utf8))
                print(made.token)
            } catch {
                await db.close()
                throw CommandFailure.exit(error)
            }
            await db.close()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids, names, scopes; never the tokens).")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let db = try await TokensCommand.open(storage)
            let tokens = (try? await TokenStore(database: db).tokens()) ?? []
            await db.close()
            print(TextTable.render(headers: ["ID", "NAME", "SCOPE", "CREATED", "REVOKED"], rows: tokens.map {
                [$0.id, $0.name, $0.scope, formatTime($0.creationTime), $0.revokedTime.map { formatTime($0) } ?? ""]
            }))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; servers refuse it within 30 seconds.")
        @Argument(help: "Token id (from tokens list).") var id: String
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let db = try await TokensCommand.open(storage)
            do {
                try await TokenStore(database: db).revoke(id: id)
            } catch {
                await db.close()
                throw CommandFailure.exit(error)
            }
            await db.close()
            print("Revoked \(id).")
        }
    }
}
