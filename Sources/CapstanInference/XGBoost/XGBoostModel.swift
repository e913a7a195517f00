import Foundation

/// An XGBoost booster saved as JSON (`Booster.save_model("model.json")`, XGBoost 1.6+).
///
/// Trees become one ``TreeEnsemble`` with XGBoost's rule — `x < split_condition` goes to
/// the left child, a missing value goes where `default_left` says — evaluated on features
/// rounded to float32 as XGBoost does. The base score is turned into a margin per the
/// objective, and the objective's transform gives the predictions.
public struct XGBoostModel: Model {
    public static let supportedObjectives = ["binary:logistic", "binary:logitraw", "multi:softprob", "multi:softmax",
                                             "reg:squarederror", "reg:linear", "reg:logistic", "reg:absoluteerror",
                                             "reg:pseudohubererror", "count:poisson", "reg:gamma", "reg:tweedie"]

    public let summary: ModelSummary
    let ensemble: TreeEnsemble
    let baseMargins: [Double]
    let output: TreeModelOutput
    let binding: FeatureBinding

    public init(json data: Data) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InferenceError.invalidModel("not a JSON object")
        }
        guard let learner = root["learner"] as? [String: Any] else {
            throw InferenceError.invalidModel("no 'learner' object: not an XGBoost JSON model")
        }
        let objective = (learner["objective"] as? [String: Any])?["name"] as? String ?? ""
        guard Self.supportedObjectives.contains(objective) else {
            throw InferenceError.unsupported("XGBoost objective '\(objective)' (supported: \(Self.supportedObjectives.joined(separator: ", ")))")
        }
        let booster = learner["gradient_booster"] as? [String: Any] ?? [:]
        let boosterName = booster["name"] as? String ?? ""
        guard boosterName == "gbtree" else {
            throw InferenceError.unsupported("XGBoost booster '\(boosterName)' (only gbtree is supported)")
        }
        let parameters = learner["learner_model_param"] as? [String: Any] ?? [:]
        let classCount = Int(Self.number(parameters["num_class"]) ?? 0)
        let featureCount = Int(Self.number(parameters["num_feature"]) ?? 0)
        let targetCount = Int(Self.number(parameters["num_target"]) ?? 1)
        guard targetCount <= 1 else { throw InferenceError.unsupported("XGBoost multi-target models (num_target \(targetCount))") }

        let margins = objective.hasPrefix("multi:") ? max(classCount, 1) : 1
        switch objective {
        case "binary:logistic": output = .binaryLogistic(scale: 1)
        case "multi:softprob", "multi:softmax": output = .softmax(classes: margins)
        case "reg:logistic": output = .regression(.logistic)
        case "count:poisson", "reg:gamma", "reg:tweedie": output = .regression(.exponential)
        default: output = .regression(.identity)
        }
        // XGBoost 2+ writes the base score in output space ("5E-1"), 3.x as a list per
        // target/class ("[5E-1]"); the margin it starts from is its inverse link.
        let scores = try Self.baseScores(parameters["base_score"])
        let inverse: (Double) -> Double = switch objective {
        case "binary:logistic", "reg:logistic": { p in -Foundation.log(1 / p - 1) }
        case "count:poisson", "reg:gamma", "reg:tweedie": { Foundation.log($0) }
        default: { $0 }
        }
        let baseValues = scores.map(inverse).map { Double(Float($0)) }
        baseMargins = baseValues.count == margins ? baseValues : [Double](repeating: baseValues.first ?? 0, count: margins)

        let model = booster["model"] as? [String: Any] ?? [:]
        guard let trees = model["trees"] as? [[String: Any]] else { throw InferenceError.invalidModel("no trees in gradient_booster.model") }
        let treeInfo = (model["tree_info"] as? [Any])?.compactMap(Self.number).map { Int($0) } ?? []
        guard treeInfo.count == trees.count else {
            throw InferenceError.invalidModel("tree_info lists \(treeInfo.count) entries for \(trees.count) trees")
        }
        var builder = TreeEnsembleBuilder(featurePrecision: .float32, targetCount: margins)
        for (index, tree) in trees.enumerated() {
            guard treeInfo[index] < margins else { throw InferenceError.invalidModel("tree \(index) belongs to class \(treeInfo[index]) of \(margins)") }
            try Self.addTree(tree, index: index, target: Int32(treeInfo[index]), to: &builder)
        }
        ensemble = try builder.build(minimumFeatures: featureCount)
        let names = learner["feature_names"] as? [String]
        binding = FeatureBinding(names: names?.isEmpty == false ? names : nil, count: max(featureCount, ensemble.featureCount))
        let version = (root["version"] as? [Any])?.compactMap(Self.number).map { String(Int($0)) }.joined(separator: ".")
        summary = ModelSummary(
            format: "xgboost", producer: version.map { "xgboost \($0)" },
            inputs: [ModelSummary.Input(name: "features", type: "tensor(float)", shape: [nil, binding.count], featureNames: binding.names)],
            outputs: output.columnNames.map { ModelSummary.Output(name: $0, type: $0 == "label" ? "int64" : "double") },
            outputColumns: output.columnNames, operators: [:], opsets: [:], objective: objective,
            treeCount: trees.count, classCount: output.isClassifier ? max(margins, 2) : nil, featureCount: binding.count
        )
    }

    public func predict(_ frame: FeatureFrame) throws -> FeatureFrame {
        let matrix = try binding.matrix(frame)
        var margins = ensemble.margins(matrix, rows: frame.rowCount, base: baseMargins)
        // XGBoost sums in float32; rounding the sum keeps the last digits where XGBoost has them.
        for i in margins.indices { margins[i] = Double(Float(margins[i])) }
        return output.frame(margins: margins, rows: frame.rowCount)
    }

    private static func addTree(_ tree: [String: Any], index: Int, target: Int32, to builder: inout TreeEnsembleBuilder) throws {
        func ints(_ key: String) throws -> [Int] {
            guard let values = tree[key] as? [Any] else { throw InferenceError.invalidModel("tree \(index) has no '\(key)'") }
            return values.compactMap(number).map { Int($0) }
        }
        func doubles(_ key: String) throws -> [Double] {
            guard let values = tree[key] as? [Any] else { throw InferenceError.invalidModel("tree \(index) has no '\(key)'") }
            return values.compactMap(number)
        }
        let left = try ints("left_children"), right = try ints("right_children")
        let features = try ints("split_indices"), conditions = try doubles("split_conditions")
        let defaultLeft = try ints("default_left")
        let splitTypes = (tree["split_type"] as? [Any])?.compactMap(number).map { Int($0) } ?? []
        let count = left.count
        guard right.count == count, features.count == count, conditions.count == count, defaultLeft.count == count else {
            throw InferenceError.invalidModel("tree \(index) arrays differ in length")
        }
        if splitTypes.contains(where: { $0 != 0 }) {
            throw InferenceError.unsupported("XGBoost categorical splits (tree \(index))")
        }
        if let parameters = tree["tree_param"] as? [String: Any], let size = number(parameters["size_leaf_vector"]), size > 1 {
            throw InferenceError.unsupported("XGBoost vector leaves (size_leaf_vector \(Int(size)))")
        }
        var nodes: [TreeEnsembleBuilder.Node] = []
        nodes.reserveCapacity(count)
        for i in 0..<count {
            if left[i] == -1 {
                nodes.append(.leaf([(target, Double(Float(conditions[i])))]))
            } else {
                guard left[i] > 0, left[i] < count, right[i] > 0, right[i] < count else {
                    throw InferenceError.invalidModel("tree \(index) node \(i) has a child out of range")
                }
                nodes.append(.split(feature: features[i], threshold: Double(Float(conditions[i])), test: .less,
                                    trueChild: left[i], falseChild: right[i],
                                    flags: defaultLeft[i] != 0 ? .missingGoesTrue : []))
            }
        }
        try builder.addTree(nodes, root: 0)
    }

    /// A JSON number, or a number written as a string (XGBoost writes parameters as strings).
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let d as Double: return d
        case let i as Int: return Double(i)
        case let n as NSNumber: return n.doubleValue
        case let s as String: return Double(s)
        default: return nil
        }
    }

    private static func baseScores(_ value: Any?) throws -> [Double] {
        if let n = number(value) { return [n] }
        if let text = value as? String {
            let inner = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            let values = inner.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            if !values.isEmpty { return values }
        }
        if let list = value as? [Any] { return list.compactMap(number) }
        throw InferenceError.invalidModel("learner_model_param.base_score is missing or unreadable")
    }
}
