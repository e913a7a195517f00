import SQLKit

extension RunStore {
    /// Searches runs of the given experiments with MLflow's grammar.
    ///
    /// Metrics compare against each run's latest value; a run without the referenced
    /// metric, param or tag never matches, not even `!=`. Results are ordered by
    /// `orderBy`, then by `start_time DESC, run_id ASC`; runs lacking a sort key sort last
    /// (for metrics: NaN after numbers, missing after NaN, as MLflow's SQL store orders them).
    public func search(
        experimentIds: [String], filter: [FilterClause], orderBy: [OrderKey], viewType: ViewType,
        maxResults: Int, pageToken: String?
    ) async throws -> Page<Run> {
        let window = try PageWindow(size: maxResults, token: pageToken)
        let experimentNumbers = experimentIds.compactMap { Int64($0) }
        guard !experimentNumbers.isEmpty else { return Page(items: [], nextPageToken: nil) }
        var conditions: [SQLQueryString] = [
            "r.experiment_id IN (\(binds: experimentNumbers))",
            "r.lifecycle_stage IN (\(binds: viewType.stages.map(\.rawValue)))",
        ]
        for clause in filter {
            conditions.append(try RunSearchSQL.condition(for: clause))
        }
        let search = RunSearchSQL(conditions: conditions)
        return try await database.read { db in
            let infos: [RunInfo]
            if let first = orderBy.first, first.entity == .metric {
                infos = try await search.metricOrderedPage(first: first, then: Array(orderBy.dropFirst()), window: window, on: db)
            } else {
                let order = try search.order(orderBy)
                infos = try await db.raw("""
                    SELECT r.* FROM runs r \(order.joins) WHERE \(search.whereClause)
                    ORDER BY \(order.terms) \(window.limitClause)
                    """).all().map(Self.runInfo(from:))
            }
            return try await window.page(infos) { try await RunDataLoader.load($0, on: db) }
        }
    }
}

/// Translates run-search clauses and order keys into SQL over `runs r`.
struct RunSearchSQL {
    let conditions: [SQLQueryString]

    var whereClause: SQLQueryString { SQLCondition.joinedWithAnd(conditions) }

    /// The joins and `ORDER BY` terms for `keys`, with the final tie-break.
    func order(_ keys: [OrderKey], firstAlias: Int = 0) throws -> (joins: SQLQueryString, terms: SQLQueryString) {
        var joins: [SQLQueryString] = []
        var terms: [SQLQueryString] = []
        for (index, key) in keys.enumerated() {
            let (join, keyTerms) = try Self.orderTerms(for: key, alias: "o\(index + firstAlias)")
            if let join { joins.append(join) }
            terms.append(contentsOf: keyTerms)
        }
        terms.append(contentsOf: ["r.start_time DESC", "r.run_id ASC"])
        return (joins.joined(separator: " "), terms.joined(separator: ", "))
    }

    /// A page ordered first by a metric, read in index order instead of sorting every run.
    ///
    /// Runs with a number for the metric come first, straight off `latest_metrics_by_value`
    /// (so a page of 1,000 out of 100,000 runs reads about 1,000 index entries); runs with
    /// NaN or without the metric follow, and are only queried when the page reaches them.
    func metricOrderedPage(first: OrderKey, then rest: [OrderKey], window: PageWindow, on db: any SQLDatabase) async throws -> [RunInfo] {
        let order = try self.order(rest, firstAlias: 1)
        let direction = first.ascending ? "ASC" : "DESC"
        let numbered: SQLQueryString = """
            FROM latest_metrics s JOIN runs r ON r.run_id = s.run_id \(order.joins)
            WHERE s.key = \(bind: first.key) AND s.is_nan = 0 AND \(whereClause)
            """
        let wanted = window.size + 1
        var rows = try await db.raw("""
            SELECT r.* \(numbered) ORDER BY s.value \(unsafeRaw: direction), \(order.terms)
            LIMIT \(bind: wanted) OFFSET \(bind: window.offset)
            """).all().map(RunStore.runInfo(from:))
        guard rows.count < wanted else { return rows }
        // The page runs past the numbered runs: continue with NaN, then missing values.
        let numberedCount: Int
        if rows.isEmpty {
            numberedCount = Int(try await db.raw("SELECT COUNT(*) AS n \(numbered)").first()?.int64("n") ?? 0)
        } else {
            numberedCount = window.offset + rows.count
        }
        rows += try await db.raw("""
            SELECT r.* FROM runs r
            LEFT JOIN latest_metrics s ON s.run_id = r.run_id AND s.key = \(bind: first.key) \(order.joins)
            WHERE (s.run_id IS NULL OR s.is_nan = 1) AND \(whereClause)
            ORDER BY CASE WHEN s.run_id IS NULL THEN 1 ELSE 0 END, \(order.terms)
            LIMIT \(bind: wanted - rows.count) OFFSET \(bind: max(0, window.offset - numberedCount))
            """).all().map(RunStore.runInfo(from:))
        return rows
    }

