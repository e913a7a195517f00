/// One value of a rule's metric at an evaluation, with the labels that say what it measures
/// (`monitor`, `deployment`, `feature`); the server resolves the metric into these.
public struct AlertSample: Sendable, Equatable {
    public var labels: [String: String]
    public var value: Double

    public init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }
}
