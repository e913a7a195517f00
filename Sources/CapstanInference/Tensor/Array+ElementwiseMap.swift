extension Array {
    /// `map` as a plain indexed loop into uninitialised storage, which the compiler can
    /// vectorise; the standard `map` appends element by element, checking capacity each time.
    @inline(__always)
    func elementwise<R>(_ transform: (Element) -> R) -> [R] {
        [R](unsafeUninitializedCapacity: count) { buffer, initialized in
            withUnsafeBufferPointer { source in
                let out = buffer.baseAddress!
                for i in 0..<source.count { (out + i).initialize(to: transform(source[i])) }
            }
            initialized = count
        }
    }

    /// `zip(self, other).map(combine)` for arrays of equal length, vectorisable like ``elementwise(_:)``.
    @inline(__always)
    func elementwise<U, R>(_ other: [U], _ combine: (Element, U) -> R) -> [R] {
        precondition(other.count == count, "elementwise arrays differ in length")
        return [R](unsafeUninitializedCapacity: count) { buffer, initialized in
            withUnsafeBufferPointer { a in
                other.withUnsafeBufferPointer { b in
                    let out = buffer.baseAddress!
                    for i in 0..<a.count { (out + i).initialize(to: combine(a[i], b[i])) }
                }
            }
            initialized = count
        }
    }
}
