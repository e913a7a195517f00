import ArgumentParser
import Foundation

/// `capstan deploy -f deployment.yaml`: applies each deployment document in the file.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Create or update deployments from a YAML (or JSON) file.",
        discussion: """
            Each document in the file (separated by ---) is one deployment. Applying makes a new \
            revision: its models load and warm up before traffic moves to it, and if one fails \
            to load the current revision keeps serving. Applying an unchanged spec changes nothing.
            """
    )

    @Option(name: .shortAndLong, help: "The deployment file; - reads standard input.")
    var file: String

    @OptionGroup var options: ClientOptions

    func run() async throws {
        do {
            try await apply()
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    private func apply() async throws {
        let documents = try SpecFile.documents(file, kind: "deployment")
        let client = try options.client()
        var results: [[String: Any]] = []
        for (index, document) in documents.enumerated() {
            do {
                results.append(try await client.capstan("POST", "deployments", body: document))
            } catch {
                throw CommandFailure("\(file) document \(index + 1): \(error)")
            }
        }
        try options.print(results, columns: DeploymentsCommand.summaryColumns)
    }
}
