import ArgumentParser
import Foundation

/// `capstan deployments list|show|history`.
struct DeploymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployments", abstract: "Inspect deployments on a running server.",
        subcommands: [List.self, Show.self, History.self]
    )

    /// One line per deployment: what serves and since when.
    static var summaryColumns: [(header: String, value: ([String: Any]) -> String)] { [
        ("NAME", { $0["name"] as? String ?? "" }),
        ("REVISION", { ($0["active_revision"] as? Int).map(String.init) ?? "-" }),
        ("STATUS", { $0["status"] as? String ?? "" }),
        ("VARIANTS", { variants($0) }),
        ("SHADOWS", { shadows($0) }),
        ("UPDATED", { formatTime($0["last_update_time"]) }),
    ] }

    static func variants(_ deployment: [String: Any]) -> String {
        (deployment["variants"] as? [[String: Any]] ?? []).map { variant in
            let weight = (variant["weight"] as? Double).map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "?"
            return "\(variant["name"] as? String ?? "")=\(variant["model"] as? String ?? "")/\(variant["version"] as? Int ?? 0)@\(weight)"
        }.joined(separator: " ")
    }

    static func shadows(_ deployment: [String: Any]) -> String {
        (deployment["shadows"] as? [[String: Any]] ?? []).map {
            "\($0["name"] as? String ?? "")=\($0["model"] as? String ?? "")/\($0["version"] as? Int ?? 0)"
        }.joined(separator: " ")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deployments and the revision each serves.")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let reply = try await options.client().capstan("GET", "deployments")
                try options.print(reply["deployments"] as? [[String: Any]] ?? [], columns: DeploymentsCommand.summaryColumns)
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a deployment: what serves, and the active revision's spec.")

        @Argument(help: "Deployment name.") var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let deployment = try await options.client().capstan("GET", "deployments/\(name)")
                if options.format == .json {
                    try options.print([deployment], columns: [])
                    return
                }
                try options.print([deployment], columns: DeploymentsCommand.summaryColumns)
                if let revision = deployment["revision"] as? [String: Any], let spec = revision["spec"] {
                    let text = try JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys])
                    print("\nRevision \(revision["revision"] as? Int ?? 0) (\(revision["state"] as? String ?? "")): \(revision["message"] as? String ?? "")")
                    print(String(decoding: text, as: UTF8.self))
                }
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything that happened to a deployment: revisions made, activated, failed, rolled back, and rollout decisions.")

        @Argument(help: "Deployment name.") var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let reply = try await options.client().capstan("GET", "deployments/\(name)/events")
                try options.print(reply["events"] as? [[String: Any]] ?? [], columns: [
                    ("TIME", { formatTime($0["time"]) }),
                    ("REVISION", { ($0["revision"] as? Int).map(String.init) ?? "" }),
                    ("EVENT", { $0["kind"] as? String ?? "" }),
                    ("MESSAGE", { $0["message"] as? String ?? "" }),
                ])
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }
}

/// `capstan rollback NAME [--to REVISION]`.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Switch a deployment back to an earlier revision in one step.",
        discussion: "Without --to, goes back to the revision that served before the current one."
    )

    @Argument(help: "Deployment name.") var name: String
    @Option(help: "The revision to serve.") var to: Int?
    @OptionGroup var options: ClientOptions

    func run() async throws {
        do {
            let body = try JSONSerialization.data(withJSONObject: to.map { ["revision": $0] } ?? [:])
            let deployment = try await options.client().capstan("POST", "deployments/\(name)/rollback", body: body)
            try options.print([deployment], columns: DeploymentsCommand.summaryColumns)
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
