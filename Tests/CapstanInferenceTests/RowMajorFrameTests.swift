import Testing
@testable import CapstanInference

/// A frame held as one row-major block (a request's [N, F] tensor as it came) behaves as the
/// same frame held column by column: every reader and every model sees the same values, and
/// a mistake in the data gets the same message.
@Suite struct RowMajorFrameTests {
    static let names = ["a", "b", "c"]
    /// Two rows of three values: 1 2 3 / 4 5 6.
    static let block = FeatureFrame.Column.float32([1, 2, 3, 4, 5, 6])
    static let columns: [(name: String, column: FeatureFrame.Column)] =
        [("a", .float32([1, 4])), ("b", .float32([2, 5])), ("c", .float32([3, 6]))]

    @Test func aBlockReadsAsItsColumns() throws {
        let rows = try FeatureFrame(names: Self.names, rowMajor: Self.block)
        let columns = try FeatureFrame(Self.columns)
        #expect(rows.rowCount == 2)
        #expect(rows.columns == columns.columns)
        #expect(rows.column(at: 1) == .float32([2, 5]))
        #expect(rows.column(named: "c") == .float32([3, 6]))
        #expect(rows.rowMajorValues == Self.block)
        #expect(columns.rowMajorValues == nil)
        #expect(rows == columns && columns == rows)
        #expect(rows.csv() == columns.csv())
        #expect(rows.rows(1..<2) == columns.rows(1..<2))
        #expect(rows.rows(1..<2).rowMajorValues == .float32([4, 5, 6]))
        #expect(try FeatureFrame.concatenating([rows, columns]) == FeatureFrame.concatenating([columns, columns]))
        #expect(try rows.matrix(for: "x") == [1, 2, 3, 4, 5, 6])
    }

    @Test func framesWithOtherValuesDiffer() throws {
        let rows = try FeatureFrame(names: Self.names, rowMajor: Self.block)
        #expect(rows != (try FeatureFrame(names: Self.names, rowMajor: .float32([1, 2, 3, 4, 5, 7]))))
        #expect(rows != (try FeatureFrame(names: ["a", "b", "d"], rowMajor: Self.block)))
        #expect(rows != (try FeatureFrame([("a", .float32([1, 4])), ("b", .float32([2, 5])), ("c", .float64([3, 6]))])))
    }

    @Test func aBlockNeedsDistinctNamesAndWholeRows() throws {
        #expect(throws: InferenceError.invalidInput("column 'a' appears twice")) {
            try FeatureFrame(names: ["a", "b", "a"], rowMajor: Self.block)
        }
        #expect(throws: InferenceError.invalidInput("6 values do not fill rows of 4 columns")) {
            try FeatureFrame(names: ["a", "b", "c", "d"], rowMajor: Self.block)
        }
        #expect(try FeatureFrame(names: Self.names, rowMajor: .float32([])).rowCount == 0)
    }

    /// A model with one [N, 3] input of `type` that returns it.
    func identity(_ type: ElementType) throws -> ONNXGraphModel {
        var b = ONNXBuilder()
        b.input("x", type, [nil, 3])
        b.node("Identity", ["x"], ["y"])
        b.output("y", type, [nil, 3])
        return try b.model()
    }

    @Test func aModelPredictsTheSameFromABlockAsFromColumns() throws {
        let blocks: [FeatureFrame.Column] = [Self.block, .float64([1, 2, 3, 4, 5, 6]), .int64([1, 2, 3, 4, 5, 6])]
        for type in [ElementType.float, .double, .int64] {
            for block in blocks {
                let rows = try FeatureFrame(names: Self.names, rowMajor: block)
                let columns = try FeatureFrame(Array(zip(Self.names, rows.columns)))
                #expect(try identity(type).predict(rows) == identity(type).predict(columns), "\(type) from \(block.typeName)")
            }
        }
    }

    @Test func badValuesInABlockGetTheMessagesColumnsGet() throws {
        let text = FeatureFrame.Column.string(["1", "2", "3", "4", "5", "6"])
        let fraction = FeatureFrame.Column.float64([1, 2, 3, 4, 5.5, 6])
        for (block, type) in [(text, ElementType.float), (text, .double), (fraction, .int64)] {
            let rows = try FeatureFrame(names: Self.names, rowMajor: block)
            let columns = try FeatureFrame(Array(zip(Self.names, rows.columns)))
            let model = try identity(type)
            let expected = try #require(#expect(throws: InferenceError.self) { try model.predict(columns) })
            #expect(throws: expected) { try model.predict(rows) }
        }
    }

    /// One column of a block: every `step`-th value from `start`, exactly as many as there
    /// are; a block one column wide is that column, unchanged.
    @Test func stridedColumnsPickEveryStepthValue() {
        let values = FeatureFrame.Column.int64([0, 1, 2, 3, 4, 5, 6])
        #expect(values.strided(start: 0, step: 1) == values)
        #expect(values.strided(start: 1, step: 3) == .int64([1, 4]))
        #expect(values.strided(start: 2, step: 2) == .int64([2, 4, 6]))
        #expect(values.strided(start: 7, step: 2) == .int64([]))
        #expect(FeatureFrame.Column.string(["a", "b", "c", "d"]).strided(start: 1, step: 2) == .string(["b", "d"]))
    }
}
