import ArgumentParser
import CapstanMonitoring
import Foundation

/// `capstan profile DATA.csv`: a data-quality spec derived from reference data, as YAML to
/// edit and then check new data against with `capstan validate`.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Derive a data-quality spec (YAML) from a reference CSV file.",
        discussion: """
        The spec keeps each column's type; a complete column must stay complete, else its \
        null share may grow to the top of a 95% interval; numbers stay within the observed \
        range widened by the tolerance on each side (not below 0 if none was negative); a \
        column with few distinct values (at most --max-categories, and at most a tenth of \
        its values) keeps that set; a column whose values are all distinct stays unique; \
        text keeps its observed lengths; row count and distinct counts stay within the \
        tolerance. Review it before use: it describes this sample, not the truth.
        """
    )

    @Argument(help: "The reference CSV file (the data the model was trained or validated on).")
    var data: String

    @Option(name: .shortAndLong, help: "Write the spec to this file instead of standard output.")
    var output: String?

    @Option(help: "Relative tolerance for the row count, distinct counts and numeric ranges.")
    var tolerance: Double = 0.1

    @Option(name: .customLong("max-categories"), help: "The most distinct values a column may have to get an allowed set.")
    var maxCategories: Int = 20

    @Option(help: "A name for the spec, such as churn_features@3.")
    var schema: String?

    func validate() throws {
        guard tolerance >= 0, tolerance < 1 else { throw ValidationError("--tolerance must be in [0, 1)") }
        guard maxCategories >= 0 else { throw ValidationError("--max-categories must be 0 or more") }
    }

    func run() throws {
        do {
            let table = try DataTable.read(csv: data)
            let spec = DataProfiler(tolerance: tolerance, maxCategories: maxCategories).profile(table, schema: schema)
            let yaml = spec.yaml(comments: [
                "Data-quality spec derived by `capstan profile` from \(data) (\(table.rowCount) rows, \(table.names.count) columns).",
                "Check data against it with: capstan validate --spec SPEC.yaml --data DATA.csv",
            ])
            guard let output else {
                print(yaml, terminator: "")
                return
            }
            do {
                try yaml.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot write \(output): \(error.localizedDescription)")
            }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
