/// Binds frame columns to a tree model's feature vector: by name when the model knows its
/// feature names, else by position.
struct FeatureBinding: Sendable {
    let names: [String]?
    let count: Int

    func matrix(_ frame: FeatureFrame) throws -> [Double] {
        guard let names else {
            guard frame.names.count == count else {
                throw InferenceError.invalidInput("the model takes \(count) features; the input has \(frame.names.count) columns")
            }
            return try frame.matrix(for: "features")
        }
        try Self.checkColumns(of: frame, against: names)
        let ordered = try FeatureFrame(names.map { name in (name, frame.column(named: name)!) })
        return try ordered.matrix(for: "features")
    }

    /// Throws, naming the columns, unless `frame` has exactly the features `names`.
    static func checkColumns(of frame: FeatureFrame, against names: [String]) throws {
        let missing = names.filter { !frame.names.contains($0) }
        if !missing.isEmpty {
            throw InferenceError.invalidInput(
                "missing column\(missing.count == 1 ? "" : "s") \(missing.prefix(5).map { "'\($0)'" }.joined(separator: ", ")) (the model's features: \(names.prefix(10).joined(separator: ", "))\(names.count > 10 ? ", …" : ""))")
        }
        if let extra = frame.names.first(where: { !names.contains($0) }) {
            throw InferenceError.invalidInput("column '\(extra)' is not one of the model's features")
        }
    }
}
