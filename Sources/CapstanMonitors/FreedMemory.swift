#if canImport(Glibc)
import Glibc
#endif

/// Gives the memory of a finished evaluation back to the system.
///
/// Why: a window of a million logged predictions takes hundreds of megabytes, in arrays of
/// several megabytes each. After such blocks are freed, glibc raises its mmap threshold and
/// serves the next ones from its heap, which it does not shrink on its own; without a trim, a
/// server that once ran a large monitor would hold that memory until it exits.
enum FreedMemory {
    static func giveBack() {
        #if canImport(Glibc)
        // Swift's Glibc module leaves out <malloc.h>; the symbol is looked up instead (it is
        // glibc's own, so absent under another C library, where this does nothing).
        typealias MallocTrim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        #endif
    }
}
