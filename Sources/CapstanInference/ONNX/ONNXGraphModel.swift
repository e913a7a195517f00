import Foundation

/// An ONNX model compiled for execution.
///
/// Loading checks everything it can up front — opset versions, every operator and its
/// attributes, input types — so an unsupported model fails with a precise error instead of
/// giving wrong answers later.
public struct ONNXGraphModel: Model {
    /// The opset versions this runtime implements, per domain.
    public static let supportedOpsets: [String: ClosedRange<Int>] = ["": 7...22, "ai.onnx.ml": 1...5]

    public private(set) var summary: ModelSummary
    let plan: GraphPlan
    let inputs: [ONNXValueInfo]
    let outputs: [ONNXValueInfo]

    public init(data: Data) throws {
        try self.init(model: try ONNXDecoding.model(from: data))
    }

    init(model: ONNXModel) throws {
        for (domain, version) in model.opsets {
            guard let range = Self.supportedOpsets[domain] else { continue }
            guard range.contains(version) else {
                throw InferenceError.unsupported(
                    "opset \(version) of domain '\(domain.isEmpty ? "ai.onnx" : domain)' (supported: \(range.lowerBound)–\(range.upperBound))")
            }
        }
        let graph = model.graph
        inputs = graph.inputs.filter { graph.initializers[$0.name] == nil }
        outputs = graph.outputs
        for input in inputs {
            guard case .tensor(let code, _) = input.type else {
                throw InferenceError.unsupported("input '\(input.name)' is not a tensor")
            }
            guard ElementType(onnxCode: code) != nil else {
                throw InferenceError.unsupported("input '\(input.name)' has element type \(ElementType.onnxName(code))")
            }
        }
        plan = try GraphPlan(graph: graph, opsets: model.opsets, registry: .standard)
        var operators: [String: Int] = [:]
        for node in graph.nodes {
            operators["\(node.normalizedDomain.isEmpty ? "ai.onnx" : node.normalizedDomain):\(node.opType)", default: 0] += 1
        }
        let treeCount = graph.nodes.compactMap { node -> Int? in
            guard node.opType.hasPrefix("TreeEnsemble"), case .ints(let ids)? = node.attributes["nodes_treeids"] else { return nil }
            return Set(ids).count
        }.reduce(0, +)
        summary = ModelSummary(
            format: "onnx",
            producer: model.producerName.isEmpty ? nil : "\(model.producerName) \(model.producerVersion)".trimmingCharacters(in: .whitespaces),
            inputs: inputs.map {
                ModelSummary.Input(name: $0.name, type: Self.describe($0.type), shape: Self.shape($0.type),
                                   categories: Self.categories(of: $0.name, in: graph))
            },
            outputs: outputs.map { ModelSummary.Output(name: $0.name, type: Self.describe($0.type)) },
            outputColumns: [],
            operators: operators,
            opsets: Dictionary(uniqueKeysWithValues: model.opsets.map { ($0.key.isEmpty ? "ai.onnx" : $0.key, $0.value) }),
            objective: nil,
            treeCount: treeCount > 0 ? treeCount : nil,
            classCount: nil,
            featureCount: nil
        )
        // The CSV columns depend on output shapes only known when the graph runs: run one row.
        if let rows = try? FeatureFrame.synthesized(for: summary, rows: 1), let columns = try? predict(rows).names {
            summary.outputColumns = columns
        }
    }

    /// The categories a string input is matched against, when the node that reads it (past
    /// any reshaping) is an encoder listing them.
    static func categories(of input: String, in graph: ONNXGraph) -> [String]? {
        var names: Set<String> = [input]
        for node in graph.nodes where node.inputs.first.map(names.contains) == true {
            switch node.opType {
            case "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Cast":
                names.formUnion(node.outputs)
            case "OneHotEncoder", "CategoryMapper":
                if case .strings(let categories)? = node.attributes["cats_strings"] { return categories }
            case "LabelEncoder":
                for key in ["keys_strings", "classes_strings"] {
                    if case .strings(let categories)? = node.attributes[key] { return categories }
                }
            default:
                break
            }
        }
        return nil
    }

    public func predict(_ frame: FeatureFrame) throws -> FeatureFrame {
        let results = try plan.run(try bind(frame))
        var columns: [(name: String, column: FeatureFrame.Column)] = []
        columns.reserveCapacity(results.reduce(0) { $0 + Self.columnCount($1, rows: frame.rowCount) })
        for (info, value) in zip(outputs, results) {
            try Self.appendColumns(info.name, value, rows: frame.rowCount, to: &columns)
        }
        return try FeatureFrame(columns)
    }

