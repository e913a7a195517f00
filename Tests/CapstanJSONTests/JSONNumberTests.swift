import Testing
@testable import CapstanJSON

/// Numbers read without the general conversion must be exactly what it gives.
@Suite struct JSONNumberTests {
    func parsed(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test func quickDecimalsEqualTheGeneralConversion() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...17, using: &generator)
            let mantissa = String(UInt64.random(in: 0..<UInt64(pow10(digits)), using: &generator))
            let point = Int.random(in: 0...mantissa.count, using: &generator)
            var text = String(mantissa.prefix(point).isEmpty ? "0" : mantissa.prefix(point)) + "." + mantissa.dropFirst(point)
            if text.hasSuffix(".") { text += "0" }
            if Bool.random(using: &generator) { text += "e\(Int.random(in: -30...30, using: &generator))" }
            if Bool.random(using: &generator) { text = "-" + text }
            guard case .double(let value) = try parsed(text) else { Issue.record("\(text) is not a double"); continue }
            #expect(value.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }

    @Test func integersStayExact() throws {
        #expect(try parsed("9223372036854775807") == .int(.max))
        #expect(try parsed("-9223372036854775808") == .int(.min))
        #expect(try parsed("123456789012345678") == .int(123_456_789_012_345_678))
        #expect(try parsed("-0") == .int(0))
        #expect(try parsed("[0, 7, -42]") == .array([.int(0), .int(7), .int(-42)]))
    }

    @Test func edgesTakeTheGeneralRouteAndAgree() throws {
        for text in ["1e22", "1e23", "9007199254740993", "9007199254740993.0", "0.1e-22", "1e-400", "1e400", "-0.0",
                     "123456789012345678901234567890", "4.9406564584124654e-324", "2.2250738585072014e-308", "0.30000000000000004"] {
            let value = try parsed(text)
            let expected = Double(text)!
            switch value {
            case .double(let d): #expect(d.bitPattern == expected.bitPattern || (d.isInfinite && expected.isInfinite), "\(text)")
            case .int(let i): #expect(Double(i) == expected, "\(text)")
            default: Issue.record("\(text) gave \(value)")
            }
        }
    }

    @Test func malformedNumbersAreRefused() {
        for text in ["-", "1e", "1e+", "--1", "1.2.3", "[1.]x"] {
            #expect(throws: (any Error).self, "\(text)") { try parsed(text) }
        }
    }

    func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { v, _ in v * 10 } }
}
