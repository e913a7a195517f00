import Foundation
import Testing
@testable import CapstanHTTP

/// Axis ticks: nice numeric steps that cover the data, compact labels, and round UTC times.
@Suite("axis ticks")
struct AxisTicksTests {
    static let ranges: [(Double, Double, Int)] = [
        (0, 1, 5), (0, 97, 5), (0.3, 97, 5), (3.7, 39.1, 4), (-37, -2, 5), (-5, 5, 5), (-1234, 98_765, 6),
        (0.91, 0.95, 5), (1e-9, 3e-9, 5), (0, 5e-6, 5), (123_456_789, 987_654_321, 5), (1e15, 9e16, 5),
        (1, 1.000001, 5), (0.001, 0.002, 3), (42, 43, 2), (-0.5, 1e6, 8), (99, 101, 10), (0, 1, 11),
    ]

    @Test(arguments: ranges)
    func ticksCoverTheRange(lower: Double, upper: Double, count: Int) {
        let axis = AxisTicks(covering: lower, upper, count: count)
        #expect(axis.ticks.first!.value <= lower && axis.ticks.last!.value >= upper)
        #expect(axis.lower == axis.ticks.first!.value && axis.upper == axis.ticks.last!.value)
        #expect(axis.ticks.count >= 2 && axis.ticks.count <= 2 * count + 2, "\(axis.ticks.count) ticks for a target of \(count)")
        #expect(zip(axis.ticks, axis.ticks.dropFirst()).allSatisfy { $0.value < $1.value })
    }

    @Test(arguments: ranges)
    func stepsAreOneTwoOrFiveTimesAPowerOfTen(lower: Double, upper: Double, count: Int) {
        let axis = AxisTicks(covering: lower, upper, count: count)
        let exponent = (log10(axis.step)).rounded(.down)
        let mantissa = axis.step / pow(10, exponent)
        #expect([1.0, 2, 5, 10].contains { abs(mantissa - $0) < 1e-9 }, "step \(axis.step)")
        for tick in axis.ticks {
            let k = tick.value / axis.step
            #expect(abs(k - k.rounded()) < 1e-6, "\(tick.value) is not a multiple of \(axis.step)")
        }
    }

    @Test(arguments: ranges)
    func labelsAreDistinctAndShort(lower: Double, upper: Double, count: Int) {
        let labels = AxisTicks(covering: lower, upper, count: count).ticks.map(\.label)
        #expect(Set(labels).count == labels.count, "\(labels)")
        #expect(labels.allSatisfy { $0.count <= 9 }, "\(labels)")
    }

    @Test func roundNumbersForATypicalRange() {
        let axis = AxisTicks(covering: 0.3, 97, count: 5)
        #expect(axis.ticks.map(\.value) == [0, 20, 40, 60, 80, 100])
        #expect(axis.ticks.map(\.label) == ["0", "20", "40", "60", "80", "100"])
    }

    @Test func decimalTicksCarryNoBinaryNoise() {
        let axis = AxisTicks(covering: 0, 1, count: 11)
        #expect(axis.ticks.map(\.value) == [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])
        #expect(axis.ticks.map(\.label)[3] == "0.3")
    }

    @Test func negativeRangesGetNegativeLabels() {
        let axis = AxisTicks(covering: -37, -2, count: 5)
        #expect(axis.ticks.map(\.label) == ["-40", "-30", "-20", "-10", "0"])
    }

    @Test func largeValuesUseSuffixes() {
        #expect(AxisTicks(covering: 0, 2.5e6, count: 6).ticks.map(\.label) == ["0", "500k", "1M", "1.5M", "2M", "2.5M"])
        #expect(AxisTicks(covering: 0, 3e9, count: 4).ticks.map(\.label) == ["0", "1G", "2G", "3G"])
    }

    @Test func tinyValuesUseExponents() {
        #expect(AxisTicks(covering: 0, 5e-6, count: 6).ticks.map(\.label) == ["0", "1e-6", "2e-6", "3e-6", "4e-6", "5e-6"])
        #expect(AxisTicks(covering: 0.001, 0.002, count: 3).ticks.map(\.label) == ["0.001", "0.0015", "0.002"])
    }

    @Test(arguments: [
        (1500.0, 500.0, "1.5k"), (2e6, 1e6, "2M"), (0.001, 0.001, "0.001"), (1e-6, 1e-6, "1e-6"),
        (2.5e-6, 5e-7, "2.5e-6"), (-40, 20, "-40"), (0.1 + 0.2, 0.1, "0.3"), (1e-17, 0.1, "0"),
        (12_345, 1, "12.345k"), (3e18, 1e18, "3e18"), (999_999.6, 1, "1000k"), (.nan, 1, "–"),
    ])
    func compactLabels(value: Double, step: Double, expected: String) {
        #expect(AxisTicks.compact(value, step: step) == expected)
    }

