import CapstanInference
import CapstanJSON
import CapstanServing

/// The request bodies MLflow's scoring server takes on `/invocations`, read into a frame.
///
/// JSON holds exactly one of `dataframe_split`, `dataframe_records`, `instances` or
/// `inputs` (plus optional `params`, which Capstan's models do not take). Rows given as
/// lists, without column names, become columns `0 … F-1`; a model with one [N, F] input
/// takes them in order, as MLflow's ONNX flavor fills its tensor from a DataFrame.
enum ScoringPayload {
    static let formats = ["dataframe_split", "dataframe_records", "instances", "inputs"]

    /// - Parameter summary: the deployed model's description, which named tensors are checked
    ///   against (nil when the deployment is not live; prediction then says so).
    static func frame(json: JSONValue, summary: ModelSummary?) throws -> FeatureFrame {
        guard case .object(let members) = json else {
            if case .array = json {
                throw ScoringError.badRequest(
                    "Received a list; the scoring protocol since MLflow 2.0 wants an object with one of the keys \(formats.joined(separator: ", ")).")
            }
            throw ScoringError.badRequest("The body must be a JSON object with one of the keys \(formats.joined(separator: ", ")).")
        }
        let present = members.map(\.0).filter(formats.contains)
        guard present.count == 1, let format = present.first, let payload = json[format] else {
            throw ScoringError.badRequest(
                "The body must hold exactly one of \(formats.joined(separator: ", ")); it has \(present.isEmpty ? "none" : present.joined(separator: ", ")).")
        }
        if let unknown = members.map(\.0).first(where: { $0 != format && $0 != "params" }) {
            throw ScoringError.badRequest("Unknown key '\(unknown)' next to \(format).")
        }
        switch format {
        case "dataframe_split":
            guard case .array(let columns)? = payload["columns"], case .array(let data)? = payload["data"] else {
                throw ScoringError.badRequest("dataframe_split needs \"columns\" (a list of names) and \"data\" (a list of rows).")
            }
            let names = try columns.map { value -> String in
                guard case .string(let name) = value else { throw ScoringError.badRequest("dataframe_split columns must be strings.") }
                return name
            }
            return try rowsFrame(names: names, rows: data, format: format)
        case "dataframe_records":
            return try recordsFrame(payload, format: format)
        default:
            // `instances` (rows) and `inputs` (rows, or columns by name).
            if case .object(let columns) = payload, format == "inputs" {
                // Tensors by input name when any is a matrix (as MLflow's ONNX flavor takes
                // them); otherwise columns.
                if columns.contains(where: { _, values in isMatrix(values) }) {
                    let tensors = try columns.map { name, values in try tensor(values, name: name) }
                    do {
                        return try summary.map { try TensorFrames.frame(from: tensors, for: $0) } ?? TensorFrames.frame(from: tensors)
                    } catch let error as ServingError {
                        throw ScoringError.badRequest(error.description)
                    }
                }
                return try build(columns.map { name, values in (name, try flatColumn(values, name: name)) })
            }
            guard case .array(let rows) = payload else {
                throw ScoringError.badRequest("\(format) must be a list of rows\(format == "inputs" ? " or an object of columns" : "").")
            }
            if case .object? = rows.first { return try recordsFrame(payload, format: format) }
            if let first = rows.first, case .array(let firstRow) = first {
                return try rowsFrame(names: (0..<firstRow.count).map(String.init), rows: rows, format: format)
            }
            return try build([("0", try column(rows, name: "0"))])
        }
    }

