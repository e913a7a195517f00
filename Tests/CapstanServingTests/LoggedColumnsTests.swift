import CapstanInference
import Testing
@testable import CapstanServing

/// A window of the prediction log read back as columns: values land in the right column
/// whatever each request's layout, and a damaged row adds nothing.
@Suite struct LoggedColumnsTests {
    func encoded(_ columns: [(String, FeatureFrame.Column)]) throws -> [UInt8] {
        FrameEncoding.encode(try FeatureFrame(columns.map { (name: $0.0, column: $0.1) }))
    }

    @Test func requestsWithTheSameLayoutAppendTheirRows() throws {
        var logged = LoggedColumns()
        let names = (0..<4).map { "float_input_\($0)" }
        for request in 0..<3 {
            try logged.append(try encoded(names.enumerated().map { ($1, .float32([Float(request * 10 + $0), Float(request * 10 + $0) + 0.5])) }))
        }
        #expect(logged.names == names)
        #expect(logged.rowCount == 6)
        #expect(logged.columns[2].numbers == [2, 2.5, 12, 12.5, 22, 22.5])
        #expect(logged.columns.allSatisfy { !$0.integral && $0.texts == nil })
    }

    @Test func columnsAreMatchedByNameAcrossLayouts() throws {
        var logged = LoggedColumns()
        try logged.append(try encoded([("age", .int64([30])), ("plan", .string(["pro"]))]))
        // Another order, a new column, and one missing.
        try logged.append(try encoded([("income", .float64([1.5])), ("age", .int64([40]))]))
        try logged.append(try encoded([("plan", .string(["free"])), ("age", .int64([50])), ("income", .float64([2.5]))]))
        #expect(logged.names == ["age", "plan", "income"])
        #expect(logged.columns[0].numbers == [30, 40, 50])
        #expect(logged.columns[0].integral)
        #expect(logged.columns[1].texts == ["pro", nil, "free"])
        let income = logged.columns[2].numbers
        #expect(income[0].isNaN && income[1] == 1.5 && income[2] == 2.5)
        #expect(!logged.columns[2].integral)
    }

    @Test func aColumnThatTurnsToTextKeepsItsEarlierValuesAsText() throws {
        var logged = LoggedColumns()
        try logged.append(try encoded([("zip", .int64([8001, 8002]))]))
        try logged.append(try encoded([("zip", .string(["SW1A"]))]))
        #expect(logged.columns[0].texts == ["8001", "8002", "SW1A"])
    }

    @Test func partsReadSeparatelyJoinAsIfReadInOne() throws {
        let frames = [
            try encoded([("age", .int64([30])), ("plan", .string(["pro"]))]),
            try encoded([("age", .int64([40])), ("income", .float64([1.5]))]),
            try encoded([("zip", .string(["SW1A"])), ("age", .int64([50]))]),
            try encoded([("zip", .int64([8001])), ("plan", .string(["free"]))]),
        ]
        var whole = LoggedColumns()
        for frame in frames { try whole.append(frame) }
        var first = LoggedColumns(), second = LoggedColumns()
        for frame in frames[..<2] { try first.append(frame) }
        for frame in frames[2...] { try second.append(frame) }
        first.append(contentsOf: second)
        #expect(first.names == whole.names)
        #expect(first.rowCount == whole.rowCount)
        for (joined, read) in zip(first.columns, whole.columns) {
            #expect(joined.texts == read.texts)
            #expect(joined.integral == read.integral)
            #expect(joined.numbers.map(\.bitPattern) == read.numbers.map(\.bitPattern))
        }
    }

    @Test func legacyJSONRowsDecodeToo() throws {
        var logged = LoggedColumns()
        try logged.append(Array(#"{"columns": ["a", "b"], "data": [[1, "x"], [2, "y"]]}"#.utf8))
        try logged.append(try encoded([("a", .int64([3])), ("b", .string(["z"]))]))
        #expect(logged.columns[0].numbers == [1, 2, 3])
        #expect(logged.columns[1].texts == ["x", "y", "z"])
    }

    @Test func aDamagedRowAddsNothing() throws {
        var logged = LoggedColumns()
        let good = try encoded([("a", .float64([1])), ("b", .float64([2]))])
        try logged.append(good)
        // Cut inside the second column: the first column's value must not stay behind.
        #expect(throws: FrameEncoding.DecodingError.self) { try logged.append(Array(good.dropLast(4))) }
        #expect(throws: FrameEncoding.DecodingError.self) { try logged.append([0xCF, 0x01, 0xFF]) }
        #expect(throws: FrameEncoding.DecodingError.self) { try logged.append(good + [0]) }
        try logged.append(try encoded([("a", .float64([3])), ("b", .float64([4]))]))
        #expect(logged.rowCount == 2)
        #expect(logged.columns[0].numbers == [1, 3])
        #expect(logged.columns[1].numbers == [2, 4])
    }
}
