extension TreeEnsemble {
    /// Sums the trees for every row of a row-major `rows × featureCount` matrix, starting
    /// each row's targets from `base`; returns `rows × targetCount` margins.
    func margins(_ matrix: [Double], rows: Int, base: [Double]) -> [Double] {
        var features = matrix
        if featurePrecision == .float32 {
            for i in features.indices { features[i] = Double(Float(features[i])) }
        }
        var out = [Double](repeating: 0, count: rows * targetCount)
        let width = matrix.count / Swift.max(rows, 1)
        for r in 0..<rows {
            for t in 0..<targetCount { out[r * targetCount + t] = base[t] }
        }
        features.withUnsafeBufferPointer { features in
            out.withUnsafeMutableBufferPointer { out in
                if rows > 0 { sum(features.baseAddress!, rows: rows, width: width, into: out.baseAddress!) }
            }
        }
        return out
    }
}

/// Binds frame columns to a tree model's feature vector: by name when the model knows its
/// feature names, else by position.
struct FeatureBinding: Sendable {
    let names: [String]?
    let count: Int

    func matrix(_ frame: FeatureFrame) throws -> [Double] {
        if let names {
            let missing = names.filter { !frame.names.contains($0) }
            if !missing.isEmpty {
                throw InferenceError.invalidInput(
                    "missing column\(missing.count == 1 ? "" : "s") \(missing.prefix(5).map { "'\($0)'" }.joined(separator: ", ")) (the model's features: \(names.prefix(10).joined(separator: ", "))\(names.count > 10 ? ", …" : ""))")
            }
            if let extra = frame.names.first(where: { !names.contains($0) }) {
                throw InferenceError.invalidInput("column '\(extra)' is not one of the model's features")
            }
            let ordered = try FeatureFrame(names.map { name in (name, frame.column(named: name)!) })
            return try ordered.matrix(for: "features")
        }
        guard frame.names.count == count else {
            throw InferenceError.invalidInput("the model takes \(count) features; the input has \(frame.names.count) columns")
        }
        return try frame.matrix(for: "features")
    }
}
