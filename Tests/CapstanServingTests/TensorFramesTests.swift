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
}
