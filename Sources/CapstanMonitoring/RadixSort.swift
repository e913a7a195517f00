/// Ascending order for a column of doubles by least-significant-digit radix sort: 11 bits
/// at a time over the bit patterns, O(n). A drift report sorts every numerical column once
/// per side, and for 100,000 values this is several times faster than a comparison sort.
///
/// The bit patterns are mapped so that unsigned order is numeric order (negative numbers
/// have every bit flipped, positive ones only the sign bit); -0 comes just before +0, which
/// compare equal anyway. Values must not be NaN: callers drop missing values first.
///
/// A column whose every value is exactly a `Float` (a model's float32 inputs, as the
/// prediction log holds them) is sorted on 32-bit keys: three passes over half the memory
/// instead of four or more over 64-bit keys. A monitor sorts a million values per column.
enum RadixSort {
    static func ascending(_ values: [Double]) -> [Double] {
        let count = values.count
        guard count > 64 else { return values.sorted() }
        if values.allSatisfy({ Double(Float($0)) == $0 }) {
            var keys = values.map { orderedKey(Float($0).bitPattern) }
            var scratch = [UInt32](repeating: 0, count: count)
            keys.withUnsafeMutableBufferPointer { keys in
                scratch.withUnsafeMutableBufferPointer { scratch in sort(keys, scratch: scratch) }
            }
            return keys.map { Double(Float(bitPattern: bitPattern($0))) }
        }
        // The result's storage holds the keys while they are sorted, and each key becomes the
        // double it stands for in place: one buffer of n values fewer.
        var scratch = [UInt64](repeating: 0, count: count)
        return [Double](unsafeUninitializedCapacity: count) { result, initialized in
            result.withMemoryRebound(to: UInt64.self) { keys in
                for (index, value) in values.enumerated() { keys[index] = orderedKey(value.bitPattern) }
                scratch.withUnsafeMutableBufferPointer { scratch in sort(keys, scratch: scratch) }
                for index in keys.indices { keys[index] = bitPattern(keys[index]) }
            }
            initialized = count
        }
    }

    /// A key whose unsigned order is the numeric order of the float with bit pattern `bits`.
    @inline(__always)
    static func orderedKey<Key: FixedWidthInteger & UnsignedInteger>(_ bits: Key) -> Key {
        let sign: Key = 1 << (Key.bitWidth - 1)
        return bits & sign != 0 ? ~bits : bits | sign
    }

    /// The bit pattern an ordered key came from (`orderedKey`'s inverse).
    @inline(__always)
    static func bitPattern<Key: FixedWidthInteger & UnsignedInteger>(_ key: Key) -> Key {
        let sign: Key = 1 << (Key.bitWidth - 1)
        return key & sign != 0 ? key & ~sign : ~key
    }

    /// Sorts `keys` in place, 11 bits per pass, through `scratch` (as long as `keys`). A pass
    /// whose digit is the same for every key is skipped: the low bits of doubles converted
    /// from floats, for example, are all zero.
    static func sort<Key: FixedWidthInteger & UnsignedInteger>(_ keys: UnsafeMutableBufferPointer<Key>,
                                                               scratch: UnsafeMutableBufferPointer<Key>) {
        let count = keys.count
        let radix = 11, buckets = 1 << radix, mask = Key(buckets - 1)
        let passes = (Key.bitWidth + radix - 1) / radix
        var histograms = [Int](repeating: 0, count: buckets * passes)
        histograms.withUnsafeMutableBufferPointer { histograms in
            for key in keys {
                for pass in 0..<passes { histograms[pass * buckets + Int((key >> (pass * radix)) & mask)] += 1 }
            }
            var (source, target) = (keys, scratch)
            for pass in 0..<passes {
                let shift = pass * radix
                if histograms[pass * buckets + Int((source[0] >> shift) & mask)] == count { continue }
                var offset = 0
                for bucket in 0..<buckets {
                    let size = histograms[pass * buckets + bucket]
                    histograms[pass * buckets + bucket] = offset
                    offset += size
                }
                for key in source {
                    let slot = pass * buckets + Int((key >> shift) & mask)
                    target[histograms[slot]] = key
                    histograms[slot] += 1
                }
                swap(&source, &target)
            }
            if source.baseAddress != keys.baseAddress {
                keys.baseAddress!.update(from: source.baseAddress!, count: count)
            }
        }
    }
}
