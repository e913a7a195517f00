/// Writes JSON straight to bytes, member by member, for responses made on every request:
/// no ``JSONValue`` tree to allocate first. Same spelling as ``JSONWriter``.
///
///     var json = JSONStream()
///     json.beginObject()
///     json.key("name"); json.string("churn")
///     json.key("shape"); json.beginArray(); json.int(1); json.int(2); json.endArray()
///     json.endObject()
///
/// Commas are placed by the stream; keys and values must alternate inside objects.
public struct JSONStream {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    public mutating func key(_ name: String) {
        separate()
        JSONWriter.writeString(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        JSONWriter.writeString(value, into: &bytes)
        needsComma = true
    }

    public mutating func int(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// A float32 in its shortest decimal form (0.2070735), as readers should see it.
    public mutating func float(_ value: Float) {
        if value.isFinite {
            separate()
            bytes.append(contentsOf: value.description.utf8)
            needsComma = true
        } else {
            self.value(.double(Double(value)))
        }
    }

    public mutating func value(_ value: JSONValue) {
        separate()
        JSONWriter.write(value, into: &bytes)
        needsComma = true
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
