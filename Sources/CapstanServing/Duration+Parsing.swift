import CapstanJSON

extension Duration {
    /// Seconds (at most 30 days) in a duration written as `90`, `500ms`, `30s`, `5m` or `1h`.
    static func seconds(parsing value: JSONValue, field: String) throws -> Double {
        let seconds = try unboundedSeconds(parsing: value, field: field)
        guard seconds <= 30 * 86_400 else { throw ServingError.invalidSpec("\(field) must be at most 30 days") }
        return seconds
    }

    private static func unboundedSeconds(parsing value: JSONValue, field: String) throws -> Double {
        let error = ServingError.invalidSpec("\(field) must be a duration such as 30s, 5m or 1h, got \(JSONWriter.string(value))")
        if let number = SpecObject.number(value) {
            guard number > 0 else { throw error }
            return number
        }
        guard case .string(let text) = value else { throw error }
        for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where text.hasSuffix(suffix) {
            if let amount = Double(text.dropLast(suffix.count)), amount > 0, amount.isFinite { return amount * scale }
            throw error
        }
        guard let amount = Double(text), amount > 0 else { throw error }
        return amount
    }
}
