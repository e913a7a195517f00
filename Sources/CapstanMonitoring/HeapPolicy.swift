#if canImport(Glibc)
import Glibc
#endif

/// How glibc's heap treats the large arrays of a drift check: hundreds of megabytes for a
/// monitor over a million logged predictions, tens for `capstan drift` over two files, in
/// arrays of megabytes each, allocated column after column and then all freed.
///
/// glibc's default suits neither user. A block over its mmap threshold is mapped afresh and
/// unmapped when freed, and once one is freed the threshold rises to its size, so later
/// blocks of that size stay in the heap after they are freed, which glibc does not shrink
/// on its own. A server then faults every new array's pages in (a drift evaluation over a
/// million predictions took 280,000 page faults, a fifth of its CPU time), yet holds the
/// memory after it; a command peaks higher than its live data.
///
/// Elsewhere (another C library) these do nothing.
public enum HeapPolicy {
    /// For a command that computes once and exits (`capstan drift`): every block over
    /// 128 KiB (glibc's initial threshold, now fixed) goes back to the system when freed,
    /// which lowers the peak by the arrays already done with (about 5 MiB of 90 for `drift` on
    /// two 100,000-row files).
    public static func returnLargeBlocksWhenFreed() {
        setOption(mmapThreshold, 128 << 10)
    }

    /// For a server's monitor evaluations: blocks up to 32 MiB (glibc's largest threshold)
    /// come from the heap and stay there when freed, for the next column's arrays to reuse
    /// (280,000 page faults per evaluation became 90,000), until `giveBack`. Set once, when
    /// the monitor service starts.
    public static let keepFreedBlocksUntilGivenBack: Void = {
        setOption(mmapThreshold, 32 << 20)
        setOption(trimThreshold, Int32.max)
    }()

    /// Returns the heap's free memory to the system: after an evaluation, so that a server
    /// that once ran a large monitor does not hold that memory until it exits.
    public static func giveBack() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        if let symbol = glibcSymbol("malloc_trim") {
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        #endif
    }

    // mallopt's parameters, from <malloc.h>.
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3

    private static func setOption(_ option: Int32, _ value: Int32) {
        #if canImport(Glibc)
        typealias MallocOption = @convention(c) (Int32, Int32) -> Int32
        if let symbol = glibcSymbol("mallopt") {
            _ = unsafeBitCast(symbol, to: MallocOption.self)(option, value)
        }
        #endif
    }

    #if canImport(Glibc)
    /// Swift's Glibc module leaves out <malloc.h>; its functions are looked up instead (they
    /// are glibc's own, so absent under another C library).
    private static func glibcSymbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name)
    }
    #endif
}
