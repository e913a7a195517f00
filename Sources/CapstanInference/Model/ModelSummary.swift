/// A model's description: format, inputs and outputs, and what it is built of.
public struct ModelSummary: Sendable, Equatable, Codable {
    /// A declared input: a tensor with an element type and a shape whose unknown
    /// dimensions (usually the batch) are nil.
    public struct Input: Sendable, Equatable, Codable {
        public var name: String
        public var type: String
        public var shape: [Int?]
        /// For inputs that take several features (an [N, F] matrix), their names when known.
        public var featureNames: [String]?
        /// For string inputs, the categories the model lists for them (when its graph does).
        public var categories: [String]?

        public init(name: String, type: String, shape: [Int?], featureNames: [String]? = nil, categories: [String]? = nil) {
            self.name = name
            self.type = type
            self.shape = shape
            self.featureNames = featureNames
            self.categories = categories
        }
    }

    public struct Output: Sendable, Equatable, Codable {
        public var name: String
        public var type: String
    }

    public var format: String
    public var producer: String?
    public var inputs: [Input]
    public var outputs: [Output]
    /// The CSV columns `predict` writes, in order.
    public var outputColumns: [String]
    /// Operator counts (ONNX) by "domain:name".
    public var operators: [String: Int]
    /// Opset per domain (ONNX).
    public var opsets: [String: Int]
    /// Objective (XGBoost, LightGBM).
    public var objective: String?
    public var treeCount: Int?
    public var classCount: Int?
    public var featureCount: Int?
}
