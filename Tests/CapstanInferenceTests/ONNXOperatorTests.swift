import Foundation
import Testing
@testable import CapstanInference

/// Operators run on graphs built in the test, with answers worked out by hand.
@Suite struct ONNXOperatorTests {
    /// Runs a one-input graph on a float matrix and returns the first output.
    func run(_ build: (inout ONNXBuilder) -> Void, input: [Float], shape: [Int]) throws -> Tensor {
        var b = ONNXBuilder()
        b.input("x", .float, shape.map { $0 })
        build(&b)
        let model = try b.model()
        let outputs = try model.plan.run([.tensor(Tensor(shape: shape, floats: input))])
        return try #require(outputs.first?.tensor)
    }

    @Test func gemmWithTransposedWeightsThenReluThenSoftmax() throws {
        let y = try run({ b in
            b.initializer("W", shape: [2, 3], floats: [1, 0, -1, 0.5, 0.5, 0.5])
            b.initializer("B", shape: [2], floats: [0, -10])
            b.node("Gemm", ["x", "W", "B"], ["h"], [.int("transB", 1)])
            b.node("Relu", ["h"], ["r"])
            b.node("Softmax", ["r"], ["y"], [.int("axis", 1)])
            b.output("y", .float, [nil, 2])
        }, input: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        // Row 1: h = [1 - 3, 3 - 10] = [-2, -7] → relu [0, 0] → [0.5, 0.5].
        // Row 2: h = [4 - 6, 7.5 - 10] = [-2, -2.5] → relu [0, 0] → [0.5, 0.5].
        #expect(y.shape == [2, 2])
        #expect(try y.asFloats() == [0.5, 0.5, 0.5, 0.5])
    }

    @Test func matMulAddsBiasByBroadcastingARow() throws {
        let y = try run({ b in
            b.initializer("W", shape: [3, 2], floats: [1, 2, 3, 4, 5, 6])
            b.initializer("bias", shape: [2], floats: [10, 20])
            b.node("MatMul", ["x", "W"], ["m"])
            b.node("Add", ["m", "bias"], ["y"])
            b.output("y", .float, [nil, 2])
        }, input: [1, 0, 1, 0, 1, 0], shape: [2, 3])
        #expect(try y.asFloats() == [16, 28, 13, 24])
    }

    @Test func reshapeCopiesZeroAndInfersMinusOne() throws {
        let y = try run({ b in
            b.initializer("s", shape: [2], int64s: [0, -1])
            b.node("Reshape", ["x", "s"], ["y"])
            b.output("y", .float, [nil, nil])
        }, input: Array(repeating: 1, count: 24), shape: [2, 3, 4])
        #expect(y.shape == [2, 12])
    }

    @Test func transposeSwapsAxes() throws {
        let y = try run({ b in
            b.node("Transpose", ["x"], ["y"], [.ints("perm", [1, 0])])
            b.output("y", .float, [3, 2])
        }, input: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(y.shape == [3, 2])
        #expect(try y.asFloats() == [1, 4, 2, 5, 3, 6])
    }

    @Test func gatherPicksColumnsAlongAxisOne() throws {
        let y = try run({ b in
            b.initializer("i", shape: [2], int64s: [2, -3])
            b.node("Gather", ["x", "i"], ["y"], [.int("axis", 1)])
            b.output("y", .float, [2, 2])
        }, input: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(try y.asFloats() == [3, 1, 6, 4])
    }

    @Test func concatJoinsAlongTheLastAxis() throws {
        let y = try run({ b in
            b.initializer("c", shape: [2, 1], floats: [7, 8])
            b.node("Concat", ["x", "c"], ["y"], [.int("axis", 1)])
            b.output("y", .float, [2, 3])
        }, input: [1, 2, 3, 4], shape: [2, 2])
        #expect(try y.asFloats() == [1, 2, 7, 3, 4, 8])
    }

    @Test func sliceWithNegativeStep() throws {
        let y = try run({ b in
            b.initializer("starts", shape: [1], int64s: [-1])
            b.initializer("ends", shape: [1], int64s: [-100])
            b.initializer("axes", shape: [1], int64s: [1])
            b.initializer("steps", shape: [1], int64s: [-2])
            b.node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])
            b.output("y", .float, [1, nil])
        }, input: [1, 2, 3, 4, 5], shape: [1, 5])
        #expect(try y.asFloats() == [5, 3, 1])
    }

    @Test func reduceMeanOverAxisOneKeepsDims() throws {
        var b = ONNXBuilder()
        b.opsets[""] = 13
        b.input("x", .float, [2, 2])
        b.node("ReduceMean", ["x"], ["y"], [.ints("axes", [1])])
        b.output("y", .float, [2, 1])
        let y = try #require(try b.model().plan.run([.tensor(Tensor(shape: [2, 2], floats: [1, 3, 5, 9]))]).first?.tensor)
        #expect(y.shape == [2, 1])
        #expect(try y.asFloats() == [2, 7])
    }

    @Test func argMaxTakesTheFirstOfTies() throws {
        let y = try run({ b in
            b.node("ArgMax", ["x"], ["y"], [.int("axis", 1), .int("keepdims", 0)])
            b.output("y", .int64, [2])
        }, input: [1, 3, 3, 2, 2, 0], shape: [2, 3])
        #expect(try y.asInt64s() == [1, 0])
    }

    @Test func whereBroadcastsConditionAndBranches() throws {
        let y = try run({ b in
            b.initializer("zero", shape: [], floats: [0])
            b.node("Greater", ["x", "zero"], ["positive"])
            b.node("Neg", ["x"], ["negated"])
            b.node("Where", ["positive", "x", "negated"], ["y"])
            b.output("y", .float, [4])
        }, input: [-1, 2, -3, 4], shape: [4])
        #expect(try y.asFloats() == [1, 2, 3, 4])
    }

    @Test func constantSubgraphsAreFoldedAtLoad() throws {
        var b = ONNXBuilder()
        b.input("x", .float, [nil, 2])
        b.initializer("a", shape: [2], floats: [1, 2])
        b.initializer("b", shape: [2], floats: [3, 4])
        b.node("Mul", ["a", "b"], ["ab"])
        b.node("Add", ["x", "ab"], ["y"])
        b.output("y", .float, [nil, 2])
        let model = try b.model()
        #expect(model.plan.steps.count == 1, "Mul of two initializers should be computed once, at load")
        let y = try #require(try model.plan.run([.tensor(Tensor(shape: [1, 2], floats: [1, 1]))]).first?.tensor)
        #expect(try y.asFloats() == [4, 9])
    }

    @Test func gemmBroadcastsAColumnOfCAcrossColumns() throws {
        // C of shape [m, 1] with m == n must broadcast along each row, not be read as a bias row.
        let y = try run({ b in
            b.initializer("I", shape: [2, 2], floats: [1, 0, 0, 1])
            b.initializer("C", shape: [2, 1], floats: [10, 20])
            b.node("Gemm", ["x", "I", "C"], ["y"])
            b.output("y", .float, [2, 2])
        }, input: [1, 2, 3, 4], shape: [2, 2])
        #expect(try y.asFloats() == [11, 12, 23, 24])
    }

    @Test func denseLayerIsFusedIntoOneStepWithTheSameAnswer() throws {
        var b = ONNXBuilder()
        b.input("x", .float, [nil, 2])
        b.initializer("W", shape: [2, 3], floats: [1, -1, 0.5, 2, 1, -3])
        b.initializer("bias", shape: [3], floats: [0.25, 0, -1])
        b.node("MatMul", ["x", "W"], ["m"])
        b.node("Add", ["m", "bias"], ["a"])
        b.node("Relu", ["a"], ["y"])
        b.output("y", .float, [nil, 3])
        let model = try b.model()
        #expect(model.plan.steps.map(\.opType) == ["FusedDense"])
        let y = try #require(try model.plan.run([.tensor(Tensor(shape: [2, 2], floats: [1, 2, -1, 0.5]))]).first?.tensor)
        // Row 1: [1 + 4, -1 + 2, 0.5 - 6] + bias = [5.25, 1, -6.5] → relu [5.25, 1, 0].
        // Row 2: [-1 + 1, 1 + 0.5, -0.5 - 1.5] + bias = [0.25, 1.5, -3] → relu [0.25, 1.5, 0].
        #expect(try y.asFloats() == [5.25, 1, 0, 0.25, 1.5, 0])
    }

    @Test func fusionLeavesSharedIntermediatesAlone() throws {
        var b = ONNXBuilder()
        b.input("x", .float, [nil, 2])
        b.initializer("W", shape: [2, 2], floats: [1, 0, 0, 1])
        b.initializer("bias", shape: [2], floats: [1, 1])
        b.node("MatMul", ["x", "W"], ["m"])
        b.node("Add", ["m", "bias"], ["a"])
        b.output("a", .float, [nil, 2])
        b.output("m", .float, [nil, 2])
        let model = try b.model()
        #expect(model.plan.steps.map(\.opType) == ["MatMul", "Add"], "m is a graph output: it must still be computed")
    }

    @Test func unsupportedOperatorFailsTheLoadNamingIt() throws {
        var b = ONNXBuilder()
        b.input("x", .float, [nil, 2])
        b.node("Einsum", ["x", "x"], ["y"], [.string("equation", "ij,ij->i")])
        b.output("y", .float, [nil])
        #expect(throws: InferenceError.unsupportedOperator(domain: "", name: "Einsum", opset: 17)) { try b.model() }
        let message = "\(InferenceError.unsupportedOperator(domain: "", name: "Einsum", opset: 17))"
        #expect(message.contains("Einsum"))
    }

    @Test func unsupportedOpsetFailsTheLoad() throws {
        var b = ONNXBuilder()
        b.opsets[""] = 99
        b.input("x", .float, [nil, 2])
        b.node("Relu", ["x"], ["y"])
        b.output("y", .float, [nil, 2])
        #expect {
            try b.model()
        } throws: { error in
            "\(error)".contains("opset 99")
        }
    }

    @Test func truncatedFileIsAnInvalidModel() throws {
        var b = ONNXBuilder()
        b.input("x", .float, [nil, 2])
        b.node("Relu", ["x"], ["y"])
        b.output("y", .float, [nil, 2])
        let data = b.data()
        #expect(throws: InferenceError.self) { try ONNXGraphModel(data: data.prefix(data.count / 2)) }
    }
}
