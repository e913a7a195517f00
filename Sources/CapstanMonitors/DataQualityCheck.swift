import CapstanJSON
import CapstanMonitoring

/// A data-quality monitor's evaluation: the window's inputs checked against expectations
/// in `capstan profile`'s format, as `capstan validate` checks a file.
enum DataQualityCheck {
    static func parse(_ expectations: JSONValue) throws(MonitorError) -> DataQualitySpec {
        do {
            return try DataQualitySpec(json: expectations)
        } catch {
            throw MonitorError.invalidSpec("expectations: \(error.message)")
        }
    }

    static func evaluate(_ spec: MonitorSpec, current: DataTable, requests: Int) throws -> MonitorOutcome {
        guard let expectations = spec.expectations else { throw MonitorError.invalidData("a data_quality monitor needs expectations") }
        let validation: DataValidation
        do {
            validation = try DataValidation(current, spec: try parse(expectations))
        } catch let error as SpecError {
            throw MonitorError.invalidData("expectations: \(error.message)")
        }
        var metrics = [
            MonitorOutcome.Metric("failed_expectations", Double(validation.failures.count)),
            MonitorOutcome.Metric("expectations", Double(validation.results.count)),
            MonitorOutcome.Metric("rows", Double(current.rowCount)),
        ]
        for result in validation.results {
            let series = [result.column, result.expectation.rawValue].compactMap { $0 }.joined(separator: ".")
            metrics.append(.init("expectation_failed", series: series, result.passed ? 0 : 1))
        }
        return MonitorOutcome(status: .ok, requests: requests, metrics: metrics, details: validation.json())
    }
}
