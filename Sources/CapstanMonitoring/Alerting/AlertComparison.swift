/// How a rule compares its metric with the threshold, as PromQL's filtering comparison
/// operators do (`metric > 0.5` keeps the samples above 0.5; each kept sample is an alert).
///
/// Comparisons follow IEEE 754 as PromQL's do in Go: NaN satisfies only `!=`.
public enum AlertComparison: String, Sendable, CaseIterable {
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="
    case equal = "=="
    case notEqual = "!="

    /// Whether `value` meets the condition against `threshold`.
    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .greater: value > threshold
        case .greaterOrEqual: value >= threshold
        case .less: value < threshold
        case .lessOrEqual: value <= threshold
        case .equal: value == threshold
        case .notEqual: value != threshold
        }
    }
}
