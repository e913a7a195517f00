import ArgumentParser
import Foundation

/// `capstan monitor create|list|show|run|delete`: monitors on a running server.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Monitors: scheduled drift, data-quality, performance and operational checks of a deployment.",
        subcommands: [Create.self, List.self, Show.self, Run.self, Delete.self]
    )

    static var summaryColumns: [(header: String, value: ([String: Any]) -> String)] { [
        ("NAME", { $0["name"] as? String ?? "" }),
        ("DEPLOYMENT", { $0["deployment"] as? String ?? "" }),
        ("KIND", { $0["kind"] as? String ?? "" }),
        ("EVERY", { ($0["schedule_seconds"] as? Double).map(describe(seconds:)) ?? "" }),
        ("LAST RUN", { formatTime(($0["latest_evaluation"] as? [String: Any])?["time"]) }),
        ("STATUS", { ($0["latest_evaluation"] as? [String: Any])?["status"] as? String ?? "never run" }),
        ("HEADLINE", { headline(($0["latest_evaluation"] as? [String: Any]) ?? [:]) }),
    ] }

    /// The evaluation's whole-window numbers, or why it did not evaluate.
    static func headline(_ evaluation: [String: Any]) -> String {
        if let message = evaluation["message"] as? String { return message }
        let metrics = (evaluation["metrics"] as? [[String: Any]] ?? []).filter { ($0["series"] as? String ?? "").isEmpty }
        return metrics.map { "\($0["metric"] as? String ?? "")=\(number($0["value"]))" }.joined(separator: " ")
    }

    static func number(_ value: Any?) -> String {
        guard let value = value as? Double else { return "" }
        if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }

    static func describe(seconds: Double) -> String {
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return "\(number(seconds))s"
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or replace monitors from a YAML (or JSON) file, one per document.",
            discussion: "See the README's Monitoring section for the fields. The first evaluation runs at once.")

        @Option(name: .shortAndLong, help: "The monitor file; - reads standard input.") var file: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let client = try options.client()
                var results: [[String: Any]] = []
                for (index, document) in try SpecFile.documents(file, kind: "monitor").enumerated() {
                    do {
                        results.append(try await client.capstan("POST", "monitors", body: document))
                    } catch {
                        throw CommandFailure("\(file) document \(index + 1): \(error)")
                    }
                }
                try options.print(results, columns: MonitorCommand.summaryColumns)
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List monitors with their latest result.")

        @Option(help: "Only this deployment's monitors.") var deployment: String?
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let path = deployment.map { "monitors?deployment=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0)" } ?? "monitors"
                let reply = try await options.client().capstan("GET", path)
                try options.print(reply["monitors"] as? [[String: Any]] ?? [], columns: MonitorCommand.summaryColumns)
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a monitor's spec and its recent evaluations.")

        @Argument(help: "Monitor name.") var name: String
        @Option(help: "How many evaluations to show.") var limit = 10
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let client = try options.client()
                let monitor = try await client.capstan("GET", "monitors/\(name)")
                let evaluations = try await client.capstan("GET", "monitors/\(name)/evaluations?limit=\(limit)")["evaluations"] as? [[String: Any]] ?? []
                if options.format == .json {
                    var combined = monitor
                    combined["evaluations"] = evaluations
                    try options.print([combined], columns: [])
                    return
                }
                try options.print([monitor], columns: MonitorCommand.summaryColumns)
                if let spec = monitor["spec"] {
                    let text = try JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys])
                    print("\nSpec:\n" + String(decoding: text, as: UTF8.self))
                }
                print("\nEvaluations (newest first):")
                try options.print(evaluations, columns: MonitorCommand.evaluationColumns)
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    static var evaluationColumns: [(header: String, value: ([String: Any]) -> String)] { [
        ("TIME", { formatTime($0["time"]) }),
        ("PREDICTIONS", { ($0["predictions"] as? Int).map(String.init) ?? "" }),
        ("STATUS", { $0["status"] as? String ?? "" }),
        ("RESULT", { evaluationSummary($0) }),
    ] }

    /// A stored evaluation's headline from its result.
    static func evaluationSummary(_ evaluation: [String: Any]) -> String {
        if let message = evaluation["message"] as? String { return message }
        if evaluation["metrics"] != nil { return headline(evaluation) }
        guard let result = evaluation["result"] as? [String: Any] else { return "" }
        if let dataset = result["dataset"] as? [String: Any] {
            return "drift share \(number(dataset["share"])) (\(dataset["drifted_columns"] ?? 0) of \(dataset["columns"] ?? 0) columns), drifted: \(dataset["drifted"] as? Bool ?? false)"
        }
        if let all = result["all"] as? [String: Any] {
            return all.keys.sorted().map { "\($0)=\(number(all[$0]))" }.joined(separator: " ")
        }
        let scalars = result.keys.sorted().compactMap { key in (result[key] as? Double).map { "\(key)=\(number($0))" } }
        return scalars.joined(separator: " ")
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a monitor now (and the alert rules after it), and print the result.")

        @Argument(help: "Monitor name.") var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let evaluation = try await options.client().capstan("POST", "monitors/\(name)/run")
                if options.format == .json {
                    try options.print([evaluation], columns: [])
                    return
                }
                print("\(name): \(evaluation["status"] as? String ?? "") over \(evaluation["predictions"] as? Int ?? 0) predictions")
                if let message = evaluation["message"] as? String { print(message) }
                let metrics = evaluation["metrics"] as? [[String: Any]] ?? []
                if !metrics.isEmpty {
                    print("")
                    try options.print(metrics, columns: [
                        ("METRIC", { $0["metric"] as? String ?? "" }),
                        ("SERIES", { $0["series"] as? String ?? "" }),
                        ("VALUE", { MonitorCommand.number($0["value"]) }),
                    ])
                }
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a monitor and its history.")

        @Argument(help: "Monitor name.") var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                _ = try await options.client().capstan("DELETE", "monitors/\(name)")
                print("Deleted monitor \(name).")
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }
}
