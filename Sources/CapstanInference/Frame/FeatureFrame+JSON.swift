import Foundation

extension FeatureFrame {
    /// A frame from JSON rows: an array of objects, one per row (`[{"age": 41, "city": "Porto"}, …]`).
    ///
    /// Columns appear in the order their keys are first seen. A column is int64 when every
    /// value is a whole number, float64 when every value is a number, string when every
    /// value is a string; `null` or an absent key is a missing value (NaN, or "" for text).
    /// Anything else — nested objects, mixed types in one column — is an error naming the
    /// column and row.
    public init(jsonRows data: Data, source: String = "input") throws {
        guard let rows = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw InferenceError.invalidInput("\(source) is not a JSON array of row objects")
        }
        var names: [String] = []
        var seen = Set<String>()
        var objects: [[String: Any]] = []
        for (index, row) in rows.enumerated() {
            guard let object = row as? [String: Any] else {
                throw InferenceError.invalidInput("\(source) row \(index + 1) is not a JSON object")
            }
            // JSONSerialization does not keep key order; sorting keeps it deterministic.
            for key in object.keys.sorted() where seen.insert(key).inserted { names.append(key) }
            objects.append(object)
        }
        let columns = try names.map { name -> (name: String, column: Column) in
            let values = objects.map { $0[name] }
            return (name, try Self.jsonColumn(name, values, source: source))
        }
        try self.init(columns)
    }

    private static func jsonColumn(_ name: String, _ values: [Any?], source: String) throws -> Column {
        var numbers: [Double] = [], strings: [String] = []
        numbers.reserveCapacity(values.count)
        var allIntegers = true, sawNumber = false, sawString = false
        for (row, value) in values.enumerated() {
            switch value {
            case nil, is NSNull:
                numbers.append(.nan)
                strings.append("")
                allIntegers = false
            case let text as String:
                sawString = true
                strings.append(text)
                numbers.append(.nan)
            case let other?:
                // Numbers (and booleans, as 1/0) in whichever form JSONSerialization gives them.
                guard let double = Self.number(other) else {
                    throw InferenceError.invalidInput("\(source) row \(row + 1): column '\(name)' holds a value that is neither a number, a string nor null")
                }
                sawNumber = true
                numbers.append(double)
                if double != double.rounded() || double.magnitude >= 9.2e18 { allIntegers = false }
            }
        }
        if sawString && sawNumber {
            throw InferenceError.invalidInput("\(source): column '\(name)' mixes numbers and strings")
        }
        if sawString { return .string(strings) }
        if allIntegers && sawNumber { return .int64(numbers.map { Int64($0) }) }
        return .float64(numbers)
    }

    private static func number(_ value: Any) -> Double? {
        switch value {
        case let b as Bool: return b ? 1 : 0
        case let i as Int: return Double(i)
        case let d as Double: return d
        case let n as NSNumber: return n.doubleValue
        default: return nil
        }
    }
}
