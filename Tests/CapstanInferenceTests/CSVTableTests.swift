import Testing
@testable import CapstanInference

@Suite struct CSVTableTests {
    @Test func quotedFieldsHoldCommasQuotesAndNewlines() throws {
        let (header, rows) = try CSVTable.parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",3\n")
        #expect(header == ["a", "b"])
        #expect(rows == [["x, y", "say \"hi\""], ["two\nlines", "3"]])
    }

    @Test func raggedRowNamesTheLine() throws {
        #expect(throws: InferenceError.invalidInput("data.csv line 3: 1 fields, the header has 2")) {
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
