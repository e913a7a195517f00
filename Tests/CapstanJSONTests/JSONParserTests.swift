import Testing
@testable import CapstanJSON

/// Nested containers come back whole, in order, whatever their depth and size.
@Suite struct JSONParserTests {
    @Test func nestedContainersKeepTheirElements() throws {
        let text = #"{"a": [1, [2, 3], {"b": []}, "x"], "c": {"d": {"e": [4, {}]}}, "f": [[], [[5]]]}"#
        let expected: JSONValue = .object([
            ("a", .array([.int(1), .array([.int(2), .int(3)]), .object([("b", .array([]))]), .string("x")])),
            ("c", .object([("d", .object([("e", .array([.int(4), .object([])]))]))])),
            ("f", .array([.array([]), .array([.array([.int(5)])])])),
        ])
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
    }

    @Test func largeContainersAreComplete() throws {
        let numbers = (0..<1000).map { Int64($0) }
        let text = "[" + numbers.map { "[\($0), {\"k\($0)\": \($0)}]" }.joined(separator: ",") + "]"
        let expected: JSONValue = .array(numbers.map { .array([.int($0), .object([("k\($0)", .int($0))])]) })
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
    }

    @Test func errorsInsideNestingAreReportedWithTheirOffset() {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(#"{"a": [1, {"b": [2,]}]}"#.utf8)) }
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array("[[[1]]".utf8)) }
    }
}
