import Testing
@testable import CapstanHTTP

/// Request ids are the log's keys and what feedback names: a random prefix per server, then a
/// counter in hex, each id distinct.
@Suite struct RequestIdsTests {
    @Test func idsArePrefixDashCounterInHex() {
        let ids = RequestIds()
        let made = (1...5_000).map { _ in ids.next() }
        let prefix = made[0].prefix(16)
        #expect(prefix.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        for (offset, id) in made.enumerated() {
            #expect(id == "\(prefix)-\(String(offset + 1, radix: 16))")
        }
        #expect(Set(made).count == made.count)
        #expect(RequestIds().next().prefix(16) != prefix)  // another server: another prefix (2^-64 to fail)
    }
}
