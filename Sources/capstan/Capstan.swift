import ArgumentParser

/// The `capstan` command: the server and client commands against a running server.
@main
struct Capstan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capstan: MLflow-compatible tracking, artifacts and model registry, and in-process inference, in one binary.",
        version: "0.1.0",
        subcommands: [ServerCommand.self, ExperimentsCommand.self, RunsCommand.self, ModelsCommand.self,
                      DeployCommand.self, DeploymentsCommand.self, RollbackCommand.self, RolloutCommand.self,
                      ExperimentCommand.self, ShadowCommand.self, TokensCommand.self,
                      PredictCommand.self, InspectCommand.self, BenchModelCommand.self, DriftCommand.self,
                      ProfileCommand.self, ValidateCommand.self, EvaluateCommand.self, MonitorCommand.self, AlertsCommand.self]
    )
}
