import ArgumentParser

/// `capstan experiments …`
struct ExperimentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiments", abstract: "Work with experiments on a running server.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List experiments, newest first.")

        @OptionGroup var options: ClientOptions

        @Option(help: "Which experiments: active, deleted or all.")
        var view: String = "active"

        @Option(help: "MLflow search filter, e.g. \"name LIKE 'churn%'\".")
        var filter: String = ""

        func validate() throws {
            guard ["active", "deleted", "all"].contains(view) else {
                throw ValidationError("--view must be active, deleted or all, got '\(view)'.")
            }
        }

        func run() async throws {
            let client = try options.client()
            let viewType = ["active": "ACTIVE_ONLY", "deleted": "DELETED_ONLY", "all": "ALL"][view]!
            let experiments = try await client.paged("experiments", maxItems: .max) { token in
                var body: [String: Any] = ["max_results": 1000, "view_type": viewType, "filter": filter]
                if let token { body["page_token"] = token }
                return try await client.post("experiments/search", body)
            }
            try options.print(experiments, columns: [
                ("ID", { $0["experiment_id"] as? String ?? "" }),
                ("NAME", { $0["name"] as? String ?? "" }),
                ("STAGE", { $0["lifecycle_stage"] as? String ?? "" }),
                ("CREATED", { formatTime($0["creation_time"]) }),
                ("ARTIFACT LOCATION", { $0["artifact_location"] as? String ?? "" }),
            ])
        }
    }
}
