import Foundation
import Testing
@testable import CapstanMonitoring

/// Cells read as pandas 2.3's default float parser reads them.
@Suite struct CellReadingTests {
    func read(_ text: String) -> CellReading.Number? {
        Array(text.utf8).withUnsafeBufferPointer { CellReading.number($0) }
    }

    @Test func numbersOfAtMost15DigitsAreCorrectlyRounded() {
        // 15 digits fit a double exactly and one division by an exact power of ten rounds once.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let mantissa = Int.random(in: -999_999_999_999_999...999_999_999_999_999, using: &generator)
            let text = "\(mantissa)e\(Int.random(in: -22...0, using: &generator))"
            #expect(read(text)?.value == Double(text), "\(text)")
        }
    }

    @Test func seventeenDigitsRoundTwiceAsPandasDoes() {
        #expect(read("0.10490011715303971")?.value == 0.1049001171530397)
        #expect(read("0.10490011715303971")?.value != Double("0.10490011715303971"))
        #expect(read("3.9102862664552687")?.value == 3.9102862664552687)
    }

    @Test func integersCarryTheirExactValue() {
        let big = read("-9223372036854775808")
        #expect(big?.isInteger == true && big?.exactInteger == -9_223_372_036_854_775_808)
        #expect(read("9223372036854775808")?.isInteger == false)
        #expect(read("-0")?.exactInteger.sign == .plus)
        #expect(read("1.0")?.isInteger == false)
    }

    @Test(arguments: ["", "-", "+-3", ".", "e5", "1e", "1e+", "0x10", "1.5.2", "nan", "1e400", "12a"])
    func notANumber(cell: String) {
        #expect(read(cell) == nil)
    }

    @Test func infinitiesInAnyCase() {
        #expect(read("INF")?.value == .infinity && read("-Infinity")?.value == -.infinity && read("+inf")?.value == .infinity)
    }
}
