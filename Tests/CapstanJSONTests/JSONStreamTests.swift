import Testing
@testable import CapstanJSON

/// The streaming writer places commas itself and spells values as the tree writer does.
@Suite struct JSONStreamTests {
    @Test func writesWhatTheTreeWriterWrites() throws {
        var json = JSONStream()
        json.beginObject()
        json.key("name"); json.string("a \"b\"\n")
        json.key("empty"); json.beginArray(); json.endArray()
        json.key("nested")
        json.beginArray()
        json.beginObject(); json.key("x"); json.int(-3); json.endObject()
        json.beginObject(); json.endObject()
        json.float(0.2070735); json.float(.nan); json.value(.null)
        json.endArray()
        json.key("last"); json.int(.max)
        json.endObject()
        let tree: JSONValue = .object([
            ("name", .string("a \"b\"\n")), ("empty", .array([])),
            ("nested", .array([.object([("x", .int(-3))]), .object([]), .double(0.2070735), .double(.nan), .null])),
            ("last", .int(.max)),
        ])
        #expect(String(decoding: json.bytes, as: UTF8.self) == JSONWriter.string(tree))
        #expect(try JSONParser.parse(json.bytes)["last"] == .int(.max))
    }

    @Test func floatsKeepTheirShortestForm() {
        for value: Float in [0.1, 1, 1e-5, 3.4028235e38, -2.5, 100_000] {
            var json = JSONStream()
            json.float(value)
            let text = String(decoding: json.bytes, as: UTF8.self)
            #expect(Float(text) == value, "\(text)")
            #expect(text == value.description)
        }
    }
}
