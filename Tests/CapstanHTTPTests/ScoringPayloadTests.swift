import CapstanInference
import CapstanJSON
import Testing
@testable import CapstanHTTP

/// `/invocations` bodies given as rows: rows of numbers of one kind become one block, and
/// every column keeps the type its values give it, whichever way the frame holds them.
@Suite struct ScoringPayloadTests {
    func frame(_ body: String) throws -> FeatureFrame {
        try ScoringPayload.frame(json: JSONParser.parse(Array(body.utf8)), summary: nil)
    }

    @Test func rowsOfFractionsAreOneBlock() throws {
        let frame = try frame(#"{"dataframe_split": {"columns": ["f0", "f1"], "data": [[0.5, -1.25], [2, 3.5]]}}"#)
        #expect(frame.names == ["f0", "f1"])
        #expect(frame.rowMajorValues == .float64([0.5, -1.25, 2, 3.5]))
        #expect(frame.columns == [.float64([0.5, 2]), .float64([-1.25, 3.5])])
    }

    @Test func rowsOfWholeNumbersAreOneBlockOfIntegers() throws {
        let frame = try frame(#"{"instances": [[1, 2, 3], [4, 5, true]]}"#)
        #expect(frame.names == ["0", "1", "2"])
        #expect(frame.rowMajorValues == .int64([1, 2, 3, 4, 5, 1]))
    }

    @Test func columnsOfDifferentKindsStayColumnsOfTheirOwnTypes() throws {
        let frame = try frame(#"{"dataframe_split": {"columns": ["age", "score", "city", "gap"], "data": [[41, 0.5, "Bern", null], [7, 1, "Oslo", null]]}}"#)
        #expect(frame.rowMajorValues == nil)
        #expect(frame.column(named: "age") == .int64([41, 7]))
        #expect(frame.column(named: "score") == .float64([0.5, 1]))
        #expect(frame.column(named: "city") == .string(["Bern", "Oslo"]))
        guard case .float64(let gap)? = frame.column(named: "gap") else { Issue.record("gap is not float64"); return }
        #expect(gap.allSatisfy { $0.isNaN })
    }

    @Test func aNameGivenTwiceInRowsOfNumbersIsABadRequest() throws {
        let error = try #require(#expect(throws: ScoringError.self) {
            try frame(#"{"dataframe_split": {"columns": ["f0", "f0"], "data": [[0.5, 1.5]]}}"#)
        })
        guard case .badRequest(let message) = error else { Issue.record("not a bad request: \(error)"); return }
        #expect(message.contains("column 'f0' appears twice"))
    }
}
