/// Why alerting could not evaluate a rule or read back its saved state.
public enum AlertingError: Error, Equatable, CustomStringConvertible {
    /// Two samples gave the same label set once the rule's labels were applied, so they would
    /// be one alert with two values (Prometheus' `ErrDuplicateAlertLabelSet`): the metric's
    /// labels do not tell its series apart.
    case duplicateLabelSet(rule: String, labels: String)
    /// Saved state that does not decode, with the field at fault.
    case invalidState(String)

    public var description: String {
        switch self {
        case .duplicateLabelSet(let rule, let labels):
            "rule '\(rule)': two samples have the label set \(labels) once the rule's labels are applied; the metric's labels must tell its series apart"
        case .invalidState(let message): "saved alert state: \(message)"
        }
    }
}
