#if canImport(Glibc)
import Glibc
#endif

/// How a monitor's evaluation uses the process heap: it allocates hundreds of megabytes in
/// arrays of several megabytes each (a window of a million logged predictions), then frees
/// them all.
///
/// glibc's defaults suit neither half of that. Blocks over its mmap threshold are mapped
/// afresh and unmapped on free, so every array of the next column faults its pages in again:
/// a drift evaluation over a million predictions took 280,000 page faults, a fifth of its
/// CPU time, and takes 90,000 with `keepFreedBlocks`. And
/// once the threshold has risen, freed blocks stay in the heap, which glibc does not shrink
/// on its own: a server that ran one large monitor would hold that memory until it exits.
/// So freed blocks are kept for reuse during an evaluation, and given back after it.
enum FreedMemory {
    /// Serves blocks up to glibc's largest threshold (32 MB) from the heap and keeps the
    /// heap's free top until `giveBack`. Called once, when the monitor service starts.
    static let keepFreedBlocks: Void = {
        #if canImport(Glibc)
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = glibcSymbol("mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallocOption.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, Int32.max)
        #endif
    }()

    /// Returns the heap's free memory to the system, after an evaluation.
    static func giveBack() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        if let symbol = glibcSymbol("malloc_trim") {
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        #endif
    }

    #if canImport(Glibc)
    /// Swift's Glibc module leaves out <malloc.h>; its functions are looked up instead (they
    /// are glibc's own, so absent under another C library, where nothing is tuned).
    private static func glibcSymbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)
    }
    #endif
}
