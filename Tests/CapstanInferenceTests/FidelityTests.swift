import Foundation
import Testing
@testable import CapstanInference

/// Every committed fixture (tests/fidelity/make_fixtures.py) predicted by Capstan must give
/// the reference runtime's answers: identical labels, probabilities within 1e-5 absolute,
/// regression values within 1e-5 relative.
@Suite struct FidelityTests {
    static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static var fixtureNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: fixturesDirectory.appendingPathComponent("\($0)/meta.json").path) }.sorted()
    }

    struct Meta: Decodable {
        var format: String
        var model: String
        var task: String
        var label_columns: [String]?
        var probability_columns: [String]?
        var value_columns: [String]?
    }

    @Test func fixturesArePresent() {
        #expect(Self.fixtureNames.count >= 10, "expected the committed fixtures under \(Self.fixturesDirectory.path)")
    }

    @Test(arguments: fixtureNames)
    func predictionsMatchTheReferenceRuntime(fixture: String) throws {
        let directory = Self.fixturesDirectory.appendingPathComponent(fixture)
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: directory.appendingPathComponent("meta.json")))
        let model = try ModelFile.load(directory.appendingPathComponent(meta.model))
        let input = try FeatureFrame(csv: String(contentsOf: directory.appendingPathComponent("input.csv"), encoding: .utf8))
        let expected = try CSVTable.parse(String(contentsOf: directory.appendingPathComponent("expected.csv"), encoding: .utf8))
        let predicted = try model.predict(input)

        #expect(predicted.rowCount == input.rowCount)
        #expect(predicted.names == expected.header, "columns differ")
        let got = try CSVTable.parse(predicted.csv())
        for (columnIndex, name) in expected.header.enumerated() {
            guard let gotIndex = got.header.firstIndex(of: name) else { continue }
            let isLabel = meta.label_columns?.contains(name) ?? false
            let isValue = meta.value_columns?.contains(name) ?? false
            var worst = 0.0
            var mismatches = 0
            for (row, expectedRow) in expected.rows.enumerated() {
                let want = expectedRow[columnIndex], have = got.rows[row][gotIndex]
                if isLabel {
                    if Self.normalizedLabel(want) != Self.normalizedLabel(have) { mismatches += 1 }
                    continue
                }
                let a = Double(want) ?? .nan, b = Double(have) ?? .nan
                if a.isNaN && b.isNaN { continue }
                let difference = abs(a - b) / (isValue ? max(1, abs(a)) : 1)
                if !(difference <= 1e-5) { mismatches += 1 }
                worst = max(worst, difference.isNaN ? .infinity : difference)
            }
            #expect(mismatches == 0, "\(fixture) column \(name): \(mismatches) rows differ (worst \(worst))")
        }
    }

    /// "1", "1.0" and "True" name the same label in CSV files written by different tools.
    static func normalizedLabel(_ text: String) -> String {
        if let number = Double(text), number == number.rounded() { return String(Int64(number)) }
        return text
    }
}
