import Testing
@testable import CapstanStorage

@Suite("MLflow search grammar")
struct FilterParserTests {
    @Test func emptyFilterMeansNoClauses() throws {
        #expect(try FilterParser.parse("").isEmpty)
        #expect(try FilterParser.parse("   ").isEmpty)
    }

    @Test func parsesEntityPrefixesAndTheirAliases() throws {
        let clauses = try FilterParser.parse("metrics.acc > 0.5 and params.lr = '0.1' AND tag.team != \"ml\" AND attribute.status = 'FINISHED'")
        #expect(clauses == [
            FilterClause(entity: .metric, key: "acc", comparison: .greater, value: .number(0.5)),
            FilterClause(entity: .param, key: "lr", comparison: .equal, value: .string("0.1")),
            FilterClause(entity: .tag, key: "team", comparison: .notEqual, value: .string("ml")),
            FilterClause(entity: .attribute, key: "status", comparison: .equal, value: .string("FINISHED")),
        ])
    }

    @Test func bareKeyIsAnAttribute() throws {
        #expect(try FilterParser.parse("run_name LIKE 'a%'") == [
            FilterClause(entity: .attribute, key: "run_name", comparison: .like, value: .string("a%")),
        ])
    }

    @Test func quotedKeysKeepSpecialCharacters() throws {
        let clauses = try FilterParser.parse("tags.`mlflow.runName` = 'x' AND metrics.\"my metric\" <= -1e-3 AND params.`lr-1` ILIKE '%A%'")
        #expect(clauses.map(\.key) == ["mlflow.runName", "my metric", "lr-1"])
        #expect(clauses[1].value == .number(-0.001))
        #expect(clauses[2].comparison == .ilike)
    }

    @Test func unquotedDottedKeysAreOneKey() throws {
        #expect(try FilterParser.parse("tags.mlflow.user = 'me'")[0].key == "mlflow.user")
    }

    @Test func parsesInAndNotInLists() throws {
        let clauses = try FilterParser.parse("attributes.run_id IN ('a', \"b\") AND run_id NOT IN ('c')")
        #expect(clauses[0].value == .list(["a", "b"]))
        #expect(clauses[0].comparison == .in)
        #expect(clauses[1].comparison == .notIn)
    }

    @Test(arguments: [
        "metrics.acc > 0.5 OR metrics.acc < 0.1",
        "(metrics.acc > 0.5)",
        "metrics.acc >",
        "params.lr = unquoted",
        "metrics.acc ! 3",
        "tags.x = 'unterminated",
        "NOT metrics.a = 1",
        "metrics.acc > 0.5 AND",
    ])
    func rejectsWhatMLflowRejects(_ filter: String) {
        #expect(throws: StoreError.self) { try FilterParser.parse(filter) }
    }

    @Test func rejectsUnknownEntity() {
        #expect(throws: StoreError.invalidParameter(
            "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']."
        )) { try FilterParser.parse("foo.bar = 'x'") }
    }

    @Test func parsesOrderKeys() throws {
        #expect(try FilterParser.parseOrderKey("metrics.acc DESC") == OrderKey(entity: .metric, key: "acc", ascending: false))
        #expect(try FilterParser.parseOrderKey("start_time") == OrderKey(entity: .attribute, key: "start_time", ascending: true))
        #expect(try FilterParser.parseOrderKey("params.`a b` asc") == OrderKey(entity: .param, key: "a b", ascending: true))
        #expect(throws: StoreError.self) { try FilterParser.parseOrderKey("metrics.acc sideways") }
    }

    @Test func pageTokensRoundTripAndRejectGarbage() throws {
        #expect(try PageToken.offset(from: PageToken.make(offset: 42)) == 42)
        #expect(try PageToken.offset(from: nil) == 0)
        #expect(try PageToken.offset(from: "") == 0)
        #expect(throws: StoreError.self) { try PageToken.offset(from: "not-a-token") }
    }
}
