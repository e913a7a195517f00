import CapstanInference
import Testing
@testable import CapstanServing

/// The prediction log's binary frames: what goes in comes back, byte for byte and name for
/// name, and damaged data is an error, never a crash or a wrong frame.
@Suite struct FrameEncodingTests {
    @Test func everyColumnTypeRoundTrips() throws {
        let frame = try FeatureFrame([
            ("age", .int64([41, -7, .max])),
            ("score", .float64([0.25, .nan, -.infinity])),
            ("float_input_0", .float32([1.5, 2, 3])),
            ("float_input_1", .float32([-0, .greatestFiniteMagnitude, .leastNonzeroMagnitude])),
            ("city", .string(["Zürich", "", "a \"quoted\"\nline"])),
        ])
        let decoded = try FrameEncoding.decode(FrameEncoding.encode(frame))
        #expect(decoded.names == frame.names)
        #expect(decoded.rowCount == 3)
        guard case .float64(let scores) = decoded.columns[1] else { Issue.record("score is not float64"); return }
        #expect(scores[0] == 0.25 && scores[1].isNaN && scores[2] == -.infinity)
        #expect(decoded.columns[0] == frame.columns[0])
        #expect(decoded.columns[2...] == frame.columns[2...])
    }

    @Test func numberedColumnsShareOneHeader() throws {
        let names = (0..<20).map { "float_input_\($0)" }
        let frame = try FeatureFrame(names.enumerated().map { ($1, .float32([Float($0) / 3])) })
        let bytes = FrameEncoding.encode(frame)
        // 20 floats are 80 bytes; the names add one header, not 20.
        #expect(bytes.count <= 100)
        #expect(FrameEncoding.groups(frame).count == 1)
        #expect(try FrameEncoding.decode(bytes) == frame)
    }

    @Test func namesThatOnlyLookNumberedComeBackAsTheyWere() throws {
        // pandas' default names, leading zeros, a gap, a type change inside a run, a long number.
        let names = ["0", "1", "2", "x_07", "x_8", "x_10", "f1", "f2", "f3", "n12345678901", "7"]
        let columns: [FeatureFrame.Column] = [.int64([1]), .int64([2]), .int64([3]), .float64([4]), .float64([5]), .float64([6]),
                                              .float32([7]), .int64([8]), .float32([9]), .string(["10"]), .int64([11])]
        let frame = try FeatureFrame(Array(zip(names, columns)))
        let decoded = try FrameEncoding.decode(FrameEncoding.encode(frame))
        #expect(decoded == frame)
        #expect(FrameEncoding.groups(frame).map(\.count) == [3, 0, 1, 1, 1, 1, 1, 0, 1])
    }

    @Test func framesWithTheSameNamesButOtherTypesAreGroupedAnew() throws {
        let names = ["x_0", "x_1"]
        let floats = try FeatureFrame([(names[0], .float32([1])), (names[1], .float32([2]))])
        let mixed = try FeatureFrame([(names[0], .float32([1])), (names[1], .int64([2]))])
        for frame in [floats, mixed, floats] {
            #expect(try FrameEncoding.decode(FrameEncoding.encode(frame)) == frame)
        }
    }

    @Test func namesComeBackByteForByte() throws {
        // Canonically equal names in other normal forms: each keeps its own bytes.
        let composed = try FeatureFrame([("caf\u{E9}_0", .float32([1])), ("cafe\u{301}_1", .float32([2]))])
        let decomposed = try FeatureFrame([("cafe\u{301}_0", .float32([1])), ("cafe\u{301}_1", .float32([2]))])
        for frame in [composed, decomposed] {
            let names = try FrameEncoding.decode(FrameEncoding.encode(frame)).names
            #expect(names.map { Array($0.utf8) } == frame.names.map { Array($0.utf8) })
        }
    }

    @Test func anEmptyFrameRoundTrips() throws {
        let frame = try FeatureFrame([("x", .float32([]))])
        #expect(try FrameEncoding.decode(FrameEncoding.encode(frame)) == frame)
        // No rows, more numbered columns than the encoding has bytes.
        let wide = try FeatureFrame((0..<100).map { ("x_\($0)", .float32([])) })
        #expect(try FrameEncoding.decode(FrameEncoding.encode(wide)) == wide)
    }

    @Test func numbersInNamesLargerThanTheDataDecode() throws {
        let frame = try FeatureFrame([("2024", .int64([1])), ("zip_94107", .float32([2])), ("x_999999999", .float64([3]))])
        #expect(try FrameEncoding.decode(FrameEncoding.encode(frame)) == frame)
    }

    @Test func rowsLoggedAsJSONTextStillDecode() throws {
        let text = #"{"columns":["label","p_0","name","gap"],"data":[[1,0.25,"a",null],[0,1e-3,"b",2.5]]}"#
        let frame = try FrameEncoding.decode(Array(text.utf8))
        #expect(frame.names == ["label", "p_0", "name", "gap"])
        #expect(frame.columns[0] == .int64([1, 0]))
        #expect(frame.columns[1] == .float64([0.25, 0.001]))
        #expect(frame.columns[2] == .string(["a", "b"]))
        guard case .float64(let gap) = frame.columns[3] else { Issue.record("gap is not float64"); return }
        #expect(gap[0].isNaN && gap[1] == 2.5)
    }

    @Test func damagedDataIsAnErrorNotACrash() throws {
        let bytes = FrameEncoding.encode(try FeatureFrame([("a", .float64([1, 2])), ("b", .string(["x", "yz"]))]))
        // Every truncation, and every single-byte corruption, either decodes or throws.
        for length in 0..<bytes.count {
            #expect(throws: FrameEncoding.DecodingError.self) { try FrameEncoding.decode(Array(bytes[..<length])) }
        }
        for index in bytes.indices {
            for value: UInt8 in [0, 0x7F, 0x80, 0xFF] {
                var damaged = bytes
                damaged[index] = value
                _ = try? FrameEncoding.decode(damaged)
            }
        }
        // Without rows, columns cost no data: their number is capped (here 2^23 asked for).
        let manyColumns: [UInt8] = [0xCF, 0x01, 0x00, 0x01, 0x01, 0x61, 0x80, 0x80, 0x80, 0x04, 0x00, 0x01]
        #expect(throws: FrameEncoding.DecodingError.self) { try FrameEncoding.decode(manyColumns) }
        // Legacy JSON rows must have one value per column.
        #expect(throws: FrameEncoding.DecodingError.self) { try FrameEncoding.decode(Array(#"{"columns":["a","b"],"data":[[],[]]}"#.utf8)) }
        // A row count far beyond the data is refused before anything is allocated.
        let huge: [UInt8] = [0xCF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x01, 0x61, 0x00, 0x02]
        #expect(throws: FrameEncoding.DecodingError.self) { try FrameEncoding.decode(huge) }
        #expect(throws: FrameEncoding.DecodingError.self) { try FrameEncoding.decode(Array("{}".utf8)) }
        #expect(throws: FrameEncoding.DecodingError.self) { try FrameEncoding.decode([0x00, 0x01]) }
        #expect(throws: FrameEncoding.DecodingError.self) { try FrameEncoding.decode(bytes + [0]) }
    }
}
