/// An inclusive interval with optional ends, as expectations write `[min, max]` or
/// `{min: …, max: …}` (Great Expectations' `between`: both ends included, a missing end
/// is unbounded).
public struct Bounds<Bound: Comparable & Sendable>: Sendable, Equatable {
    public var min: Bound?
    public var max: Bound?

    public init(min: Bound? = nil, max: Bound? = nil) {
        self.min = min
        self.max = max
    }

    public func contains(_ value: Bound) -> Bool {
        if let min, value < min { return false }
        if let max, value > max { return false }
        return true
    }
}