    private static func rowsFrame(names: [String], rows: [JSONValue], format: String) throws -> FeatureFrame {
        var fields: [[JSONValue]] = []
        fields.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            guard case .array(let cells) = row, cells.count == names.count else {
                throw ScoringError.badRequest("\(format) row \(index) must be a list of \(names.count) values.")
            }
            fields.append(cells)
        }
        // Each column read straight from the rows: no list of JSON values per column first.
        let kinds = try names.enumerated().map { c, name in try kind(count: fields.count, name: name) { fields[$0][c] } }
        if let first = kinds.first, first != .text, kinds.allSatisfy({ $0 == first }) {
            // Numbers of one kind throughout: one block, row after row as they came.
            let width = names.count
            return try build(names: names, rowMajor: column(first, count: fields.count * width) { fields[$0 / width][$0 % width] })
        }
        return try build(names.enumerated().map { c, name in
            (name, column(kinds[c], count: fields.count) { fields[$0][c] })
        })
    }

    private static func recordsFrame(_ payload: JSONValue, format: String) throws -> FeatureFrame {
        guard case .array(let rows) = payload else { throw ScoringError.badRequest("\(format) must be a list of objects.") }
        var names: [String] = []
        for (index, row) in rows.enumerated() {
            guard case .object(let fields) = row else { throw ScoringError.badRequest("\(format) row \(index) must be an object.") }
            for (name, _) in fields where !names.contains(name) { names.append(name) }
        }
        return try build(try names.map { name in (name, try column(rows.map { $0[name] ?? .null }, name: name)) })
    }

    static func isMatrix(_ value: JSONValue) -> Bool {
        guard case .array(let rows) = value, case .array(let first)? = rows.first else { return false }
        return first.count > 1
    }

    /// A tensor from `inputs: {name: [[…], …]}`: rows of equal width.
    private static func tensor(_ value: JSONValue, name: String) throws -> NamedTensor {
        guard case .array(let rows) = value else { throw ScoringError.badRequest("inputs.\(name) must be a list.") }
        guard case .array(let first)? = rows.first else { return NamedTensor(name: name, shape: [rows.count], values: try column(rows, name: name)) }
        var flat: [JSONValue] = []
        flat.reserveCapacity(rows.count * first.count)
        for (index, row) in rows.enumerated() {
            guard case .array(let cells) = row, cells.count == first.count else {
                throw ScoringError.badRequest("inputs.\(name) row \(index) must be a list of \(first.count) values, as the first row is.")
            }
            flat += cells
        }
        return NamedTensor(name: name, shape: [rows.count, first.count], values: try column(flat, name: name))
    }

    /// One column from `inputs: {name: values}`: a list of scalars, or of single-value lists.
    private static func flatColumn(_ value: JSONValue, name: String) throws -> FeatureFrame.Column {
        guard case .array(let items) = value else { throw ScoringError.badRequest("inputs.\(name) must be a list.") }
        return try column(items.map { item in
            if case .array(let inner) = item, inner.count == 1 { return inner[0] }
            return item
        }, name: name)
    }

    /// Values of one column, typed as `FeatureFrame(jsonRows:)` types them: all whole numbers
    /// → int64, numbers → float64, strings → string; null is missing.
    static func column(_ values: [JSONValue], name: String) throws -> FeatureFrame.Column {
        try column(count: values.count, name: name) { values[$0] }
    }

    /// The column of `count` values, `value(i)` the i-th: text, whole numbers or numbers.
    @inline(__always)
    static func column(count: Int, name: String, _ value: (Int) -> JSONValue) throws -> FeatureFrame.Column {
        column(try kind(count: count, name: name, value), count: count, value)
    }

    /// What a column's values are, which decides its type.
    enum Kind {
        /// Strings: `string`.
        case text
        /// Whole numbers and booleans: `int64`.
        case whole
        /// Numbers, or no value (null, read as NaN): `float64`.
        case number
    }

    /// The kind of `count` values, `value(i)` the i-th. This and ``column(_:count:_:)`` are
    /// always inlined, so the optimiser can inline `value` into their loops as well.
    @inline(__always)
    static func kind(count: Int, name: String, _ value: (Int) -> JSONValue) throws -> Kind {
        var isText = false, isNumber = false, isWhole = true
        for i in 0..<count {
            switch value(i) {
            case .string: isText = true
            case .int, .bool: isNumber = true
            case .double: isNumber = true; isWhole = false
            case .null: isWhole = false
            default: throw ScoringError.badRequest("Column '\(name)' holds a nested list or object; give one value per row.")
            }
        }
        if isText && isNumber { throw ScoringError.badRequest("Column '\(name)' mixes strings and numbers.") }
        return isText ? .text : isWhole ? .whole : .number
    }

    /// `count` values of `kind`, `value(i)` the i-th.
    @inline(__always)
    static func column(_ kind: Kind, count: Int, _ value: (Int) -> JSONValue) -> FeatureFrame.Column {
        switch kind {
        case .text:
            return .string((0..<count).map { if case .string(let s) = value($0) { s } else { "" } })
        case .whole:
            return .int64((0..<count).map { i in
                switch value(i) {
                case .int(let i): i
                case .bool(let b): b ? 1 : 0
                default: 0
                }
            })
        case .number:
            return .float64((0..<count).map { i in
                switch value(i) {
                case .int(let i): Double(i)
                case .double(let d): d
                case .bool(let b): b ? 1 : 0
                default: .nan
                }
            })
        }
    }

    private static func build(_ columns: [(String, FeatureFrame.Column)]) throws -> FeatureFrame {
        try checkWidth(columns.count)
        do {
            return try FeatureFrame(columns.map { (name: $0.0, column: $0.1) })
        } catch {
            throw ScoringError.badRequest("\(error)")
        }
    }

    private static func build(names: [String], rowMajor values: FeatureFrame.Column) throws -> FeatureFrame {
        try checkWidth(names.count)
        do {
            return try FeatureFrame(names: names, rowMajor: values)
        } catch {
            throw ScoringError.badRequest("\(error)")
        }
    }

    private static func checkWidth(_ columns: Int) throws {
        guard columns <= TensorFrames.maxFeatures else {
            throw ScoringError.badRequest("The input has \(columns) columns; at most \(TensorFrames.maxFeatures) are taken.")
        }
    }

    /// `{"predictions": …}` shaped as `mlflow models serve` shapes it for the same model:
    /// an ONNX model's outputs by name (`{"label": [...], "probabilities": [[...], ...]}`,
    /// as its ONNX flavor returns a dict of arrays); a tree model's predicted labels, or
    /// values for a regressor, as a list (as the XGBoost and LightGBM flavors return them).
    /// Written straight to bytes: it is made for every request.
    static func predictions(_ outputs: FeatureFrame, format: String) -> [UInt8] {
        let tensors = TensorFrames.outputTensors(of: outputs)
        let columns = outputs.columns, rows = outputs.rowCount
        var json = JSONStream()
        json.beginObject()
        json.key("predictions")
        if format != "onnx", let main = tensors.first(where: { $0.name == "label" || $0.name == "prediction" }) {
            writeNested(main, of: columns, rows: rows, into: &json)
        } else {
            json.beginObject()
            for tensor in tensors {
                json.key(tensor.name)
                writeNested(tensor, of: columns, rows: rows, into: &json)
            }
            json.endObject()
        }
        json.endObject()
        return json.bytes
    }

    /// A tensor as nested lists: [N] a list, [N, K] a list of rows.
    private static func writeNested(_ tensor: TensorFrames.OutputTensor, of columns: [FeatureFrame.Column], rows: Int,
                                    into json: inout JSONStream) {
        json.beginArray()
        for r in 0..<rows {
            guard tensor.isMatrix else {
                write(columns[tensor.columns.lowerBound], r, into: &json)
                continue
            }
            json.beginArray()
            for c in tensor.columns { write(columns[c], r, into: &json) }
            json.endArray()
        }
        json.endArray()
    }

    private static func write(_ column: FeatureFrame.Column, _ index: Int, into json: inout JSONStream) {
        switch column {
        case .float32(let v): if v[index].isNaN { json.value(.null) } else { json.float(v[index]) }
        case .float64(let v): json.value(v[index].isNaN ? .null : .double(v[index]))
        case .int64(let v): json.int(v[index])
        case .string(let v): json.string(v[index])
        }
    }
}

/// MLflow scoring errors: `{"error_code", "message"}` with MLflow's status.
enum ScoringError: Error {
    case badRequest(String)
    case unsupportedMediaType(String)
}
