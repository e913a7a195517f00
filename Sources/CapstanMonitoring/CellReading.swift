/// How pandas reads one CSV cell: missing markers and numbers.
///
/// Numbers are read the way pandas 2's C parser reads them by default
/// (`read_csv(float_precision=None)`, its `precise_xstrtod`), not correctly rounded: the
/// first 17 digits, leading zeros included, are accumulated in a double and the result is
/// multiplied or divided once by a power of ten. For about a quarter of the 17-digit
/// numbers pandas writes, that is one ulp away from the correctly rounded value, and
/// Evidently computes on pandas' values, so Capstan does too. The digits are accumulated as
/// an integer while that is exact, so most cells cost no more than an integer parse.
enum CellReading {
    /// pandas' default missing-value markers (`read_csv`'s `na_values`), which Evidently then
    /// drops as NaN.
    static let missingMarkers: [[UInt8]] = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
        "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ].map { Array($0.utf8) }

    static func isMissing(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        guard cell.count <= 9 else { return false }
        return missingMarkers.contains { $0.count == cell.count && $0.elementsEqual(cell) }
    }

    /// A cell read as a number.
    struct Number {
        /// The value pandas gives the cell in a float column.
        var value: Double
        /// The cell is a whole number within Int64 (pandas reads a column of only such cells as
        /// int64, whose values are then `exactInteger`).
        var isInteger: Bool
        /// The integer, correctly rounded to a double; only meaningful when `isInteger`.
        var exactInteger: Double
    }

    /// pandas' powers of ten (`e[]` in its tokenizer): the correctly rounded doubles `1e0` … `1e308`.
    static let powersOfTen: [Double] = (0...308).map { Double("1e\($0)")! }

    /// The cell as a number, as pandas reads one: surrounding spaces or tabs, one sign;
    /// `inf`, `-inf` and `infinity` in any case are infinite; nil when it is not a number
    /// (hex, `nan` inside other text, an exponent past 308, a value that overflows).
    static func number(_ cell: UnsafeBufferPointer<UInt8>) -> Number? {
        var low = 0, high = cell.count
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while low < high, isSpace(cell[low]) { low += 1 }
        while high > low, isSpace(cell[high - 1]) { high -= 1 }
        guard low < high else { return nil }
        var i = low
        var negative = false
        if cell[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if cell[i] == UInt8(ascii: "+") {
            i += 1
        }
        let zero = UInt8(ascii: "0")
        // pandas keeps the first 17 digits, leading zeros included (an integer of at most
        // 17 digits fits a UInt64 exactly); later integer digits raise the exponent.
        var digits = 0, exponent = 0
        var kept: UInt64 = 0
        let integerStart = i
        while i < high {
            let digit = cell[i] &- zero
            guard digit < 10 else { break }
            if digits < 17 {
                kept = kept &* 10 &+ UInt64(digit)
                digits += 1
            } else {
                exponent += 1
            }
            i += 1
        }
        let integerEnd = i
        var isInteger = true
        if i < high, cell[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            var decimals = 0
            while digits < 17, i < high {
                let digit = cell[i] &- zero
                guard digit < 10 else { break }
                kept = kept &* 10 &+ UInt64(digit)
                digits += 1
                decimals += 1
                i += 1
            }
            while i < high, cell[i] &- zero < 10 { i += 1 }
            exponent -= decimals
        }
        guard digits > 0 else { return infinity(UnsafeBufferPointer(rebasing: cell[low..<high])) }
        if i < high, cell[i] == UInt8(ascii: "e") || cell[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            var exponentNegative = false
            if i < high, cell[i] == UInt8(ascii: "-") || cell[i] == UInt8(ascii: "+") {
                exponentNegative = cell[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponentDigits = 0, written = 0
            while exponentDigits < 17, i < high, cell[i] &- zero < 10 {
                written = written * 10 + Int(cell[i] &- zero)
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard i == high else { return nil }
        // The first 15 digits fit a double exactly; the 16th and 17th are added in double
        // arithmetic, a rounding at each step, as pandas adds them.
        var number: Double
        switch digits {
        case ...15:
            number = Double(kept)
        case 16:
            number = Double(kept / 10) * 10
            number = number + Double(kept % 10)
        default:
            number = Double(kept / 100) * 10
            number = number + Double(kept / 10 % 10)
            number = number * 10
            number = number + Double(kept % 10)
        }
        if negative { number = -number }
        if exponent > 308 {
            return nil
        } else if exponent > 0 {
            number *= powersOfTen[exponent]
        } else if exponent < -308 {
            // Subnormal range: two divisions; below 1e-616 pandas gives +0 (sign dropped).
            if exponent < -616 {
                number = 0
            } else {
                number /= powersOfTen[-308 - exponent]
                number /= powersOfTen[308]
            }
        } else {
            number /= powersOfTen[-exponent]
        }
        guard number.isFinite else { return nil }
        var exact = number
        if isInteger {
            // As int64 ("-0" is 0); past Int64 it is not an integer column.
            var whole: UInt64 = 0
            for index in integerStart..<integerEnd {
                let (times10, o1) = whole.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(cell[index] &- zero))
                guard !o1, !o2 else { return Number(value: number, isInteger: false, exactInteger: number) }
                whole = sum
            }
            guard whole <= (negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)) else {
                return Number(value: number, isInteger: false, exactInteger: number)
            }
            exact = Double(negative ? (whole == UInt64(Int64.max) + 1 ? Int64.min : -Int64(whole)) : Int64(whole))
        }
        return Number(value: number, isInteger: isInteger, exactInteger: exact)
    }

    /// `inf`, `infinity`, with a sign or not, in any case; nil for anything else.
    static func infinity(_ slice: UnsafeBufferPointer<UInt8>) -> Number? {
        var bytes = slice[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard bytes.count == 3 || bytes.count == 8 else { return nil }
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
        guard word == "inf" || word == "infinity" else { return nil }
        let value: Double = negative ? -.infinity : .infinity
        return Number(value: value, isInteger: false, exactInteger: value)
    }
}
