import CapstanJSON

extension SpecObject {
    /// A duration in milliseconds (`30s`, `5m`, `1h`, or seconds as a number), `fallback` when
    /// the key is absent. Zero (`0`, `"0"`, `"0s"`) is accepted where `allowZero` is set: a
    /// rule's `for: 0` or a route's `group_wait: 0s` mean "immediately".
    func milliseconds(_ key: String, default fallback: Int64, allowZero: Bool) throws(SpecError) -> Int64 {
        guard has(key) else { return fallback }
        let value = try value(key)
        if allowZero {
            switch value {
            case .int(0): return 0
            case .double(let number) where number == 0: return 0
            case .string(let text) where ["0", "0s", "0m", "0h", "0ms", "0d"].contains(text): return 0
            default: break
            }
        }
        let seconds = try seconds(key, atMost: 365 * 86_400)
        return Int64((seconds * 1000).rounded())
    }
}
