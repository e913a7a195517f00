import Foundation

/// Tick marks for a chart axis: where they go, what they say, and the range the axis spans.
///
/// Numeric axes use Heckbert's "nice numbers" (Graphics Gems, 1990): the step is 1, 2 or 5
/// times a power of ten, and the axis is widened to whole steps ("loose labelling"), so
/// ticks read `0, 20, 40` rather than `3.7, 21.4, 39.1`. Time axes keep the given range and
/// put ticks on round UTC instants (every 5 minutes, every 6 hours, at midnight).
///
/// ```swift
/// let y = AxisTicks(covering: 0.3, 97, count: 5)   // 0, 20, 40, 60, 80, 100
/// let x = AxisTicks(timeFromMs: start, toMs: end)   // "14:00", "14:30", …
/// ```
public struct AxisTicks: Sendable, Equatable {
    static let limit = 1e300

    /// One tick: its position in data units and its label.
    public struct Tick: Sendable, Equatable {
        public let value: Double
        public let label: String
    }

    /// The range the axis spans. For numeric ticks it starts and ends on a tick; for time
    /// ticks it is the range asked for.
    public let lower: Double
    public let upper: Double
    /// The distance between ticks (milliseconds for time ticks).
    public let step: Double
    public let ticks: [Tick]

    /// Nice ticks covering `lower...upper`, about `count` of them (at least 2).
    ///
    /// The bounds may come in either order. A zero-width range is widened around its value
    /// (`0` becomes `0...1`); a non-finite bound is replaced by the other one, and two
    /// non-finite bounds give `0...1`, so a chart of broken data still gets an axis. Bounds
    /// are clamped to ±1e300, far past any metric, so the outer ticks stay finite.
    public init(covering lower: Double, _ upper: Double, count: Int = 5) {
        let finite = [lower, upper].filter(\.isFinite).map { min(max($0, -Self.limit), Self.limit) }
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if low == high {
            let spread = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = low == 0 ? (0, 1) : (low - spread, high + spread)
        }
        let intervals = Double(max(count, 2) - 1)
        // Divided before subtracting so ranges near ±Double.greatestFiniteMagnitude do not overflow.
        let (mantissa, exponent) = Self.niceStep(high / intervals - low / intervals)
        let step = Self.scaled(mantissa, exponent)
        // A hair of tolerance so 5e-6 / 1e-6 = 5.000000000000001 does not add a sixth tick,
        // then a check that the outer ticks still cover the bounds.
        var first = (low / step + 1e-9).rounded(.down), last = (high / step - 1e-9).rounded(.up)
        if Self.multiple(first, mantissa, exponent) > low { first -= 1 }
        if Self.multiple(last, mantissa, exponent) < high { last += 1 }
        var values: [Double] = []
        // A range only a few ulps wide has more steps than doubles can count; it gets its bounds.
        if last - first <= 1_000, first + 1 != first {
            for k in stride(from: first, through: last, by: 1) {
                let value = Self.multiple(k, mantissa, exponent)
                if values.last != value { values.append(value) }
            }
        }
        if values.count < 2 { values = [low, high] }
        self.lower = values.first ?? low
        self.upper = values.last ?? high
        self.step = step
        self.ticks = values.map { Tick(value: $0, label: Self.compact($0, step: step)) }
    }

    /// Ticks on round UTC instants within `fromMs...toMs` (milliseconds since the epoch),
    /// about `count` of them, labelled `14:30:15`, `14:30`, `Nov 26` or `Nov 2024` as the
    /// step grows. With steps under a day, a tick at midnight shows the date instead of
    /// `00:00`, so a range spanning days says which. A zero-width range is widened by 30
    /// seconds each side.
    public init(timeFromMs fromMs: Int64, toMs: Int64, count: Int = 6) {
        // ±100 million days, JavaScript's date range, keeps the arithmetic below in Int64.
        let bound: Int64 = 8_640_000_000_000_000
        var from = min(max(min(fromMs, toMs), -bound), bound), to = min(max(max(fromMs, toMs), -bound), bound)
        if from == to { (from, to) = (from - 30_000, to + 30_000) }
        let span = Double(to) - Double(from)
        let target = Double(max(count, 2) - 1)
        // The step whose number of intervals is closest to the target, the smaller on a tie.
        let step = span / Double(Self.timeSteps.last!) > target
            ? Self.yearMultiple(span / target)
            : Self.timeSteps.min { abs(span / Double($0) - target) < abs(span / Double($1) - target) }!
        let firstTick = Self.floorDiv(from, step) + (Self.floorDiv(from, step) * step < from ? 1 : 0)
        var ticks: [Tick] = []
        var k = firstTick
        while k * step <= to {
            ticks.append(Tick(value: Double(k * step), label: Self.timeLabel(k * step, step: step)))
            k += 1
        }
        self.lower = Double(from)
        self.upper = Double(to)
        self.step = Double(step)
        self.ticks = ticks
    }
}

extension AxisTicks {
    /// Heckbert's rounding: the nice number (1, 2, 5 or 10 times a power of ten) closest to
    /// `range` divided into steps, as a mantissa and exponent so tick values can be computed
    /// by integer arithmetic and stay free of binary noise (`0.3`, not `0.30000000000000004`).
    static func niceStep(_ rawStep: Double) -> (mantissa: Double, exponent: Int) {
        guard rawStep > 0, rawStep.isFinite else { return (1, 0) }
        var exponent = Int(rawStep.log10Floor)
        let fraction = rawStep / scaled(1, exponent)
        let mantissa: Double
        switch fraction {
        case ..<1.5: mantissa = 1
        case ..<3: mantissa = 2
        case ..<7: mantissa = 5
        default: mantissa = 1; exponent += 1
        }
        return (mantissa, exponent)
    }

