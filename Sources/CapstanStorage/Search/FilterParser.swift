/// Parses MLflow's search grammar: comparisons joined by `AND`, and `order_by` keys.
///
/// The grammar follows `mlflow/utils/search_utils.py`: `<entity>.<key> <op> <value>` where
/// the entity prefix is optional (a bare key is an attribute), keys may be quoted with
/// backticks or double quotes, strings with single or double quotes, and there is no `OR`,
/// `NOT` (other than `NOT IN`) or grouping. Which keys and operators an entity accepts is
/// checked by each search, not here.
public enum FilterParser {
    /// Parses a filter. An empty or blank string means "no filter".
    public static func parse(_ filter: String) throws -> [FilterClause] {
        guard !filter.allSatisfy(\.isWhitespace) else { return [] }
        var cursor = Cursor(tokens: try FilterTokenizer.tokenize(filter), source: filter)
        var clauses: [FilterClause] = []
        while true {
            clauses.append(try cursor.clause())
            if cursor.atEnd { return clauses }
            guard case .word(let word) = cursor.next(), word.uppercased() == "AND" else {
                throw cursor.invalid("expected AND between comparisons (OR, NOT and parentheses are not supported)")
            }
        }
    }

    /// Parses one `order_by` element: `<identifier> [ASC|DESC]`.
    public static func parseOrderKey(_ text: String) throws -> OrderKey {
        var cursor = Cursor(tokens: try FilterTokenizer.tokenize(text), source: text)
        let (entity, key) = try cursor.identifier()
        var ascending = true
        if case .word(let word)? = cursor.peek() {
            switch word.uppercased() {
            case "ASC": ascending = true
            case "DESC": ascending = false
            default: throw StoreError.invalidParameter("Invalid order_by clause '\(text)': expected ASC or DESC after the key.")
            }
            _ = cursor.next()
        }
        guard cursor.atEnd else {
            throw StoreError.invalidParameter("Invalid order_by clause '\(text)': expected '<key> [ASC|DESC]'.")
        }
        return OrderKey(entity: entity, key: key, ascending: ascending)
    }

    private struct Cursor {
        let tokens: [FilterToken]
        let source: String
        var position = 0

        var atEnd: Bool { position >= tokens.count }

        func peek() -> FilterToken? { atEnd ? nil : tokens[position] }

        mutating func next() -> FilterToken? {
            defer { position += 1 }
            return peek()
        }

        func invalid(_ reason: String) -> StoreError {
            .invalidParameter("Invalid clause(s) in filter string: '\(source)': \(reason).")
        }

        mutating func clause() throws -> FilterClause {
            let (entity, key) = try identifier()
            let comparison = try comparisonOperator()
            let value = try self.value(for: comparison)
            return FilterClause(entity: entity, key: key, comparison: comparison, value: value)
        }

        mutating func identifier() throws -> (FilterEntity, String) {
            guard let first = next() else { throw invalid("expected a key") }
            guard let firstText = Self.segment(first) else { throw invalid("expected a key, found \(Self.describe(first))") }
            guard case .dot? = peek() else { return (.attribute, firstText) }
            _ = next()
            guard let entity = FilterEntity(prefix: firstText) else {
                throw StoreError.invalidParameter(
                    "Invalid entity type '\(firstText)'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']."
                )
            }
            guard let keyToken = next(), var key = Self.segment(keyToken) else {
                throw invalid("expected a key after '\(firstText).'")
            }
            // Unquoted keys may contain dots (`tags.mlflow.runName`).
            if case .word = keyToken {
                while case .dot? = peek(), position + 1 < tokens.count, case .word(let more) = tokens[position + 1] {
                    key += "." + more
                    position += 2
                }
            }
            return (entity, key)
        }

        mutating func comparisonOperator() throws -> ComparisonOperator {
            switch next() {
            case .operator(let op)?:
                guard let comparison = ComparisonOperator(rawValue: op) else { throw invalid("unknown operator '\(op)'") }
                return comparison
            case .word(let word)?:
                switch word.uppercased() {
                case "LIKE": return .like
                case "ILIKE": return .ilike
                case "IN": return .in
                case "NOT":
                    guard case .word(let inWord)? = next(), inWord.uppercased() == "IN" else {
                        throw invalid("NOT is only supported as NOT IN")
                    }
                    return .notIn
                default: throw invalid("expected a comparison operator, found '\(word)'")
                }
            case let token?: throw invalid("expected a comparison operator, found \(Self.describe(token))")
            case nil: throw invalid("expected a comparison operator")
            }
        }

        mutating func value(for comparison: ComparisonOperator) throws -> FilterValue {
            if comparison == .in || comparison == .notIn {
                guard case .openParen? = next() else { throw invalid("\(comparison.rawValue) needs a parenthesised list") }
                var items: [String] = []
                while true {
                    switch next() {
                    case .singleQuoted(let s)?, .doubleQuoted(let s)?: items.append(s)
                    default: throw invalid("\(comparison.rawValue) takes a list of quoted strings")
                    }
                    switch next() {
                    case .comma?: continue
                    case .closeParen?: return .list(items)
                    default: throw invalid("expected ',' or ')' in the \(comparison.rawValue) list")
                    }
                }
            }
            switch next() {
            case .number(let number, _)?: return .number(number)
            case .singleQuoted(let s)?, .doubleQuoted(let s)?: return .string(s)
            case .word(let word)?: throw invalid("the value '\(word)' must be a number or a quoted string")
            case let token?: throw invalid("expected a value, found \(Self.describe(token))")
            case nil: throw invalid("expected a value")
            }
        }

        static func segment(_ token: FilterToken) -> String? {
            switch token {
            case .word(let s), .backticked(let s), .doubleQuoted(let s): s
            default: nil
            }
        }

        static func describe(_ token: FilterToken) -> String {
            switch token {
            case .word(let s): "'\(s)'"
            case .backticked(let s): "`\(s)`"
            case .singleQuoted(let s): "'\(s)'"
            case .doubleQuoted(let s): "\"\(s)\""
            case .number(_, let text): text
            case .operator(let op): "'\(op)'"
            case .dot: "'.'"
            case .comma: "','"
            case .openParen: "'('"
            case .closeParen: "')'"
            }
        }
    }
}
