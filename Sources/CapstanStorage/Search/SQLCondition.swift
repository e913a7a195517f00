import SQLKit

/// SQL fragments for the comparisons of the search grammar, written once for both engines.
///
/// `LIKE` is case-sensitive on both engines (SQLite connections run with
/// `case_sensitive_like`), `ILIKE` compares lower-cased text, and `=` compares bytes.
enum SQLCondition {
    static func string(_ column: SQLQueryString, _ comparison: ComparisonOperator, _ value: FilterValue) throws -> SQLQueryString {
        switch (comparison, value) {
        case (.equal, .string(let s)): return "\(column) = \(bind: s)"
        case (.notEqual, .string(let s)): return "\(column) <> \(bind: s)"
        case (.like, .string(let s)): return "\(column) LIKE \(bind: s)"
        case (.ilike, .string(let s)): return "LOWER(\(column)) LIKE LOWER(\(bind: s))"
        case (.in, .list(let items)): return items.isEmpty ? "1 = 0" : "\(column) IN (\(binds: items))"
        case (.notIn, .list(let items)): return items.isEmpty ? "1 = 1" : "\(column) NOT IN (\(binds: items))"
        case (_, .number(let n)):
            throw StoreError.invalidParameter("Expected a quoted string value for \(comparison.rawValue), found \(n).")
        default:
            throw StoreError.invalidParameter("Invalid comparator '\(comparison.rawValue)' for a string value.")
        }
    }

    static func number(_ column: SQLQueryString, _ comparison: ComparisonOperator, _ value: Double) -> SQLQueryString {
        switch comparison {
        case .equal: "\(column) = \(bind: value)"
        case .notEqual: "\(column) <> \(bind: value)"
        case .greater: "\(column) > \(bind: value)"
        case .greaterOrEqual: "\(column) >= \(bind: value)"
        case .less: "\(column) < \(bind: value)"
        case .lessOrEqual: "\(column) <= \(bind: value)"
        case .like, .ilike, .in, .notIn: "1 = 0"  // rejected by validation before we get here
        }
    }

    /// Checks that `clause` uses one of `allowed` and returns its numeric value when one is needed.
    static func require(_ clause: FilterClause, in allowed: [ComparisonOperator], what: String) throws {
        guard allowed.contains(clause.comparison) else {
            throw StoreError.invalidParameter(
                "Invalid comparator '\(clause.comparison.rawValue)' not one of '\(allowed.map(\.rawValue))' for \(what) '\(clause.key)'."
            )
        }
    }

    static func numericValue(_ clause: FilterClause, what: String) throws -> Double {
        guard case .number(let n) = clause.value else {
            throw StoreError.invalidParameter("Expected numeric value type for \(what) '\(clause.key)'. Found a string.")
        }
        return n
    }

    static func joinedWithAnd(_ conditions: [SQLQueryString]) -> SQLQueryString {
        conditions.isEmpty ? "1 = 1" : conditions.joined(separator: " AND ")
    }
}
