import ArgumentParser
import Foundation

/// `capstan runs …`
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "Work with runs on a running server.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the runs of an experiment, newest first.")

        @OptionGroup var options: ClientOptions

        @Option(help: "Experiment name.")
        var experiment: String

        @Option(help: "MLflow search filter, e.g. \"metrics.accuracy > 0.9\".")
        var filter: String = ""

        @Option(name: .customLong("order-by"), help: "Sort key, e.g. \"metrics.accuracy DESC\" (repeatable).")
        var orderBy: [String] = []

        @Option(name: .customLong("max-results"), help: "Most runs to list.")
        var maxResults: Int = 1000

        func validate() throws {
            guard maxResults > 0 else { throw ValidationError("--max-results must be positive.") }
        }

        func run() async throws {
            let client = try options.client()
            let found = try await client.get("experiments/get-by-name", [("experiment_name", experiment)])
            guard let experimentId = (found["experiment"] as? [String: Any])?["experiment_id"] as? String else {
                throw ValidationError("No experiment named '\(experiment)'.")
            }
            let runs = try await client.paged("runs", maxItems: maxResults) { token in
                var body: [String: Any] = [
                    "experiment_ids": [experimentId], "filter": filter, "order_by": orderBy,
                    "max_results": min(maxResults, 1000),
                ]
                if let token { body["page_token"] = token }
                return try await client.post("runs/search", body)
            }
            try options.print(runs, columns: [
                ("RUN ID", { Self.info($0)["run_id"] as? String ?? "" }),
                ("NAME", { Self.info($0)["run_name"] as? String ?? "" }),
                ("STATUS", { Self.info($0)["status"] as? String ?? "" }),
                ("STARTED", { formatTime(Self.info($0)["start_time"]) }),
                ("METRICS", { Self.metrics($0) }),
            ])
        }

        static func info(_ run: [String: Any]) -> [String: Any] {
            run["info"] as? [String: Any] ?? [:]
        }

        static func metrics(_ run: [String: Any]) -> String {
            let metrics = (run["data"] as? [String: Any])?["metrics"] as? [[String: Any]] ?? []
            return metrics.map { metric in
                let value = (metric["value"] as? NSNumber).map { String(format: "%.4g", $0.doubleValue) } ?? "\(metric["value"] ?? "")"
                return "\(metric["key"] as? String ?? "")=\(value)"
            }.joined(separator: " ")
        }
    }
}
