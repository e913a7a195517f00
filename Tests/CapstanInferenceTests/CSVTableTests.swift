import Foundation
import Testing
@testable import CapstanInference

@Suite struct CSVTableTests {
    @Test func quotedFieldsHoldCommasQuotesAndNewlines() throws {
        let (header, rows) = try CSVTable.parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",3\n")
        #expect(header == ["a", "b"])
        #expect(rows == [["x, y", "say \"hi\""], ["two\nlines", "3"]])
    }

    @Test func raggedRowNamesTheLine() throws {
        #expect(throws: InferenceError.invalidInput("data.csv line 3: the row has 1 field; the header has 2")) {
            try CSVTable.parse("a,b\n1,2\n3\n", source: "data.csv")
        }
    }

    @Test func unterminatedQuoteIsReported() throws {
        #expect(throws: InferenceError.self) { try CSVTable.parse("a\n\"open\n") }
    }

    @Test func columnTypesAreInferred() throws {
        let frame = try FeatureFrame(csv: "i,f,s,m\n1,1.5,x,\n2,,y,NaN\n")
        #expect(frame.column(named: "i") == .int64([1, 2]))
        guard case .float64(let f)? = frame.column(named: "f") else { Issue.record("f is not float64"); return }
        #expect(f[0] == 1.5 && f[1].isNaN)
        #expect(frame.column(named: "s") == .string(["x", "y"]))
    }

    @Test func writtenCSVReadsBack() throws {
        let frame = try FeatureFrame([("name", .string(["a,b", "c"])), ("p", .float32([0.1, 1e-7]))])
        let again = try FeatureFrame(csv: frame.csv())
        #expect(again.column(named: "name") == .string(["a,b", "c"]))
        guard case .float64(let p)? = again.column(named: "p") else { Issue.record("p is not float64"); return }
        #expect(Float(p[0]) == 0.1 && Float(p[1]) == 1e-7)
    }
}

@Suite struct JSONRowsTests {
    @Test func rowsBecomeTypedColumnsWithNullsMissing() throws {
        let frame = try FeatureFrame(jsonRows: Data(#"[{"age": 41, "city": "Porto", "score": 0.5}, {"age": 7, "city": null, "score": null}]"#.utf8))
        #expect(frame.names == ["age", "city", "score"])
        #expect(frame.column(named: "age") == .int64([41, 7]))
        #expect(frame.column(named: "city") == .string(["Porto", ""]))
        guard case .float64(let score)? = frame.column(named: "score") else { Issue.record("score is not float64"); return }
        #expect(score[0] == 0.5 && score[1].isNaN)
    }

    @Test func mixedTypesInAColumnAreNamed() throws {
        #expect(throws: InferenceError.invalidInput("input: column 'x' mixes numbers and strings")) {
            try FeatureFrame(jsonRows: Data(#"[{"x": 1}, {"x": "one"}]"#.utf8))
        }
    }

    @Test func anythingButAnArrayOfObjectsIsRefused() throws {
        #expect(throws: InferenceError.self) { try FeatureFrame(jsonRows: Data(#"{"x": 1}"#.utf8)) }
        #expect(throws: InferenceError.invalidInput("input row 2 is not a JSON object")) {
            try FeatureFrame(jsonRows: Data(#"[{"x": 1}, 2]"#.utf8))
        }
    }
}

@Suite struct CSVMissingValueTests {
    @Test func aQuotedEmptyFieldIsAMissingValueNotABlankLine() throws {
        let frame = try FeatureFrame(csv: "x\n1\n\"\"\n3\n\n")
        guard case .float64(let x)? = frame.column(named: "x") else { Issue.record("x is not float64"); return }
        #expect(x.count == 3 && x[0] == 1 && x[1].isNaN && x[2] == 3)
    }

    @Test func aSingleColumnWithAMissingValueSurvivesARoundTrip() throws {
        let frame = try FeatureFrame([("p", .float64([0.5, .nan, 2]))])
        #expect(frame.csv() == "p\n0.5\n\"\"\n2.0\n")
        #expect(try FeatureFrame(csv: frame.csv()).rowCount == 3)
    }
}
