import Foundation

/// A LightGBM model saved as text (`Booster.save_model("model.txt")`).
///
/// Splits follow LightGBM's rules exactly: `x <= threshold` goes left; each split's
/// decision type says whether missing values are none (NaN reads as 0), zero (0 and NaN
/// take the default side) or NaN (NaN takes the default side); categorical splits go left
/// for categories in the split's bitset. Arithmetic is in double, as LightGBM's.
public struct LightGBMModel: Model {
    public static let supportedObjectives = ["binary", "multiclass", "softmax", "multiclassova", "ova", "regression",
                                             "regression_l2", "l2", "mean_squared_error", "mse", "regression_l1", "l1",
                                             "huber", "fair", "quantile", "mape", "poisson", "gamma", "tweedie",
                                             "cross_entropy", "xentropy", "cross_entropy_lambda", "xentlambda", "lambdarank", "rank_xendcg"]

    public let summary: ModelSummary
    let ensemble: TreeEnsemble
    let output: TreeModelOutput
    let featureNames: [String]
    /// For categorical features trained from pandas categories: category → code.
    let categoryCodes: [Int: CategoryCodes]
    /// Random-forest mode averages the trees instead of summing them.
    let averageOver: Int?

    public init(text: String) throws {
        var header: [String: String] = [:]
        var trees: [[String: String]] = []
        var current: [String: String]?
        var pandasCategorical: String?
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("Tree=") {
                if let current { trees.append(current) }
                current = [:]
                continue
            }
            if line == "end of trees" {
                if let current { trees.append(current) }
                current = nil
                continue
            }
            if line.hasPrefix("pandas_categorical:") {
                pandasCategorical = String(line.dropFirst("pandas_categorical:".count))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                if line == "average_output" && current == nil { header["average_output"] = "1" }
                continue
            }
            let key = String(line[..<equals]), value = String(line[line.index(after: equals)...])
            if current != nil { current![key] = value } else if trees.isEmpty && header[key] == nil { header[key] = value }
        }
        if let current { trees.append(current) }
        guard header["version"] != nil || header["num_class"] != nil else {
            throw InferenceError.invalidModel("not a LightGBM text model (no header)")
        }
        guard !trees.isEmpty else { throw InferenceError.invalidModel("the LightGBM model has no trees") }

        let objectiveLine = header["objective"] ?? "regression"
        let objectiveParts = objectiveLine.split(separator: " ").map(String.init)
        let objective = objectiveParts.first ?? "regression"
        guard Self.supportedObjectives.contains(objective) else {
            throw InferenceError.unsupported("LightGBM objective '\(objective)' (supported: \(Self.supportedObjectives.joined(separator: ", ")))")
        }
        func parameter(_ name: String) -> Double? {
            objectiveParts.first { $0.hasPrefix(name + ":") }.flatMap { Double($0.dropFirst(name.count + 1)) }
        }
        let classCount = Int(header["num_class"] ?? "1") ?? 1
        let perIteration = Int(header["num_tree_per_iteration"] ?? "\(classCount)") ?? classCount
        switch objective {
        case "binary": output = .binaryLogistic(scale: parameter("sigmoid") ?? 1)
        case "multiclass", "softmax": output = .softmax(classes: classCount)
        case "multiclassova", "ova": output = .oneVersusAll(classes: classCount, scale: parameter("sigmoid") ?? 1)
        case "poisson", "gamma", "tweedie": output = .regression(.exponential)
        case "cross_entropy", "xentropy": output = .regression(.logistic)
        case "cross_entropy_lambda", "xentlambda": output = .regression(.softplus)
        case "regression", "regression_l2", "l2", "mean_squared_error", "mse", "regression_l1", "l1", "quantile", "mape":
            // Trained on the square root of the target (reg_sqrt): predictions are squared back.
            output = .regression(objectiveParts.contains("sqrt") ? .signedSquare : .identity)
        default: output = .regression(.identity)
        }
        guard perIteration == output.marginCount else {
            throw InferenceError.invalidModel("num_tree_per_iteration \(perIteration) does not fit objective '\(objectiveLine)'")
        }

        let maxFeature = Int(header["max_feature_idx"] ?? "-1") ?? -1
        let names = header["feature_names"]?.split(separator: " ").map(String.init) ?? []
        featureNames = names.count == maxFeature + 1 ? names : (0...max(maxFeature, 0)).map { "Column_\($0)" }

