import Foundation

/// A loaded model that turns rows of features into rows of predictions.
///
/// Implementations are immutable after loading and safe to call from many threads at
/// once; `predict` allocates per call and shares nothing between calls.
public protocol Model: Sendable {
    /// What the model is and what it expects, for `capstan inspect` and for binding inputs.
    var summary: ModelSummary { get }

    /// One output row per input row, columns named as ``ModelSummary/outputColumns`` says.
    ///
    /// Throws ``InferenceError/invalidInput(_:)`` naming the column when `frame` lacks a
    /// column the model needs, has one it does not use, or holds a type that does not convert.
    func predict(_ frame: FeatureFrame) throws -> FeatureFrame
}

/// Loads model files, recognising the format from the content.
public enum ModelFile {
    /// Loads an ONNX (`.onnx`), XGBoost JSON (`.json`) or LightGBM text (`.txt`) model.
    ///
    /// ```swift
    /// let model = try ModelFile.load(URL(filePath: "churn.onnx"))
    /// let rows = try FeatureFrame(csv: String(contentsOfFile: "customers.csv", encoding: .utf8))
    /// let predictions = try model.predict(rows)
    /// ```
    public static func load(_ url: URL) throws -> any Model {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw InferenceError.invalidModel("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try load(data, name: url.lastPathComponent)
    }

    /// Loads a model from its bytes; `name` is used in messages.
    public static func load(_ data: Data, name: String = "model") throws -> any Model {
        let head = String(decoding: data.prefix(64), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if head.hasPrefix("{") {
            return try XGBoostModel(json: data)
        }
        if head.hasPrefix("tree") {
            return try LightGBMModel(text: String(decoding: data, as: UTF8.self))
        }
        return try ONNXGraphModel(data: data)
    }
}