    @Test func zeroWidthRangesAreWidened() {
        let zero = AxisTicks(covering: 0, 0)
        #expect(zero.lower == 0 && zero.upper == 1)
        let five = AxisTicks(covering: 5, 5)
        #expect(five.lower < 5 && five.upper > 5 && five.ticks.count >= 2)
        let negative = AxisTicks(covering: -3e-7, -3e-7)
        #expect(negative.lower < -3e-7 && negative.upper > -3e-7)
    }

    @Test func reversedAndNonFiniteBoundsStillGiveAnAxis() {
        #expect(AxisTicks(covering: 10, 0) == AxisTicks(covering: 0, 10))
        let nan = AxisTicks(covering: .nan, .infinity)
        #expect(nan.lower == 0 && nan.upper == 1)
        let half = AxisTicks(covering: .nan, 4)
        #expect(half.lower < 4 && half.upper > 4)
    }

    @Test func extremeRangesStayFinite() {
        for (low, high) in [(-1e308, 1e308), (0, Double.greatestFiniteMagnitude), (1, 1 + 4 * Double.ulpOfOne), (1e-300, 2e-300)] {
            let axis = AxisTicks(covering: low, high)
            #expect(axis.ticks.allSatisfy(\.value.isFinite) && axis.step.isFinite && axis.ticks.count >= 2, "\(low)...\(high)")
            #expect(axis.lower <= max(low, -1e300) && axis.upper >= min(high, 1e300))
        }
    }

    static let noon: Int64 = 1_764_158_400_000  // 2025-11-26 12:00 UTC
    static let minute: Int64 = 60_000, hour: Int64 = 3_600_000, day: Int64 = 86_400_000

    @Test func threeHoursTickEveryHalfHour() {
        let axis = AxisTicks(timeFromMs: Self.noon, toMs: Self.noon + 3 * Self.hour, count: 6)
        #expect(axis.step == Double(30 * Self.minute))
        #expect(axis.ticks.map(\.label) == ["12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00"])
        #expect(axis.lower == Double(Self.noon) && axis.upper == Double(Self.noon + 3 * Self.hour))
    }

    @Test func ticksSitOnRoundInstantsInsideTheRange() {
        let from = Self.noon + 7 * Self.minute + 13_000, to = from + 95 * Self.minute
        let axis = AxisTicks(timeFromMs: from, toMs: to, count: 5)
        #expect(axis.ticks.first!.label == "12:30" && axis.ticks.last!.label == "13:30")
        #expect(axis.ticks.allSatisfy { $0.value >= Double(from) && $0.value <= Double(to) })
        #expect(axis.ticks.allSatisfy { Int64($0.value) % Int64(axis.step) == 0 })
    }

    @Test func midnightShowsTheDate() {
        let from = Self.noon + 10 * Self.hour  // 22:00
        let labels = AxisTicks(timeFromMs: from, toMs: from + 4 * Self.hour, count: 5).ticks.map(\.label)
        #expect(labels == ["22:00", "23:00", "Nov 27", "01:00", "02:00"])
    }

    @Test func secondsStepsShowSeconds() {
        let labels = AxisTicks(timeFromMs: Self.noon, toMs: Self.noon + 2 * Self.minute, count: 5).ticks.map(\.label)
        #expect(labels == ["12:00:00", "12:00:30", "12:01:00", "12:01:30", "12:02:00"])
    }

    @Test func daysAndYearsUseDates() {
        let days = AxisTicks(timeFromMs: Self.noon, toMs: Self.noon + 13 * Self.day, count: 5)
        #expect(days.step == Double(3 * Self.day))
        #expect(days.ticks.allSatisfy { $0.label.count <= 6 && $0.label.contains(" ") })
        let years = AxisTicks(timeFromMs: Self.noon, toMs: Self.noon + 3650 * Self.day, count: 6)
        #expect(years.ticks.count >= 3)
        #expect(years.ticks.allSatisfy { $0.label.count == 8 && Int($0.label.suffix(4)) != nil }, "\(years.ticks.map(\.label))")
    }

    @Test func zeroWidthTimeRangeGetsTicks() {
        let axis = AxisTicks(timeFromMs: Self.noon, toMs: Self.noon)
        #expect(axis.lower < Double(Self.noon) && axis.upper > Double(Self.noon) && axis.ticks.count >= 2)
        #expect(axis.ticks.contains { $0.value == Double(Self.noon) })
    }

    @Test func civilDatesMatchFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // From 1700: Foundation's Gregorian calendar switches to Julian dates before 1582.
        var days: [Int64] = [0, -1, 20_000, 11_016, -25_567, 2_932_896]
        var generator = SystemRandomNumberGenerator()
        days += (0..<200).map { _ in Int64.random(in: -98_000...2_900_000, using: &generator) }
        for d in days {
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(d) * 86_400))
            let civil = AxisTicks.civil(fromDays: d)
            #expect(civil.year == Int64(parts.year!) && civil.month == parts.month! && civil.day == parts.day!, "day \(d)")
        }
    }
}