        var builder = TreeEnsembleBuilder(featurePrecision: .float64, targetCount: perIteration)
        for (index, tree) in trees.enumerated() {
            try Self.addTree(tree, index: index, target: Int32(index % perIteration), to: &builder)
        }
        ensemble = try builder.build(minimumFeatures: maxFeature + 1)
        averageOver = header["average_output"] != nil ? max(1, trees.count / perIteration) : nil
        categoryCodes = try Self.categoryCodes(pandasCategorical, featureInfos: header["feature_infos"])

        summary = ModelSummary(
            format: "lightgbm", producer: header["version"].map { "LightGBM \($0)" },
            inputs: [ModelSummary.Input(name: "features", type: "tensor(double)", shape: [nil, featureNames.count], featureNames: featureNames)],
            outputs: output.columnNames.map { ModelSummary.Output(name: $0, type: $0 == "label" ? "int64" : "double") },
            outputColumns: output.columnNames, operators: [:], opsets: [:], objective: objectiveLine,
            treeCount: trees.count, classCount: output.isClassifier ? max(classCount, 2) : nil, featureCount: featureNames.count
        )
    }

    public func predict(_ frame: FeatureFrame) throws -> FeatureFrame {
        var margins = ensemble.margins(try matrix(frame), rows: frame.rowCount, base: [Double](repeating: 0, count: output.marginCount))
        if let averageOver {
            for i in margins.indices { margins[i] /= Double(averageOver) }
        }
        return output.frame(margins: margins, rows: frame.rowCount)
    }

    /// The feature matrix, by column name; string categories become their training codes.
    private func matrix(_ frame: FeatureFrame) throws -> [Double] {
        try FeatureBinding.checkColumns(of: frame, against: featureNames)
        let width = featureNames.count, rows = frame.rowCount
        var out = [Double](repeating: 0, count: rows * width)
        for (f, name) in featureNames.enumerated() {
            let index = frame.names.firstIndex(of: name)!
            let column = frame.column(at: index)
            let values: [Double]
            if let codes = categoryCodes[f] {
                // pandas categories: LightGBM saw each value's position in the training
                // categories; values unseen in training read as missing, as in LightGBM.
                values = column.strings(sourceText: frame.sourceText(of: index)).map(codes.code)
            } else if case .string = column {
                throw InferenceError.invalidInput("column '\(name)' holds text; the model's feature '\(name)' is numeric")
            } else {
                values = try column.doubles(column: name, for: "features")
            }
            for r in 0..<rows { out[r * width + f] = values[r] }
        }
        // LightGBM keeps only values with |v| > 1e-35 (as float) and reads the rest as 0.
        let zero = Double(Float(1e-35))
        for i in out.indices where out[i].magnitude <= zero { out[i] = 0 }
        return out
    }

    private static func addTree(_ tree: [String: String], index: Int, target: Int32, to builder: inout TreeEnsembleBuilder) throws {
        func numbers(_ key: String) throws -> [Double] {
            guard let line = tree[key] else { throw InferenceError.invalidModel("tree \(index) has no '\(key)'") }
            return try line.split(separator: " ").map { token in
                guard let value = Double(token) else { throw InferenceError.invalidModel("tree \(index) '\(key)' holds '\(token.prefix(20))'") }
                return value
            }
        }
        if tree["is_linear"] == "1" { throw InferenceError.unsupported("LightGBM linear trees (tree \(index))") }
        guard let leaves = Int(tree["num_leaves"] ?? ""), leaves >= 1 else { throw InferenceError.invalidModel("tree \(index) has no num_leaves") }
        let leafValues = try numbers("leaf_value")
        guard leafValues.count == leaves else { throw InferenceError.invalidModel("tree \(index) has \(leafValues.count) leaf values for \(leaves) leaves") }
        if leaves == 1 {
            try builder.addTree([.leaf([(target, leafValues[0])])], root: 0)
            return
        }
        let features = try numbers("split_feature").map { Int($0) }, thresholds = try numbers("threshold")
        let decisions = try numbers("decision_type").map { UInt8(truncatingIfNeeded: Int($0)) }
        let left = try numbers("left_child").map { Int($0) }, right = try numbers("right_child").map { Int($0) }
        let splits = leaves - 1
        guard features.count == splits, thresholds.count == splits, decisions.count == splits, left.count == splits, right.count == splits else {
            throw InferenceError.invalidModel("tree \(index) split arrays do not have \(splits) entries")
        }
        let catBoundaries = (Int(tree["num_cat"] ?? "0") ?? 0) > 0 ? try numbers("cat_boundaries").map { Int($0) } : []
        let catThreshold = (Int(tree["num_cat"] ?? "0") ?? 0) > 0 ? try numbers("cat_threshold").map { UInt32(truncatingIfNeeded: Int64($0)) } : []
        // Local indices: splits first, then leaves; LightGBM marks leaf children as ~leaf.
        func child(_ c: Int) -> Int { c >= 0 ? c : splits + ~c }
        var nodes: [TreeEnsembleBuilder.Node] = []
        for s in 0..<splits {
            let decision = decisions[s]
            let defaultLeft = decision & 2 != 0
            if decision & 1 != 0 {
                let set = Int(thresholds[s])
                guard set >= 0, set + 1 < catBoundaries.count, catBoundaries[set + 1] <= catThreshold.count else {
                    throw InferenceError.invalidModel("tree \(index) split \(s) names category set \(set), which does not exist")
                }
                // LightGBM's 32-bit words, repacked as 64-bit words.
                let words32 = Array(catThreshold[catBoundaries[set]..<catBoundaries[set + 1]])
                builder.categoryBitsets.append(stride(from: 0, to: words32.count, by: 2).map { w in
                    UInt64(words32[w]) | (w + 1 < words32.count ? UInt64(words32[w + 1]) << 32 : 0)
                })
                nodes.append(.split(feature: features[s], threshold: Double(builder.categoryBitsets.count - 1), test: .truncatedMember,
                                    trueChild: child(left[s]), falseChild: child(right[s]), flags: []))
            } else {
                var flags: TreeEnsemble.Flags = defaultLeft ? [.missingGoesTrue] : []
                switch (decision >> 2) & 3 {
                case 0:
                    // Missing type None reads NaN as 0, so NaN always goes where 0 goes:
                    // that is a fixed missing direction, which keeps the node a plain split.
                    flags = 0 <= thresholds[s] ? [.missingGoesTrue] : []
                case 1: flags.formUnion([.missingIsZero, .zeroIsMissing])
                default: break
                }
                nodes.append(.split(feature: features[s], threshold: thresholds[s], test: .lessOrEqual,
                                    trueChild: child(left[s]), falseChild: child(right[s]), flags: flags))
            }
        }
        nodes += leafValues.map { TreeEnsembleBuilder.Node.leaf([(target, $0)]) }
        try builder.addTree(nodes, root: 0)
    }

    /// pandas_categorical lists, per categorical feature in order, the categories whose
    /// position is the code LightGBM saw; categorical features are those whose
    /// feature_infos entry lists categories ("0:1:2") rather than a range ("[0:1]").
    private static func categoryCodes(_ json: String?, featureInfos: String?) throws -> [Int: CategoryCodes] {
        guard let json, json != "null", let data = json.data(using: .utf8),
              let lists = try? JSONSerialization.jsonObject(with: data) as? [[Any]], !lists.isEmpty else { return [:] }
        let infos = featureInfos?.split(separator: " ").map(String.init) ?? []
        let categorical = infos.enumerated().filter { !$0.element.hasPrefix("[") && $0.element != "none" }.map(\.offset)
        var result: [Int: CategoryCodes] = [:]
        for (feature, list) in zip(categorical, lists) {
            var codes = CategoryCodes()
            for (code, value) in list.enumerated() {
                if let number = value as? NSNumber, !(value is String) {
                    codes.numbers[number.doubleValue] = Double(code)
                } else {
                    codes.strings["\(value)"] = Double(code)
                }
            }
            result[feature] = codes
        }
        return result
    }
}

/// The codes of one pandas categorical feature: categories may be strings or numbers.
struct CategoryCodes: Sendable {
    var strings: [String: Double] = [:]
    var numbers: [Double: Double] = [:]

    /// The code of a value as read from the input; NaN for a category unseen in training.
    func code(_ text: String) -> Double {
        if let code = strings[text] { return code }
        if let number = Double(text), let code = numbers[number] { return code }
        return .nan
    }
}
