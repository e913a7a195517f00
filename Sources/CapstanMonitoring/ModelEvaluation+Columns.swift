extension ModelEvaluation {
    /// One column read for an evaluation: its cells as labels, numbers or probabilities,
    /// with the first bad cell named by file, line and column. scikit-learn rejects missing
    /// and non-finite values instead of skipping them, and so does this: dropping rows from
    /// one column would silently misalign the truth with the predictions.
    struct ColumnReader {
        let table: DataTable
        let name: String
        /// "target", "prediction" or "score", for messages.
        let role: String

        var column: DataTable.Column { table.column(named: name)! }

        var holdsText: Bool {
            if case .text = column { true } else { false }
        }

        func failure(row: Int?, _ message: String) -> DataFileError {
            DataFileError(file: table.source, line: row.map(table.line(ofRow:)), column: name, message: message)
        }

        func missing(row: Int) -> DataFileError {
            failure(row: row, "the \(role) is missing; every row needs one (scikit-learn rejects missing values too)")
        }

        /// Class labels: text as written, or numbers.
        func labels() throws(DataFileError) -> [ClassLabel] {
            switch column {
            case .text(let values):
                var labels: [ClassLabel] = []
                labels.reserveCapacity(values.count)
                for (row, value) in values.enumerated() {
                    guard let value else { throw missing(row: row) }
                    labels.append(.text(value))
                }
                return labels
            case .numeric(let values):
                var labels: [ClassLabel] = []
                labels.reserveCapacity(values.count)
                for (row, value) in values.enumerated() {
                    if value.isNaN { throw missing(row: row) }
                    guard value.isFinite else { throw failure(row: row, "a class label must be text or a finite number, not infinity") }
                    labels.append(.number(value))
                }
                return labels
            }
        }

        /// Finite numbers; a text column is reported at its first cell that is not a number.
        func numbers(for purpose: String) throws(DataFileError) -> [Double] {
            switch column {
            case .numeric(let values):
                for (row, value) in values.enumerated() where !value.isFinite {
                    throw value.isNaN ? missing(row: row) : failure(row: row, "\(purpose) needs finite numbers; this \(role) is infinite")
                }
                return values
            case .text(let values):
                for (row, value) in values.enumerated() {
                    guard let value else { throw missing(row: row) }
                    let isNumber = Array(value.utf8).withUnsafeBufferPointer { CellReading.number($0) != nil }
                    if !isNumber { throw failure(row: row, "\(purpose) needs numbers; this \(role) is text") }
                }
                // Unreachable for a column the reader typed as text; kept as a message, not a crash.
                throw failure(row: nil, "\(purpose) needs numbers; the column holds text")
            }
        }

        /// Probabilities of the positive class, each in [0, 1].
        func probabilities() throws(DataFileError) -> [Double] {
            let values = try numbers(for: "--score")
            if let row = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw failure(row: row, "--score must be the probability of the positive class, in [0, 1]; this one is outside")
            }
            return values
        }
    }
}
