import ArgumentParser
import CapstanJSON
import CapstanMonitoring
import Foundation

/// `capstan validate --spec spec.yaml --data DATA.csv`: checks a CSV file against a
/// data-quality spec; exit code 1 when an expectation fails, 2 when a file cannot be used.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a CSV file against a data-quality spec (as capstan profile writes it).",
        discussion: """
        Checks the table (row count, exact columns, duplicate rows) and each listed column \
        (exists, type, null share, range, allowed set, regex, length, uniqueness, distinct \
        count). Per-value checks pass when at least `mostly` of the present values pass. \
        Exit code 0 when every expectation passes, 1 when one fails (each failure is named), \
        2 for a spec or data file that cannot be read, with the file, line and field.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The spec file (YAML or JSON).")
    var spec: String

    @Option(help: "The CSV file to check.")
    var data: String

    @Option(help: "Output: text or json.")
    var format: Format = .text

    @Option(name: .customLong("sample-size"), help: "How many unexpected values each failure quotes.")
    var sampleSize: Int = 5

    func validate() throws {
        guard sampleSize >= 0 else { throw ValidationError("--sample-size must be 0 or more") }
    }

    func run() throws {
        let validation: DataValidation
        do {
            let text: String
            do {
                text = try String(contentsOfFile: spec, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot read \(spec): \(error.localizedDescription)")
            }
            let parsed: DataQualitySpec
            do {
                parsed = try DataQualitySpec(yaml: text)
            } catch {
                throw CommandFailure("\(spec): \(error)")
            }
            let table = try DataTable.read(csv: data)
            validation = try DataValidation(table, spec: parsed, sampleSize: sampleSize)
        } catch {
            throw CommandFailure.exit(error)
        }
        let report = ValidationReportFormat(validation: validation, spec: spec)
        switch format {
        case .text: print(report.text(), terminator: "")
        case .json: print(JSONWriter.string(report.json()))
        }
        if !validation.passed { throw ExitCode(1) }
    }
}
