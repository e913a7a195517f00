extension FeatureFrame {
    /// The rows of `frames` one after another; all must have the same columns.
    public static func concatenating(_ frames: [FeatureFrame]) throws -> FeatureFrame {
        guard let first = frames.first else { return try FeatureFrame([]) }
        if frames.count == 1 { return first }
        let columnsOfEach = frames.map(\.columns)
        let columns = first.names.enumerated().map { index, name -> (name: String, column: Column) in
            let parts = columnsOfEach.map { $0[index] }
            func all<T>(_ extract: (Column) -> [T]?) -> [T] {
                var out: [T] = []
                for part in parts { out.append(contentsOf: extract(part) ?? []) }
                return out
            }
            switch parts[0] {
            case .float32: return (name, .float32(all { if case .float32(let v) = $0 { return v }; return nil }))
            case .float64: return (name, .float64(all { if case .float64(let v) = $0 { return v }; return nil }))
            case .int64: return (name, .int64(all { if case .int64(let v) = $0 { return v }; return nil }))
            case .string: return (name, .string(all { if case .string(let v) = $0 { return v }; return nil }))
            }
        }
        let frame = try FeatureFrame(columns)
        guard frame.rowCount == frames.reduce(0, { $0 + $1.rowCount }) else {
            throw InferenceError.invalidInput("cannot join frames whose columns differ in type")
        }
        return frame
    }
}
