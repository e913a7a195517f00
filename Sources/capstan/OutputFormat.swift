import ArgumentParser
import Foundation

/// How client commands print results: an aligned table for people, JSON for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Options every client command shares.
struct ClientOptions: ParsableArguments {
    @Option(help: "URL of the Capstan server.")
    var server: String = ProcessInfo.processInfo.environment["CAPSTAN_SERVER"] ?? "http://127.0.0.1:5050"

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    @Option(help: "API token for a server started with --auth (default: CAPSTAN_TOKEN, else MLFLOW_TRACKING_TOKEN).")
    var token: String?

    /// The token given, else the environment's: read when used, so `--help` never shows a secret.
    var resolvedToken: String? {
        token ?? ProcessInfo.processInfo.environment["CAPSTAN_TOKEN"] ?? ProcessInfo.processInfo.environment["MLFLOW_TRACKING_TOKEN"]
    }

    func client() throws -> ServerClient {
        do {
            return try ServerClient(server: server, token: resolvedToken)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Prints `items` as JSON (the server's objects, unchanged) or as a table of `columns`.
    func print(_ items: [[String: Any]], columns: [(header: String, value: ([String: Any]) -> String)]) throws {
        switch format {
        case .json:
            let data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys])
            Swift.print(String(decoding: data, as: UTF8.self))
        case .table:
            let rows = items.map { item in columns.map { $0.value(item) } }
            Swift.print(TextTable.render(headers: columns.map(\.header), rows: rows))
        }
    }
}

/// Renders left-aligned columns separated by two spaces.
enum TextTable {
    static func render(headers: [String], rows: [[String]]) -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

/// Formats an epoch-milliseconds value as local time, or "" when absent.
func formatTime(_ value: Any?) -> String {
    guard let millis = (value as? NSNumber)?.doubleValue else { return "" }
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: millis / 1000))
}

func tagValue(_ item: [String: Any], _ key: String) -> String? {
    (item["tags"] as? [[String: Any]])?.first { $0["key"] as? String == key }?["value"] as? String
}
