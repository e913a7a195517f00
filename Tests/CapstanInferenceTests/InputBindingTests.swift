import Foundation
import Testing
@testable import CapstanInference

/// How CSV columns are matched to model inputs, and the errors a user sees when they do not fit.
@Suite struct InputBindingTests {
    /// A model with one input per column: a float `age` and a string `city`.
    func perColumnModel() throws -> ONNXGraphModel {
        var b = ONNXBuilder()
        b.input("age", .float, [nil, 1])
        b.input("city", .string, [nil, 1])
        b.node("Identity", ["age"], ["age_out"])
        b.node("Identity", ["city"], ["city_out"])
        b.output("age_out", .float, [nil, 1])
        b.output("city_out", .string, [nil, 1])
        return try b.model()
    }

    @Test func columnsBindToInputsByName() throws {
        let frame = try FeatureFrame(csv: "city,age\n007,41\n\"Paris, FR\",\n")
        let out = try perColumnModel().predict(frame)
        #expect(out.names == ["age_out", "city_out"])
        #expect(out.column(named: "city_out") == .string(["007", "Paris, FR"]), "strings keep their text, leading zeros included")
        guard case .float32(let ages)? = out.column(named: "age_out") else { Issue.record("age is not float"); return }
        #expect(ages[0] == 41 && ages[1].isNaN)
    }

    @Test func aNameGivenTwiceIsRefusedInNarrowAndWideFrames() throws {
        for width in [3, 40] {
            var columns = (0..<width).map { (name: "c\($0)", column: FeatureFrame.Column.float32([1])) }
            #expect(throws: Never.self) { try FeatureFrame(columns) }
            columns[width - 1].name = "c1"
            #expect(throws: InferenceError.invalidInput("column 'c1' appears twice")) { try FeatureFrame(columns) }
        }
        // Names that share their last eight bytes, or differ only in their spelling of "é"
        // (which `==`, and so column lookup, takes as the same name).
        func frame(_ names: [String]) throws -> FeatureFrame { try FeatureFrame(names.map { ($0, .float32([1])) }) }
        #expect(throws: Never.self) { try frame(["a_feature_1", "b_feature_1", "feature_10", "feature_1"]) }
        #expect(throws: InferenceError.invalidInput("column 'x_feature_1' appears twice")) {
            try frame(["x_feature_1", "y_feature_1", "x_feature_1"])
        }
        #expect(throws: InferenceError.invalidInput("column 'cafe\u{301}' appears twice")) { try frame(["café", "cafe\u{301}"]) }
    }

    @Test func matrixInputsTakeEveryNumericColumnType() throws {
        var b = ONNXBuilder()
        b.input("x", .float, [nil, 3])
        b.node("Identity", ["x"], ["y"])
        b.output("y", .float, [nil, 3])
        let frame = try FeatureFrame([("a", .float64([1.5, -2])), ("b", .int64([3, 4])), ("c", .float32([5, 6.25]))])
        let out = try b.model().predict(frame)
        #expect(out.columns == [.float32([1.5, -2]), .float32([3, 4]), .float32([5, 6.25])])
        let text = try FeatureFrame([("a", .float64([1])), ("b", .string(["x"])), ("c", .float32([5]))])
        #expect(throws: InferenceError.self) { try b.model().predict(text) }
    }

    @Test func missingColumnIsNamed() throws {
        let frame = try FeatureFrame(csv: "age\n1\n")
        #expect(throws: InferenceError.invalidInput("missing column 'city' (model input of type tensor(string)[N, 1])")) {
            try perColumnModel().predict(frame)
        }
    }

    @Test func extraColumnIsNamed() throws {
        let frame = try FeatureFrame(csv: "age,city,id\n1,a,2\n")
        #expect(throws: InferenceError.invalidInput("column 'id' is not a model input (inputs: age, city)")) {
            try perColumnModel().predict(frame)
        }
    }

    @Test func textInANumericInputIsNamed() throws {
        let frame = try FeatureFrame(csv: "age,city\nold,a\n")
        #expect(throws: InferenceError.invalidInput("column 'age' holds text; model input 'age' expects float")) {
            try perColumnModel().predict(frame)
        }
    }

    @Test func matrixInputTakesAllColumnsInOrder() throws {
        var b = ONNXBuilder()
        b.input("X", .float, [nil, 3])
        b.node("ReduceSum", ["X"], ["s"], [.int("keepdims", 0)])
        b.output("s", .float, [nil])
        // ReduceSum with no axes input sums everything: use a per-row sum instead.
        var c = ONNXBuilder()
        c.input("X", .float, [nil, 3])
        c.initializer("w", shape: [3, 1], floats: [1, 10, 100])
        c.node("MatMul", ["X", "w"], ["y"])
        c.output("y", .float, [nil, 1])
        let out = try c.model().predict(try FeatureFrame(csv: "a,b,c\n1,2,3\n4,5,6\n"))
        #expect(out.names == ["y"])
        #expect(out.columns[0] == .float32([321, 654]))
    }

    @Test func matrixInputWithTheWrongColumnCountSaysBoth() throws {
        var c = ONNXBuilder()
        c.input("X", .float, [nil, 3])
        c.node("Identity", ["X"], ["y"])
        c.output("y", .float, [nil, 3])
        #expect(throws: InferenceError.invalidInput("model input 'X' takes 3 features per row; the input has 2 columns (a, b)")) {
            try c.model().predict(try FeatureFrame(csv: "a,b\n1,2\n"))
        }
    }

    @Test func wideOutputsBecomeNumberedColumns() throws {
        var c = ONNXBuilder()
        c.input("X", .float, [nil, 2])
        c.node("Identity", ["X"], ["p"])
        c.output("p", .float, [nil, 2])
        let out = try c.model().predict(try FeatureFrame(csv: "a,b\n1,2\n"))
        #expect(out.names == ["p_0", "p_1"])
    }
}
