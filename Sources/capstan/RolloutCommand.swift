import ArgumentParser
import Foundation

/// `capstan rollout status|pause|resume|promote|abort NAME`.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Watch and steer a deployment's canary rollout.",
        subcommands: [Status.self, Pause.self, Resume.self, Promote.self, Abort.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Where the rollout is, and how the canary compares with stable on each rule so far.")

        @Argument(help: "Deployment name.") var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                RolloutCommand.show(try await options.client().capstan("GET", "deployments/\(name)/rollout"), options: options)
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop automatic steps; traffic stays where it is.")
        @Argument(help: "Deployment name.") var name: String
        @OptionGroup var options: ClientOptions
        func run() async throws { try await RolloutCommand.send("pause", name, options) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Continue a paused rollout; the current step's analysis starts afresh.")
        @Argument(help: "Deployment name.") var name: String
        @OptionGroup var options: ClientOptions
        func run() async throws { try await RolloutCommand.send("resume", name, options) }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send all traffic to the canary now.")
        @Argument(help: "Deployment name.") var name: String
        @OptionGroup var options: ClientOptions
        func run() async throws { try await RolloutCommand.send("promote", name, options) }
    }

    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send all traffic back to stable now.")
        @Argument(help: "Deployment name.") var name: String
        @OptionGroup var options: ClientOptions
        func run() async throws { try await RolloutCommand.send("abort", name, options) }
    }

    static func send(_ command: String, _ name: String, _ options: ClientOptions) async throws {
        do {
            show(try await options.client().capstan("POST", "deployments/\(name)/rollout/\(command)"), options: options)
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    static func show(_ status: [String: Any], options: ClientOptions) {
        if options.format == .json {
            let data = (try? JSONSerialization.data(withJSONObject: status, options: [.prettyPrinted, .sortedKeys])) ?? Data()
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let steps = (status["steps"] as? [Double] ?? []).map { $0 == $0.rounded() ? "\(Int($0))%" : "\($0)%" }
        let step = status["step"] as? Int ?? 0
        print("\(status["deployment"] as? String ?? "") revision \(status["revision"] as? Int ?? 0): \(status["phase"] as? String ?? "")")
        print("canary '\(status["canary"] as? String ?? "")' at \(status["canary_weight"] as? Double ?? 0)% (step \(step + 1) of \(steps.count): \(steps.joined(separator: " → "))), stable '\(status["stable"] as? String ?? "")'")
        print("current step: \(status["verdict"] as? String ?? "")")
        let checks = status["checks"] as? [[String: Any]] ?? []
        func number(_ value: Any?) -> String { (value as? Double).map { String(format: "%.4g", $0) } ?? "-" }
        print(TextTable.render(headers: ["RULE", "CANARY", "STABLE", "SAMPLES (C/S)", "RESULT"], rows: checks.map { check in
            [check["rule"] as? String ?? "", number(check["canary"]), number(check["stable"]),
             "\(check["canary_samples"] as? Int ?? 0)/\(check["stable_samples"] as? Int ?? 0)",
             (check["passed"] as? Bool).map { $0 ? "pass" : "FAIL" } ?? "waiting for samples"]
        }))
    }
}
