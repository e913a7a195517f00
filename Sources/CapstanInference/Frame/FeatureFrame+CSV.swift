extension FeatureFrame {
    /// The frame as CSV text with a header row; numbers in their shortest exact form
    /// (a float32 prints as the shortest decimal that reads back as the same float32),
    /// missing values as empty fields.
    public func csv() -> String {
        var out = names.map(CSVTable.escape).joined(separator: ",") + "\n"
        let columns = self.columns
        out.reserveCapacity(rowCount * columns.count * 12)
        for row in 0..<rowCount {
            let start = out.endIndex
            for (index, column) in columns.enumerated() {
                if index > 0 { out += "," }
                switch column {
                case .float32(let v): if !v[row].isNaN { out += v[row].description }
                case .float64(let v): if !v[row].isNaN { out += v[row].description }
                case .int64(let v): out += v[row].description
                case .string(let v): out += CSVTable.escape(v[row])
                }
            }
            // A row of empty fields would read as a blank line: quote its first field.
            if out[start...].allSatisfy({ $0 == "," }) { out.insert(contentsOf: "\"\"", at: start) }
            out += "\n"
        }
        return out
    }
}
