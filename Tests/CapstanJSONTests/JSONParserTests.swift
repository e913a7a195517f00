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

    /// Bodies arrive as contiguous buffers and are read in place; any other collection is
    /// copied first. Both read the same, errors and offsets included.
    @Test func contiguousAndOtherCollectionsParseAlike() throws {
        let text = #"{"inputs": [{"data": [0.5, -2, 1e3, "x"]}], "id": null}"#
        let bytes = Array(text.utf8)
        let inPlace = try JSONParser.parse(bytes)
        let copied = try JSONParser.parse(bytes.lazy.map { $0 })
        #expect(bytes.lazy.map { $0 }.withContiguousStorageIfAvailable { _ in true } == nil)
        #expect(inPlace == copied)
        #expect(copied == .object([("inputs", .array([.object([("data", .array([.double(0.5), .int(-2), .double(1000), .string("x")]))])])),
                                   ("id", .null)]))
        let broken = Array("[1, 2,]".utf8)
        for parse in [{ try JSONParser.parse(broken) }, { try JSONParser.parse(broken.lazy.map { $0 }) }] as [() throws -> JSONValue] {
            do {
                _ = try parse()
                Issue.record("a trailing comma was accepted")
            } catch let error as JSONParser.SyntaxError {
                #expect(error.description == "invalid value at byte 6")
            }
        }
    }
}
