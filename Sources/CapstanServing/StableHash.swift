/// A hash of a routing key that every replica and every restart computes alike (Swift's
/// `Hasher` is seeded per process, so it cannot be used for this).
///
/// FNV-1a over the UTF-8 bytes, then SplitMix64's finaliser so that keys differing in one
/// character land far apart.
public enum StableHash {
    public static func hash(_ key: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        h ^= h >> 30
        h &*= 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27
        h &*= 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }

    /// The key's place in [0, 1).
    public static func unitInterval(_ key: String) -> Double {
        Double(hash(key) >> 11) / Double(UInt64(1) << 53)
    }
}
