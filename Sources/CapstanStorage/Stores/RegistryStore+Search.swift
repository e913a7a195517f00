import SQLKit

extension RegistryStore {
    /// Searches registered models by `name` and `tags.<key>`; default order is name ascending.
    public func searchModels(filter: [FilterClause], orderBy: [OrderKey], maxResults: Int, pageToken: String?) async throws -> Page<RegisteredModel> {
        let window = try PageWindow(size: maxResults, token: pageToken)
        var conditions: [SQLQueryString] = []
        for clause in filter {
            switch clause.entity {
            case .attribute where clause.key == "name":
                try SQLCondition.require(clause, in: ComparisonOperator.string, what: "attribute")
                conditions.append(try SQLCondition.string("m.name", clause.comparison, clause.value))
            case .tag:
                try SQLCondition.require(clause, in: ComparisonOperator.string, what: "tag")
                conditions.append(try Self.tagCondition(clause))
            default:
                throw StoreError.invalidParameter(
                    "Invalid filter key '\(clause.key)'. Registered models can be filtered by 'name' and 'tags.<key>'."
                )
            }
        }
        var order: [SQLQueryString] = []
        var seen: Set<String> = []
        for key in orderBy {
            let column: String? = switch key.key {
            case "name": "name"
            case "timestamp", "last_updated_timestamp": "last_updated_timestamp"
            case "creation_timestamp": "creation_timestamp"
            default: nil
            }
            guard key.entity == .attribute, let column else {
                throw StoreError.invalidParameter("Invalid order by key '\(key.key)' specified. Valid keys are 'name', 'timestamp', 'last_updated_timestamp'.")
            }
            guard seen.insert(column).inserted else {
                throw StoreError.invalidParameter("`order_by` contains duplicate fields: \(orderBy.map(\.key))")
            }
            order.append("m.\(ident: column) \(unsafeRaw: key.ascending ? "ASC" : "DESC")")
        }
        order.append("m.name ASC")
        let query: SQLQueryString = """
            SELECT m.* FROM registered_models m WHERE \(SQLCondition.joinedWithAnd(conditions))
            ORDER BY \(order.joined(separator: ", ")) \(window.limitClause)
            """
        return try await database.read { db in
            try await window.page(try await db.raw(query).all().map(Self.registeredModel(from:))) { models in
                try await Self.loadModels(models, on: db)
            }
        }
    }

    /// A tag clause on registered models. A model without the tag matches nothing, except
    /// for MLflow's prompt marker: the client always appends
    /// `tag.mlflow.prompt.is_prompt != 'true'`, which models without the tag must pass.
    private static func tagCondition(_ clause: FilterClause) throws -> SQLQueryString {
        let match = try SQLCondition.string("t.value", clause.comparison, clause.value)
        let exists: SQLQueryString = "EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = m.name AND t.key = \(bind: clause.key) AND \(match))"
        if clause.key == "mlflow.prompt.is_prompt" {
            let missing: SQLQueryString = "NOT EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = m.name AND t.key = \(bind: clause.key))"
            switch (clause.comparison, clause.value) {
            case (.notEqual, .string(let v)) where v.lowercased() == "true",
                 (.equal, .string(let v)) where v.lowercased() == "false":
                return "(\(exists) OR \(missing))"
            default:
                break
            }
        }
        return exists
    }

    /// Searches model versions by `name`, `run_id`, `source_path`, `version_number` and tags.
    public func searchVersions(filter: [FilterClause], orderBy: [OrderKey], maxResults: Int, pageToken: String?) async throws -> Page<ModelVersion> {
        let window = try PageWindow(size: maxResults, token: pageToken)
        var conditions: [SQLQueryString] = ["v.current_stage <> \(bind: Self.deletedStage)"]
        for clause in filter {
            switch (clause.entity, clause.key) {
            case (.attribute, "name"), (.attribute, "run_id"), (.attribute, "source_path"):
                let column = ["name": "name", "run_id": "run_id", "source_path": "source"][clause.key]!
                try SQLCondition.require(clause, in: ComparisonOperator.string + [.in], what: "attribute")
                conditions.append(try SQLCondition.string("v.\(ident: column)", clause.comparison, clause.value))
            case (.attribute, "version_number"):
                try SQLCondition.require(clause, in: ComparisonOperator.numeric, what: "attribute")
                conditions.append(SQLCondition.number("v.version", clause.comparison, try SQLCondition.numericValue(clause, what: "attribute")))
            case (.tag, _):
                try SQLCondition.require(clause, in: ComparisonOperator.string, what: "tag")
                let match = try SQLCondition.string("t.value", clause.comparison, clause.value)
                conditions.append("""
                    EXISTS (SELECT 1 FROM model_version_tags t WHERE t.name = v.name AND t.version = v.version
                    AND t.key = \(bind: clause.key) AND \(match))
                    """)
            default:
                throw StoreError.invalidParameter(
                    "Invalid filter key '\(clause.key)'. Model versions can be filtered by 'name', 'run_id', 'source_path', 'version_number' and 'tags.<key>'."
                )
            }
        }
        var order: [SQLQueryString] = []
        for key in orderBy {
            let column: String? = switch key.key {
            case "name": "name"
            case "version_number": "version"
            case "creation_timestamp": "creation_timestamp"
            case "last_updated_timestamp", "timestamp": "last_updated_timestamp"
            default: nil
            }
            guard key.entity == .attribute, let column else {
                throw StoreError.invalidParameter("Invalid order by key '\(key.key)' specified for model versions.")
            }
            order.append("v.\(ident: column) \(unsafeRaw: key.ascending ? "ASC" : "DESC")")
        }
        order.append(contentsOf: ["v.last_updated_timestamp DESC", "v.name ASC", "v.version DESC"])
        let query: SQLQueryString = """
            SELECT v.* FROM model_versions v WHERE \(SQLCondition.joinedWithAnd(conditions))
            ORDER BY \(order.joined(separator: ", ")) \(window.limitClause)
            """
        return try await database.read { db in
            try await window.page(try await db.raw(query).all().map(Self.modelVersion(from:))) { versions in
                try await Self.loadVersions(versions, on: db)
            }
        }
    }
}
