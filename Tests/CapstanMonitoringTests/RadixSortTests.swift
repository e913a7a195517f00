import CapstanStats
import Testing
@testable import CapstanMonitoring

@Suite struct RadixSortTests {
    @Test func doublesSortAsTheStandardLibrarySortsThem() {
        var random = SplitMix64(seed: 1)
        var values = (0..<5000).map { _ in Double.random(in: -1e6...1e6, using: &random) }
        values += [0, -0.0, .leastNonzeroMagnitude, -Double.leastNormalMagnitude / 3, .infinity, -.infinity, .greatestFiniteMagnitude, 3, 3, 3]
        values.shuffle(using: &random)
        #expect(RadixSort.ascending(values) == values.sorted())
    }

    @Test func floatExactValuesTakeTheThirtyTwoBitPathAndSortTheSame() {
        var random = SplitMix64(seed: 2)
        var values = (0..<5000).map { _ in Double(Float.random(in: -1000...1000, using: &random)) }
        values += [0, -0.0, Double(Float.leastNonzeroMagnitude), -Double(Float.greatestFiniteMagnitude), 7, 7]
        values.shuffle(using: &random)
        let sorted = RadixSort.ascending(values)
        #expect(sorted == values.sorted())
        // Every value comes back exactly, with its sign (the 32-bit keys must not round).
        #expect(sorted.map(\.bitPattern).sorted() == values.map(\.bitPattern).sorted())
    }

    @Test func oneValueThatIsNotAFloatKeepsTheSixtyFourBitPath() {
        var random = SplitMix64(seed: 3)
        var values = (0..<1000).map { _ in Double(Float.random(in: 0...1, using: &random)) }
        values.append(0.1)  // not exactly a Float: rounding it to one would change the order
        values.append(Double(Float(0.1)))
        #expect(RadixSort.ascending(values) == values.sorted())
    }

    @Test func shortColumnsAndConstantColumns() {
        #expect(RadixSort.ascending([3, 1, 2]) == [1, 2, 3])
        #expect(RadixSort.ascending([Double](repeating: 4.5, count: 500)) == [Double](repeating: 4.5, count: 500))
    }
}