    /// `mantissa × 10^exponent`, dividing for negative exponents because `10^-k` is inexact
    /// in binary and dividing by the exact `10^k` gives the correctly rounded result.
    static func scaled(_ mantissa: Double, _ exponent: Int) -> Double {
        if exponent >= 0 { return mantissa * power10(exponent) }
        if exponent < -300 { return mantissa / power10(300) / power10(-exponent - 300) }
        return mantissa / power10(-exponent)
    }

    /// Tick `k`: `k × mantissa × 10^exponent`, computed the exact way for each sign of exponent.
    static func multiple(_ k: Double, _ mantissa: Double, _ exponent: Int) -> Double {
        scaled(k * mantissa, exponent)
    }

    static func power10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<min(n, 400) { result *= 10 }
        return result
    }

    /// A compact label for `value` on an axis whose ticks are `step` apart: `0`, `0.25`,
    /// `1.5k`, `2M`, `3G`, `-40`, `5e-6`. The step decides the precision, so neighbouring
    /// ticks never print the same label; values under 1e-4 and over 1e15 use exponent form.
    public static func compact(_ value: Double, step: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "-∞") }
        let step = step.isFinite && step > 0 ? abs(step) : max(abs(value), 1)
        if abs(value) < step * 1e-6 { return "0" }
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        if magnitude < 1e-4 || magnitude >= 1e15 {
            let exponent = Int(magnitude.log10Floor)
            let digits = max(0, exponent - Int(step.log10Floor))
            var mantissa = magnitude / scaled(1, exponent)
            var exp = exponent
            if Self.fixed(mantissa, decimals: digits) == Self.fixed(10, decimals: digits) { mantissa /= 10; exp += 1 }
            return "\(sign)\(trimmed(fixed(mantissa, decimals: digits)))e\(exp)"
        }
        let suffixes: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        let (scale, suffix) = suffixes.first { magnitude >= $0.0 } ?? (1, "")
        let decimals = max(0, -Int((step / scale).log10Floor))
        return sign + trimmed(fixed(magnitude / scale, decimals: min(decimals, 15))) + suffix
    }

    /// `value` with exactly `decimals` decimals, by integer arithmetic on the rounded value
    /// (no `String(format:)`, which would bring Foundation's locale into labels).
    static func fixed(_ value: Double, decimals: Int) -> String {
        let scaleFactor = power10(decimals)
        let scaledValue = (value * scaleFactor).rounded()
        guard scaledValue < 9e15 else { return "\(Int64(value.rounded()))" }
        let units = Int64(scaledValue)
        let divisor = Int64(scaleFactor)
        let whole = units / divisor, fraction = units % divisor
        guard decimals > 0 else { return "\(whole)" }
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }

    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var out = Substring(text)
        while out.hasSuffix("0") { out = out.dropLast() }
        if out.hasSuffix(".") { out = out.dropLast() }
        return String(out)
    }
}

extension AxisTicks {
    static let second: Int64 = 1_000, minute: Int64 = 60_000, hour: Int64 = 3_600_000, day: Int64 = 86_400_000

    /// Steps a reader counts in: seconds and minutes by 1, 2, 5, 10, 15, 30; hours by 1, 2, 3,
    /// 6, 12; days by 1, 2, 3, 7, 14, 30, 90, 180.
    static let timeSteps: [Int64] =
        [1, 2, 5, 10, 15, 30].map { $0 * second } + [1, 2, 5, 10, 15, 30].map { $0 * minute }
        + [1, 2, 3, 6, 12].map { $0 * hour } + [1, 2, 3, 7, 14, 30, 90, 180].map { $0 * day }

    /// Past half a year, whole (365-day) years by nice multiples.
    static func yearMultiple(_ rawStep: Double) -> Int64 {
        let years = rawStep / Double(365 * day)
        let (mantissa, exponent) = niceStep(years)
        return Int64(max(1, scaled(mantissa, exponent)).rounded()) * 365 * day
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func timeLabel(_ ms: Int64, step: Int64) -> String {
        let days = floorDiv(ms, day)
        let msOfDay = ms - days * day
        let (year, month, dayOfMonth) = civil(fromDays: days)
        let date = "\(months[month - 1]) \(dayOfMonth)"
        if step >= 30 * day { return "\(months[month - 1]) \(year)" }
        if step >= day || msOfDay == 0 { return date }
        let h = msOfDay / hour, m = (msOfDay % hour) / minute, s = (msOfDay % minute) / second
        let hm = "\(two(h)):\(two(m))"
        return step < minute ? "\(hm):\(two(s))" : hm
    }

    static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Year, month (1–12) and day of the proleptic Gregorian calendar for a count of days
    /// since 1970-01-01, after Howard Hinnant's `civil_from_days` ("chrono-Compatible
    /// Low-Level Date Algorithms"); written here so labels need no calendar or locale.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), Int(m), Int(d))
    }
}

extension Double {
    /// `floor(log10(self))` for positive finite values, corrected where `log10` rounds across
    /// a power of ten (`log10(1e-3)` may give `-2.9999999999999996`).
    var log10Floor: Double {
        guard self > 0, isFinite else { return 0 }
        var e = Int(log10(self).rounded(.down))
        if AxisTicks.scaled(1, e + 1) <= self { e += 1 }
        if AxisTicks.scaled(1, e) > self { e -= 1 }
        return Double(e)
    }
}
