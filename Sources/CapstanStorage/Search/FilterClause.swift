/// What a filter clause compares: the entity prefix of MLflow's search grammar.
public enum FilterEntity: String, Sendable, Equatable {
    case metric, param, tag, attribute, dataset

    /// MLflow's accepted spellings of each prefix.
    init?(prefix: String) {
        switch prefix.lowercased() {
        case "metric", "metrics": self = .metric
        case "param", "params", "parameter", "parameters": self = .param
        case "tag", "tags": self = .tag
        case "attribute", "attributes", "attr", "run": self = .attribute
        case "dataset", "datasets": self = .dataset
        default: return nil
        }
    }
}

/// A comparison operator of the search grammar.
public enum ComparisonOperator: String, Sendable, Equatable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="
    case like = "LIKE"
    case ilike = "ILIKE"
    case `in` = "IN"
    case notIn = "NOT IN"

    static let numeric: [ComparisonOperator] = [.equal, .notEqual, .greater, .greaterOrEqual, .less, .lessOrEqual]
    static let string: [ComparisonOperator] = [.equal, .notEqual, .like, .ilike]
}

/// A literal on the right of a comparison.
public enum FilterValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    case list([String])
}

/// One `<entity>.<key> <operator> <value>` comparison. A filter is the AND of its clauses.
public struct FilterClause: Sendable, Equatable {
    public var entity: FilterEntity
    public var key: String
    public var comparison: ComparisonOperator
    public var value: FilterValue

    public init(entity: FilterEntity, key: String, comparison: ComparisonOperator, value: FilterValue) {
        self.entity = entity
        self.key = key
        self.comparison = comparison
        self.value = value
    }
}

/// One key of an `order_by` list.
public struct OrderKey: Sendable, Equatable {
    public var entity: FilterEntity
    public var key: String
    public var ascending: Bool

    public init(entity: FilterEntity, key: String, ascending: Bool) {
        self.entity = entity
        self.key = key
        self.ascending = ascending
    }
}