    /// The graph inputs built from `frame`: by column name when every input has a column,
    /// otherwise all columns in order as the one matrix input.
    func bind(_ frame: FeatureFrame) throws -> [Value] {
        let rows = frame.rowCount
        if inputs.allSatisfy({ frame.names.contains($0.name) }) {
            let used = Set(inputs.map(\.name))
            if let extra = frame.names.first(where: { !used.contains($0) }) {
                throw InferenceError.invalidInput("column '\(extra)' is not a model input (inputs: \(inputs.map(\.name).joined(separator: ", ")))")
            }
            return try inputs.map { input in
                guard case .tensor(let code, let declared) = input.type, let type = ElementType(onnxCode: code) else {
                    throw InferenceError.unsupported("input '\(input.name)' type")
                }
                if let declared, declared.count == 2, let width = declared[1].fixedValue, width != 1 {
                    throw InferenceError.invalidInput("model input '\(input.name)' takes \(width) values per row; one column cannot fill it")
                }
                let data = try frame.data(column: frame.names.firstIndex(of: input.name)!, as: type, for: input.name)
                let shape = declared?.count == 1 ? [rows] : [rows, 1]
                return .tensor(Tensor(shape: shape, data: data))
            }
        }
        guard inputs.count == 1, let input = inputs.first, case .tensor(let code, let declared) = input.type,
              let type = ElementType(onnxCode: code), declared == nil || declared?.count == 2 else {
            let missing = inputs.first { !frame.names.contains($0.name) }!
            throw InferenceError.invalidInput("missing column '\(missing.name)' (model input of type \(Self.describe(missing.type)))")
        }
        if let width = declared?[1].fixedValue, width != frame.names.count {
            throw InferenceError.invalidInput(
                "model input '\(input.name)' takes \(width) features per row; the input has \(frame.names.count) columns (\(frame.names.prefix(8).joined(separator: ", "))\(frame.names.count > 8 ? ", …" : ""))")
        }
        let columnCount = frame.names.count
        if let values = frame.rowMajorValues, type == .float || type == .double {
            // A block is the input's layout already. Its values share one type, so text fails
            // at the first column, as it would column by column. (Integer inputs go column by
            // column, whose messages name the column and row of a fraction.)
            let data = try values.data(as: type, column: frame.names[0], sourceText: nil, for: input.name)
            return [.tensor(Tensor(shape: [rows, columnCount], data: data))]
        }
        if type == .float {
            // The common case (an [N, F] float input), interleaved straight into place.
            var values = [Float](repeating: 0, count: rows * columnCount)
            try values.withUnsafeMutableBufferPointer { matrix in
                for c in 0..<columnCount {
                    try frame.column(at: c).writeFloats(into: matrix, offset: c, stride: columnCount, column: frame.names[c], for: input.name)
                }
            }
            return [.tensor(Tensor(shape: [rows, columnCount], floats: values))]
        }
        let parts = try frame.names.indices.map { try frame.data(column: $0, as: type, for: input.name) }
        var order: [Int] = []
        order.reserveCapacity(rows * columnCount)
        for r in 0..<rows {
            for c in 0..<columnCount { order.append(c * rows + r) }
        }
        let data = TensorData.concatenating(parts).gathering(order)
        return [.tensor(Tensor(shape: [rows, columnCount], data: data))]
    }

    /// Output value → CSV columns: [N] and [N, 1] one column; [N, K…] `name_0…`; maps one column per key.
    /// Appended to `columns`; a one-column output keeps its array, a matrix is copied once, column by column.
    static func appendColumns(_ name: String, _ value: Value, rows: Int, to columns: inout [(name: String, column: FeatureFrame.Column)]) throws {
        switch value {
        case .mapSequence(let maps):
            guard maps.rows == rows else {
                throw InferenceError.executionFailed(node: name, reason: "\(maps.rows) maps for \(rows) rows")
            }
            let width = columnCount(value, rows: rows)
            for (k, column) in ColumnNames.keyed(name, by: maps.keys).enumerated() {
                columns.append((column, FeatureFrame.Column.float32(maps.values).strided(start: k, step: width)))
            }
        case .tensor(let tensor):
            guard tensor.shape.first == rows || (rows == 0 && tensor.count == 0) else {
                throw InferenceError.executionFailed(node: name, reason: "output shape \(tensor.shape) does not have one row per input row (\(rows))")
            }
            let width = columnCount(value, rows: rows)
            let single = tensor.rank <= 1 || (tensor.rank == 2 && tensor.shape[1] == 1)
            let names = single ? [] : ColumnNames.numbered(name, count: width)
            let matrix: FeatureFrame.Column
            switch tensor.data {
            case .float(let v): matrix = .float32(v)
            case .double(let v): matrix = .float64(v)
            case .int64(let v): matrix = .int64(v)
            case .int32(let v): matrix = .int64(v.map(Int64.init))
            case .uint8(let v): matrix = .int64(v.map(Int64.init))
            case .bool(let v): matrix = .int64(v.map { $0 ? 1 : 0 })
            case .string(let v): matrix = .string(v)
            }
            for k in 0..<width {
                columns.append((single ? name : names[k], matrix.strided(start: k, step: width)))
            }
        }
    }

    /// How many columns ``appendColumns(_:_:rows:to:)`` makes of an output: a map's keys,
    /// a tensor's values per row.
    private static func columnCount(_ value: Value, rows: Int) -> Int {
        switch value {
        case .mapSequence(let maps): maps.keys.count
        case .tensor(let tensor): rows == 0 ? 0 : tensor.count / rows
        }
    }

    static func describe(_ type: ONNXType) -> String {
        switch type {
        case .tensor(let code, let shape):
            let dims = shape.map { "[" + $0.map { dim in
                switch dim {
                case .fixed(let n): String(n)
                case .symbolic(let s): s
                case .unknown: "?"
                }
            }.joined(separator: ", ") + "]" } ?? ""
            return "tensor(\(ElementType.onnxName(code)))\(dims)"
        case .sequence(let element): return "seq(\(describe(element)))"
        case .map(let key, let value): return "map(\(ElementType.onnxName(key)), \(describe(value)))"
        case .unknown: return "unknown"
        }
    }

    static func shape(_ type: ONNXType) -> [Int?] {
        guard case .tensor(_, let shape?) = type else { return [] }
        return shape.map(\.fixedValue)
    }
}
