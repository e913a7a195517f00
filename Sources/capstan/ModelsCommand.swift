import ArgumentParser

/// `capstan models …`
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "Work with the model registry on a running server.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered models with their latest versions and aliases.")

        @OptionGroup var options: ClientOptions

        @Option(help: "MLflow search filter, e.g. \"name LIKE 'churn%'\".")
        var filter: String = ""

        func run() async throws {
            let client = try options.client()
            let models = try await client.paged("registered_models", maxItems: .max) { token in
                var query = [("max_results", "1000"), ("filter", filter)]
                if let token { query.append(("page_token", token)) }
                return try await client.get("registered-models/search", query)
            }
            try options.print(models, columns: [
                ("NAME", { $0["name"] as? String ?? "" }),
                ("LATEST", { Self.latestVersion($0) }),
                ("ALIASES", { Self.aliases($0) }),
                ("UPDATED", { formatTime($0["last_updated_timestamp"]) }),
                ("DESCRIPTION", { $0["description"] as? String ?? "" }),
            ])
        }

        static func latestVersion(_ model: [String: Any]) -> String {
            let versions = (model["latest_versions"] as? [[String: Any]] ?? []).compactMap { ($0["version"] as? String).flatMap(Int.init) }
            return versions.max().map(String.init) ?? ""
        }

        static func aliases(_ model: [String: Any]) -> String {
            (model["aliases"] as? [[String: Any]] ?? []).map { "\($0["alias"] as? String ?? "")=v\($0["version"] as? String ?? "")" }
                .joined(separator: " ")
        }
    }
}
