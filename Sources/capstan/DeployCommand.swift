import ArgumentParser
import Foundation
import Yams

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
        let text: String
        do {
            text = file == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                : try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure("Cannot read \(file): \(error.localizedDescription)")
        }
        let documents: [Any]
        do {
            documents = try Yams.load_all(yaml: text).compactMap { $0 }
        } catch {
            throw CommandFailure("\(file) is not valid YAML: \(error)")
        }
        guard !documents.isEmpty else { throw CommandFailure("\(file) holds no deployment") }
        let client = try options.client()
        var results: [[String: Any]] = []
        for (index, document) in documents.enumerated() {
            guard JSONSerialization.isValidJSONObject(document) else {
                throw CommandFailure("\(file) document \(index + 1) is not a mapping of settings")
            }
            do {
                results.append(try await client.capstan("POST", "deployments", body: try JSONSerialization.data(withJSONObject: document)))
            } catch {
                throw CommandFailure("\(file) document \(index + 1): \(error)")
            }
        }
        try options.print(results, columns: DeploymentsCommand.summaryColumns)
    }
}
