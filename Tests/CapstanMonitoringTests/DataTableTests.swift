import Foundation
import Testing
@testable import CapstanMonitoring

/// Data files read as pandas' `read_csv` reads them for a drift report, and bad files
/// rejected with the file, line and column named.
@Suite struct DataTableTests {
    func parse(_ text: String) throws -> DataTable {
        try DataTable.parse(csv: Array(text.utf8), file: "data.csv")
    }

    func error(_ text: String) -> DataFileError? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as DataFileError {
            return error
        } catch {
            return nil
        }
    }

    func numbers(_ column: DataTable.Column?) -> [Double]? {
        if case .numeric(let values)? = column { values } else { nil }
    }

    @Test func numericAndTextColumnsWithPandasMissingMarkers() throws {
        let lines = ["age,city,score,flag", "31,Oslo,1.5,True", #","Rio, RJ",NaN,False"#, "45,NA,-2e3,True", #"7,"say ""hi""", inf,null"#]
        let table = try parse(lines.joined(separator: "\r\n") + "\r\n\r\n")
        #expect(table.names == ["age", "city", "score", "flag"])
        #expect(table.rowCount == 4)
        let age = try #require(numbers(table.column(named: "age")))
        #expect(age[0] == 31 && age[1].isNaN && age[2] == 45 && age[3] == 7)
        let score = try #require(numbers(table.column(named: "score")))
        #expect(score[0] == 1.5 && score[1].isNaN && score[2] == -2000 && score[3] == .infinity)
        #expect(table.column(named: "city") == .text(["Oslo", "Rio, RJ", nil, "say \"hi\""]))
        #expect(table.column(named: "flag") == .text(["True", "False", "True", nil]))
    }

    @Test func numbersParseAsPandasReadsThem() throws {
        // pandas' default float parser keeps 17 digits (leading zeros included) and rounds
        // twice, so some cells are an ulp off the correctly rounded value; the expectations
        // are pandas 2.3.3's `read_csv` values for a float column.
        let cells: [(String, Double)] = [
            ("0.1", 0.1), ("-0.0", -0.0), ("+3", 3), (" 42 ", 42), ("\t7\t", 7), ("1e-320", Double(bitPattern: 2024)),  // 1e-320, a subnormal
            ("123456789012345678901234", 1.2345678901234569e+23), ("1.7976931348623157e308", 1.7976931348623157e+308),
            ("-Infinity", -.infinity), ("0.30000000000000004", 0.3), ("0.10490011715303971", 0.1049001171530397),
            ("00000000000000000001.5", 0), ("99999999999999999", 1.0000000000000002e+17), ("1e-400", 0), ("1.5", 1.5),
        ]
        let table = try parse("x\n" + cells.map { "\"\($0.0)\"" }.joined(separator: "\n") + "\n")
        let parsed = try #require(numbers(table.column(named: "x")))
        #expect(table.integral == [false], "a decimal point makes the column float, as pandas reads it")
        #expect(parsed.map(\.bitPattern) == cells.map(\.1.bitPattern))
    }

    @Test func anIntegerColumnKeepsItsExactValues() throws {
        // As int64, pandas keeps every digit; as floats, only 17 digits.
        let table = try parse("n,x\n99999999999999999,99999999999999999\n1,1.5\n")
        #expect(table.integral == [true, false])
        #expect(numbers(table.column(named: "n")) == [1e17, 1])
        #expect(numbers(table.column(named: "x")) == [1.0000000000000002e+17, 1.5])
    }

    @Test func pandasRejectsExponentsPast308() throws {
        #expect(try parse("x\n1\n1e400\n").column(named: "x") == .text(["1", "1e400"]))
    }

    @Test(arguments: ["0x10", "nan5", "1,5", "1.5.2", "--3", "- 1"])
    func aCellThatIsNotANumberMakesTheColumnText(cell: String) throws {
        let table = try parse("x\n1\n\"\(cell)\"\n")
        #expect(table.column(named: "x") == .text(["1", cell]))
    }

    @Test func aColumnOfMissingCellsThenTextIsTextWithoutASecondPass() throws {
        let table = try parse("a,b\nNA,1\n,2\nx,3\n")
        #expect(table.column(named: "a") == .text([nil, nil, "x"]))
        #expect(numbers(table.column(named: "b")) == [1, 2, 3])
    }

    @Test func quotedLineBreaksBlankLinesAndAByteOrderMark() throws {
        let table = try parse("\u{FEFF}id,note\n1,\"two\nlines\"\n\n2,\"\"\n")
        #expect(table.names == ["id", "note"])
        #expect(table.column(named: "note") == .text(["two\nlines", nil]))
        #expect(numbers(table.column(named: "id")) == [1, 2])
    }

    @Test func eachRowKnowsTheLineItStartsOn() throws {
        // Plain file: row r is on line r + 2, and nothing is stored to say so.
        let plain = try parse("a\n1\n2\n3\n")
        #expect((0..<3).map(plain.line(ofRow:)) == [2, 3, 4])
        #expect(plain.lineShifts.isEmpty)
        // Blank lines before the header and between rows, and a quoted line break (CRLF).
        let shifted = try parse("\n\na,b\n1,x\n\n\n2,\"two\r\nlines\"\n3,y\n4,z\n")
        #expect((0..<4).map(shifted.line(ofRow:)) == [4, 7, 9, 10])
        #expect(shifted.lineShifts.count == 3)
    }

    @Test func headerOnlyAndUnnamedColumns() throws {
        let table = try parse("a,,c\n")
        #expect(table.names == ["a", "Unnamed: 1", "c"])
        #expect(table.rowCount == 0)
    }

    @Test func badFilesNameTheLine() {
        #expect(error("a,b\n1,2\n3\n")?.description == "data.csv:3: the row has 1 field; the header has 2")
        #expect(error("a,b\n1,2,3\n")?.line == 2)
        #expect(error("a,b\n1,\"open\n2,3\n")?.description == "data.csv:2: a quoted field never ends")
        #expect(error("a\n\"x\"y\n")?.line == 2)
        #expect(error("")?.description == "data.csv: the file is empty: expected a header row naming the columns")
        #expect(error("a,b,a\n1,2,3\n")?.description == "data.csv:1 (column 'a'): the header names 'a' twice; column names must be unique")
        // A line break inside quotes moves the line count on for the rows after it.
        #expect(error("a,b\n\"x\ny\",1\n2\n")?.line == 4)
        // Old Mac line ends (CR alone) end rows and count lines, inside quotes too.
        #expect(error("a,b\r1,2\r3\r")?.line == 3)
        #expect(error("a,b\r\"x\ry\",1\r2\r")?.line == 4)
        #expect(error("a,b\r\n\"x\r\ny\",1\r\n2\r\n")?.line == 4)
        #expect(throws: DataFileError.self) { try DataTable.read(csv: "/nonexistent/file.csv") }
    }
}
