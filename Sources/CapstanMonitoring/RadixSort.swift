/// Ascending order for a column of doubles by least-significant-digit radix sort: 11 bits
/// at a time over the bit patterns, six passes for 64 bits, O(n). A drift report sorts
/// every numerical column once per side, and for 100,000 values this is several times
/// faster than a comparison sort.
///
/// The bit patterns are mapped so that unsigned order is numeric order (negative numbers
/// have every bit flipped, positive ones only the sign bit); -0 comes just before +0, which
/// compare equal anyway. Values must not be NaN: callers drop missing values first.
enum RadixSort {
    static func ascending(_ values: [Double]) -> [Double] {
        let count = values.count
        guard count > 64 else { return values.sorted() }
        var keys = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for (index, value) in values.enumerated() {
                let bits = value.bitPattern
                buffer[index] = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
            }
            initialized = count
        }
        var scratch = [UInt64](repeating: 0, count: count)
        let radix = 11, buckets = 1 << radix, mask = UInt64(buckets - 1)
        var histograms = [Int](repeating: 0, count: buckets * 6)
        keys.withUnsafeBufferPointer { keys in
            histograms.withUnsafeMutableBufferPointer { histograms in
                for key in keys {
                    for pass in 0..<6 { histograms[pass * buckets + Int((key >> UInt64(pass * radix)) & mask)] += 1 }
                }
            }
        }
        for pass in 0..<6 {
            let shift = UInt64(pass * radix)
            // A pass whose digit is the same for every value changes nothing.
            let first = Int((keys[0] >> shift) & mask)
            if histograms[pass * buckets + first] == count { continue }
            var offset = 0
            for bucket in 0..<buckets {
                let size = histograms[pass * buckets + bucket]
                histograms[pass * buckets + bucket] = offset
                offset += size
            }
            keys.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    histograms.withUnsafeMutableBufferPointer { histograms in
                        for key in source {
                            let slot = pass * buckets + Int((key >> shift) & mask)
                            target[histograms[slot]] = key
                            histograms[slot] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
        return keys.map { key in
            Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
        }
    }
}
