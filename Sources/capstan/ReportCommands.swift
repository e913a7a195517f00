import ArgumentParser
import Foundation

/// `capstan experiment report NAME`.
struct ExperimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment", abstract: "A/B tests between a deployment's variants.", subcommands: [Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per variant: requests, the feedback metric with a 95% interval, the p-value against the first variant, and the samples still needed for 80% power.")

        @Argument(help: "Deployment name.") var name: String
        @Option(help: "accuracy, mean_reward or error_rate (default: whichever feedback there is).") var metric: String?
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let path = "deployments/\(name)/experiment" + (metric.map { "?metric=\($0)" } ?? "")
                let report = try await options.client().capstan("GET", path)
                if options.format == .table {
                    print("\(name) revision \(report["revision"] as? Int ?? 0): \(report["metric"] as? String ?? ""), control '\(report["control"] as? String ?? "")'")
                }
                func number(_ value: Any?) -> String { (value as? Double).map { String(format: "%.4g", $0) } ?? "-" }
                try options.print(report["variants"] as? [[String: Any]] ?? [], columns: [
                    ("VARIANT", { $0["variant"] as? String ?? "" }),
                    ("REQUESTS", { String($0["requests"] as? Int ?? 0) }),
                    ("SAMPLES", { String($0["samples"] as? Int ?? 0) }),
                    ("VALUE", { number($0["value"]) }),
                    ("95% CI", { "[\(number($0["ci_low"])), \(number($0["ci_high"]))]" }),
                    ("DIFF", { number($0["difference"]) }),
                    ("P-VALUE", { number($0["p_value"]) }),
                    ("STILL NEEDED", { ($0["samples_still_needed"] as? Int).map(String.init) ?? "-" }),
                ])
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }
}

/// `capstan shadow report NAME`.
struct ShadowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadow", abstract: "Shadow deployments' agreement with the primary.", subcommands: [Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per shadow: requests compared, same-label rate, mean absolute score difference, errors, latency.")

        @Argument(help: "Deployment name.") var name: String
        @OptionGroup var options: ClientOptions

        func run() async throws {
            do {
                let report = try await options.client().capstan("GET", "deployments/\(name)/shadows")
                func number(_ value: Any?) -> String { (value as? Double).map { String(format: "%.4g", $0) } ?? "-" }
                try options.print(report["shadows"] as? [[String: Any]] ?? [], columns: [
                    ("SHADOW", { $0["shadow"] as? String ?? "" }),
                    ("MODEL", { "\($0["model"] as? String ?? "")/\($0["version"] as? Int ?? 0)" }),
                    ("COMPARED", { String($0["compared"] as? Int ?? 0) }),
                    ("SAME LABEL", { number($0["same_label_rate"]) }),
                    ("MEAN |ΔSCORE|", { number($0["mean_abs_score_difference"]) }),
                    ("ERRORS", { String($0["errors"] as? Int ?? 0) }),
                    ("P50/P99 MS", { "\(number($0["latency_p50_ms"]))/\(number($0["latency_p99_ms"]))" }),
                    ("PRIMARY P50/P99 MS", { "\(number($0["primary_latency_p50_ms"]))/\(number($0["primary_latency_p99_ms"]))" }),
                ])
            } catch {
                throw CommandFailure.exit(error)
            }
        }
    }
}
