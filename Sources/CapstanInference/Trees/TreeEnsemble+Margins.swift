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