    static let stringAttributes = ["run_id": "run_id", "run_name": "name", "status": "status", "user_id": "user_id",
                                   "artifact_uri": "artifact_uri", "lifecycle_stage": "lifecycle_stage"]
    static let numericAttributes = ["start_time": "start_time", "end_time": "end_time"]

    /// MLflow's attribute aliases (`created`, `Run name`, …) mapped to canonical names.
    static func canonicalAttribute(_ key: String) -> String {
        switch key {
        case "created", "Created": "start_time"
        case "Run name", "Run Name", "run name", "runName": "run_name"
        default: key
        }
    }

    static func condition(for clause: FilterClause) throws -> SQLQueryString {
        switch clause.entity {
        case .metric:
            try SQLCondition.require(clause, in: ComparisonOperator.numeric, what: "metric")
            let value = try SQLCondition.numericValue(clause, what: "metric")
            // NaN matches only `!=`, as comparisons with NaN are false in MLflow.
            let match: SQLQueryString = clause.comparison == .notEqual
                ? "(m.is_nan = 1 OR \(SQLCondition.number("m.value", .notEqual, value)))"
                : "m.is_nan = 0 AND \(SQLCondition.number("m.value", clause.comparison, value))"
            return "EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_id = r.run_id AND m.key = \(bind: clause.key) AND \(match))"
        case .param, .tag:
            try SQLCondition.require(clause, in: ComparisonOperator.string, what: clause.entity == .param ? "param" : "tag")
            let table = clause.entity == .param ? "params" : "run_tags"
            let match = try SQLCondition.string("p.value", clause.comparison, clause.value)
            return "EXISTS (SELECT 1 FROM \(ident: table) p WHERE p.run_id = r.run_id AND p.key = \(bind: clause.key) AND \(match))"
        case .attribute:
            let key = canonicalAttribute(clause.key)
            if let column = stringAttributes[key] {
                let allowed = key == "run_id" ? ComparisonOperator.string + [.in, .notIn] : ComparisonOperator.string
                try SQLCondition.require(clause, in: allowed, what: "attribute")
                return try SQLCondition.string("r.\(ident: column)", clause.comparison, clause.value)
            }
            if let column = numericAttributes[key] {
                try SQLCondition.require(clause, in: ComparisonOperator.numeric, what: "attribute")
                return SQLCondition.number("r.\(ident: column)", clause.comparison, try SQLCondition.numericValue(clause, what: "attribute"))
            }
            throw StoreError.invalidParameter(
                "Invalid attribute key '\(clause.key)' specified. Valid keys are '\(Array(stringAttributes.keys).sorted() + Array(numericAttributes.keys).sorted())'"
            )
        case .dataset:
            let columns = ["name": "d.name", "digest": "d.digest", "context": "i.context"]
            guard let column = columns[clause.key] else {
                throw StoreError.invalidParameter("Invalid dataset key '\(clause.key)' specified. Valid keys are '['name', 'digest', 'context']'")
            }
            try SQLCondition.require(clause, in: ComparisonOperator.string + [.in, .notIn], what: "dataset attribute")
            let match = try SQLCondition.string(SQLQueryString(column), clause.comparison, clause.value)
            return """
                EXISTS (SELECT 1 FROM run_dataset_inputs i JOIN datasets d ON d.dataset_id = i.dataset_id
                WHERE i.run_id = r.run_id AND \(match))
                """
        }
    }

    static func orderTerms(for key: OrderKey, alias: String) throws -> (SQLQueryString?, [SQLQueryString]) {
        let direction = key.ascending ? "ASC" : "DESC"
        switch key.entity {
        case .metric:
            let join: SQLQueryString = "LEFT JOIN latest_metrics \(ident: alias) ON \(ident: alias).run_id = r.run_id AND \(ident: alias).key = \(bind: key.key)"
            // Missing values last, NaN after numbers, in either direction (MLflow's SQL store).
            return (join, [
                "CASE WHEN \(ident: alias).run_id IS NULL THEN 2 WHEN \(ident: alias).is_nan = 1 THEN 1 ELSE 0 END",
                "\(ident: alias).value \(unsafeRaw: direction)",
            ])
        case .param, .tag:
            let table = key.entity == .param ? "params" : "run_tags"
            let join: SQLQueryString = "LEFT JOIN \(ident: table) \(ident: alias) ON \(ident: alias).run_id = r.run_id AND \(ident: alias).key = \(bind: key.key)"
            return (join, [
                "CASE WHEN \(ident: alias).value IS NULL THEN 1 ELSE 0 END",
                "\(ident: alias).value \(unsafeRaw: direction)",
            ])
        case .attribute:
            let name = canonicalAttribute(key.key)
            guard let column = stringAttributes[name] ?? numericAttributes[name] ?? (name == "experiment_id" ? "experiment_id" : nil) else {
                throw StoreError.invalidParameter("Invalid order_by key '\(key.key)': not an orderable run attribute.")
            }
            return (nil, [
                "CASE WHEN r.\(ident: column) IS NULL THEN 1 ELSE 0 END",
                "r.\(ident: column) \(unsafeRaw: direction)",
            ])
        case .dataset:
            throw StoreError.invalidParameter("Invalid order_by key '\(key.key)': runs cannot be ordered by dataset.")
        }
    }
}
