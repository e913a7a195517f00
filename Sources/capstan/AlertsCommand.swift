import ArgumentParser
import Foundation

/// `capstan alerts create|rules|list|history|delete`: alert rules and their alerts.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Alert rules over monitor results, the alerts they raise, and their history.",
        subcommands: [Create.self, Rules.self, List.self, History.self, Delete.self]
    )

    static func labels(_ value: Any?) -> String {
        guard let labels = value as? [String: Any] else { return "" }
        return labels.keys.sorted().filter { $0 != "alertname" }.map { "\($0)=\(labels[$0] ?? "")" }.joined(separator: " ")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or replace alert rules from a YAML (or JSON) file, one per document.",
            discussion: "See the README's Alerts section for the fields (condition, for, keep_firing_for, labels, annotations, notify).")

        @Option(name: .shortAndLong, help: "The rule file; - reads standard input.") var file: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let client = try options.client()
                var results: [[String: Any]] = []
                for (index, document) in try SpecFile.documents(file, kind: "alert rule").enumerated() {
                    do {
                        results.append(try await client.capstan("POST", "alerts/rules", body: document))
                    } catch {
                        throw CommandFailure("\(file) document \(index + 1): \(error)")
                    }
                }
                try options.print(results, columns: AlertsCommand.ruleColumns)
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    static var ruleColumns: [(header: String, value: ([String: Any]) -> String)] { [
        ("NAME", { $0["name"] as? String ?? "" }),
        ("CONDITION", { rule in
            let spec = rule["spec"] as? [String: Any] ?? [:]
            if let condition = spec["condition"] as? String { return condition }
            return "\(spec["metric"] ?? "") \(spec["operator"] ?? "") \(spec["threshold"] ?? "")"
        }),
        ("FOR", { ($0["spec"] as? [String: Any])?["for"].map { "\($0)" } ?? "0s" }),
        ("SEVERITY", { (($0["spec"] as? [String: Any])?["labels"] as? [String: Any])?["severity"] as? String ?? "" }),
        ("UPDATED", { formatTime($0["last_update_time"]) }),
    ] }

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List alert rules.")
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let reply = try await options.client().capstan("GET", "alerts/rules")
                try options.print(reply["rules"] as? [[String: Any]] ?? [], columns: AlertsCommand.ruleColumns)
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the alerts now pending, firing or recently resolved.")
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let reply = try await options.client().capstan("GET", "alerts")
                try options.print(reply["alerts"] as? [[String: Any]] ?? [], columns: [
                    ("ALERT", { $0["rule"] as? String ?? "" }),
                    ("STATE", { $0["state"] as? String ?? "" }),
                    ("VALUE", { MonitorCommand.number($0["value"]) }),
                    ("SINCE", { formatTime($0["fired_at"] ?? $0["active_at"]) }),
                    ("LABELS", { AlertsCommand.labels($0["labels"]) }),
                    ("SUMMARY", { ($0["annotations"] as? [String: Any])?["summary"] as? String ?? "" }),
                ])
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What happened to alerts: state changes and notifications, newest first.")
        @Option(help: "Only this rule's history.") var rule: String?
        @Option(help: "How many events to show.") var limit = 50
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                var path = "alerts/history?limit=\(limit)"
                if let rule { path += "&rule=\(rule.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? rule)" }
                let reply = try await options.client().capstan("GET", path)
                try options.print(reply["events"] as? [[String: Any]] ?? [], columns: [
                    ("TIME", { formatTime($0["time"]) }),
                    ("ALERT", { $0["rule"] as? String ?? "" }),
                    ("EVENT", { $0["kind"] as? String ?? "" }),
                    ("VALUE", { MonitorCommand.number($0["value"]) }),
                    ("LABELS", { AlertsCommand.labels($0["labels"]) }),
                    ("DETAIL", { $0["message"] as? String ?? "" }),
                ])
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an alert rule and its history.")
        @Argument(help: "Rule name.") var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                _ = try await options.client().capstan("DELETE", "alerts/rules/\(name)")
                print("Deleted alert rule \(name).")
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }
}
