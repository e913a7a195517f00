import SQLKit

extension LoggedModelStore {
    /// One key of a logged-model search order (structured, unlike runs' strings).
    public struct OrderField: Sendable {
        public var fieldName: String
        public var ascending: Bool

        public init(fieldName: String, ascending: Bool) {
            self.fieldName = fieldName
            self.ascending = ascending
        }
    }

    /// Searches live logged models of the given experiments; with `datasets`, only models
    /// with metrics recorded against one of those datasets.
    public func search(
        experimentIds: [String], filter: [FilterClause], datasets: [String] = [], orderBy: [OrderField],
        maxResults: Int, pageToken: String?
    ) async throws -> Page<LoggedModel> {
        let window = try PageWindow(size: maxResults, token: pageToken)
        let numbers = experimentIds.compactMap { Int64($0) }
        guard !numbers.isEmpty else { return Page(items: [], nextPageToken: nil) }
        var conditions: [SQLQueryString] = ["l.experiment_id IN (\(binds: numbers))", "l.lifecycle_stage = 'active'"]
        for clause in filter {
            conditions.append(try Self.condition(for: clause))
        }
        if !datasets.isEmpty {
            conditions.append("EXISTS (SELECT 1 FROM metrics m WHERE m.model_id <> '' AND m.model_id = l.model_id AND m.dataset_name IN (\(binds: datasets)))")
        }
        var joins: [SQLQueryString] = []
        var order: [SQLQueryString] = []
        for (index, field) in orderBy.enumerated() {
            let direction = field.ascending ? "ASC" : "DESC"
            if field.fieldName.hasPrefix("metrics.") {
                let alias = "o\(index)"
                let key = String(field.fieldName.dropFirst("metrics.".count))
                joins.append("""
                    LEFT JOIN (SELECT model_id, MAX(value) AS value FROM metrics WHERE model_id <> '' AND key = \(bind: key) AND is_nan = 0
                    GROUP BY model_id) \(ident: alias) ON \(ident: alias).model_id = l.model_id
                    """)
                order.append("CASE WHEN \(ident: alias).value IS NULL THEN 1 ELSE 0 END")
                order.append("\(ident: alias).value \(unsafeRaw: direction)")
            } else if let column = Self.orderColumns[field.fieldName] {
                order.append("l.\(ident: column) \(unsafeRaw: direction)")
            } else {
                throw StoreError.invalidParameter("Invalid order by field name: \(field.fieldName)")
            }
        }
        if orderBy.isEmpty { order.append("l.creation_timestamp_ms DESC") }
        order.append("l.model_id ASC")
        let query: SQLQueryString = """
            SELECT l.* FROM logged_models l \(joins.joined(separator: " "))
            WHERE \(SQLCondition.joinedWithAnd(conditions))
            ORDER BY \(order.joined(separator: ", ")) \(window.limitClause)
            """
        return try await database.read { db in
            try await window.page(try await db.raw(query).all().map(Self.model(from:))) { models in
                try await Self.load(models, on: db)
            }
        }
    }

    static let orderColumns = [
        "name": "name", "model_id": "model_id", "creation_timestamp": "creation_timestamp_ms",
        "creation_time": "creation_timestamp_ms", "last_updated_timestamp": "last_updated_timestamp_ms",
        "model_type": "model_type", "status": "status", "source_run_id": "source_run_id",
    ]

    private static let stringAttributes = ["name": "name", "model_id": "model_id", "model_type": "model_type",
                                           "status": "status", "source_run_id": "source_run_id"]
    private static let numericAttributes = ["creation_time": "creation_timestamp_ms", "creation_timestamp": "creation_timestamp_ms",
                                            "last_updated_timestamp": "last_updated_timestamp_ms"]

    private static func condition(for clause: FilterClause) throws -> SQLQueryString {
        switch clause.entity {
        case .attribute:
            if let column = stringAttributes[clause.key] {
                try SQLCondition.require(clause, in: ComparisonOperator.string + [.in, .notIn], what: "attribute")
                return try SQLCondition.string("l.\(ident: column)", clause.comparison, clause.value)
            }
            if let column = numericAttributes[clause.key] {
                try SQLCondition.require(clause, in: ComparisonOperator.numeric, what: "attribute")
                return SQLCondition.number("l.\(ident: column)", clause.comparison, try SQLCondition.numericValue(clause, what: "attribute"))
            }
            throw StoreError.invalidParameter("Invalid attribute key '\(clause.key)' for logged models.")
        case .metric:
            try SQLCondition.require(clause, in: ComparisonOperator.numeric, what: "metric")
            let match = SQLCondition.number("m.value", clause.comparison, try SQLCondition.numericValue(clause, what: "metric"))
            return "EXISTS (SELECT 1 FROM metrics m WHERE m.model_id <> '' AND m.model_id = l.model_id AND m.key = \(bind: clause.key) AND m.is_nan = 0 AND \(match))"
        case .param, .tag:
            try SQLCondition.require(clause, in: ComparisonOperator.string, what: clause.entity.rawValue)
            let table = clause.entity == .param ? "logged_model_params" : "logged_model_tags"
            let match = try SQLCondition.string("p.value", clause.comparison, clause.value)
            return "EXISTS (SELECT 1 FROM \(ident: table) p WHERE p.model_id = l.model_id AND p.key = \(bind: clause.key) AND \(match))"
        case .dataset:
            throw StoreError.invalidParameter("Filtering logged models by dataset is not supported; pass `datasets` instead.")
        }
    }
}
