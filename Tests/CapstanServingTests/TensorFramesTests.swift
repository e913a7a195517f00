import CapstanInference
import Testing
@testable import CapstanServing

/// Request tensors as frames: one [N, F] tensor stays one block, named as before, and the
/// prediction log stores it byte for byte as it stores the same columns.
@Suite struct TensorFramesTests {
    static let matrix = NamedTensor(name: "x", shape: [2, 3], values: .float32([1, 2, 3, 4, 5, 6]))

    @Test func oneMatrixTensorIsOneBlockOfNumberedColumns() throws {
        let frame = try TensorFrames.frame(from: [Self.matrix])
        #expect(frame.names == ["x_0", "x_1", "x_2"])
        #expect(frame.rowMajorValues == .float32([1, 2, 3, 4, 5, 6]))
        #expect(frame.columns == [.float32([1, 4]), .float32([2, 5]), .float32([3, 6])])
        // Requests of one shape share one list of names (one buffer, not equal copies).
        let again = try TensorFrames.frame(from: [Self.matrix])
        let shared = again.names.withUnsafeBufferPointer { a in frame.names.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
        #expect(shared)
    }

    @Test func aModelsFeatureNamesNameTheBlockAndMustBeDistinct() throws {
        let named = try TensorFrames.frame(from: [Self.matrix], featureNames: ["x": ["age", "income", "tenure"]])
        #expect(named.names == ["age", "income", "tenure"])
        #expect(named.column(named: "income") == .float32([2, 5]))
        #expect(throws: ServingError.invalidInput("invalid input: column 'age' appears twice")) {
            try TensorFrames.frame(from: [Self.matrix], featureNames: ["x": ["age", "income", "age"]])
        }
    }

    @Test func aShapeTheValuesDoNotFillIsRefused() throws {
        let short = NamedTensor(name: "x", shape: [2, 3], values: .float32([1, 2, 3, 4, 5]))
        #expect(throws: ServingError.invalidInput("input 'x' has 5 values; shape [2, 3] needs 6")) {
            try TensorFrames.frame(from: [short])
        }
    }

    @Test func severalTensorsAreColumns() throws {
        let frame = try TensorFrames.frame(from: [Self.matrix, NamedTensor(name: "id", shape: [2], values: .int64([7, 8]))])
        #expect(frame.rowMajorValues == nil)
        #expect(frame.names == ["x_0", "x_1", "x_2", "id"])
        #expect(frame.column(named: "id") == .int64([7, 8]))
    }

    @Test func theLogStoresABlockAsItStoresItsColumns() throws {
        for values: FeatureFrame.Column in [.float32([1, 2, 3, 4, 5, 6]), .float64([1, 2, 3, 4, 5, .nan]),
                                            .int64([1, 2, 3, 4, 5, 6]), .string(["a", "b", "", "d", "é", "f"])] {
            let block = try TensorFrames.frame(from: [NamedTensor(name: "x", shape: [2, 3], values: values)])
            let columns = try FeatureFrame(Array(zip(block.names, block.columns)))
            #expect(FrameEncoding.encode(block) == FrameEncoding.encode(columns), "\(values.typeName)")
            let decoded = try FrameEncoding.decode(FrameEncoding.encode(block))
            #expect(decoded.names == block.names)
            #expect(FrameEncoding.encode(decoded) == FrameEncoding.encode(block))
        }
    }

    /// Answers are written from the output frame's columns: a run `P_0 … P_{K-1}` of one type
    /// is the [N, K] tensor P, any other column an [N] tensor.
    @Test func outputColumnsGroupIntoTheTensorsAnswersCarry() throws {
        let outputs = try FeatureFrame([
            ("label", .int64([1, 0])), ("probabilities_0", .float32([0.2, 0.9])), ("probabilities_1", .float32([0.8, 0.1])),
            ("score_0", .float32([1, 2])),
            ("mixed_0", .float32([1, 2])), ("mixed_1", .int64([3, 4])),
            ("gap_0", .float64([1, 2])), ("gap_2", .float64([3, 4])),
        ])
        #expect(TensorFrames.outputTensors(of: outputs) == [
            .init(name: "label", columns: 0..<1, isMatrix: false),
            .init(name: "probabilities", columns: 1..<3, isMatrix: true),
            .init(name: "score", columns: 3..<4, isMatrix: true),
            // Columns of two types cannot be one tensor: each is its own.
            .init(name: "mixed_0", columns: 4..<5, isMatrix: false),
            .init(name: "mixed_1", columns: 5..<6, isMatrix: false),
            // Numbers must follow on from 0 without a gap.
            .init(name: "gap", columns: 6..<7, isMatrix: true),
            .init(name: "gap_2", columns: 7..<8, isMatrix: false),
        ])
    }
}
