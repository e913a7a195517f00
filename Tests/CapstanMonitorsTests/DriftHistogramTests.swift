import CapstanJSON
import CapstanMonitoring
import Testing
@testable import CapstanMonitors

/// The histograms a drift evaluation keeps for the dashboard: both sides over the same
/// bins, as shares, and the report's own keys unchanged beside them.
@Suite struct DriftHistogramTests {
    @Test func numericalColumnsShareTenEqualBinsOverTheCombinedRange() throws {
        let reference = (0..<100).map { Double($0 % 10) }           // 0…9
        let current = (0..<50).map { Double($0 % 10) + 10 } + [.nan]  // 10…19, one missing
        let histogram = try #require(DriftHistogram.make(kind: .numerical, reference: .numeric(reference), current: .numeric(current)))
        #expect(histogram.bins.count == 10)
        #expect(histogram.referenceCount == 100 && histogram.currentCount == 50, "missing values are not counted")
        #expect(histogram.bins.first?.lower == 0 && histogram.bins.last?.upper == 19)
        #expect(histogram.bins.map(\.label).first == "[0.0, 1.9)" && histogram.bins.map(\.label).last == "[17.1, 19.0]")
        #expect(abs(histogram.bins.map(\.reference).reduce(0, +) - 1) < 1e-12)
        #expect(abs(histogram.bins.map(\.current).reduce(0, +) - 1) < 1e-12)
        // The reference fills the lower half, the current data the upper half; 19 lands in the closed last bin.
        #expect(histogram.bins.prefix(5).allSatisfy { $0.current == 0 } && histogram.bins.suffix(5).allSatisfy { $0.reference == 0 })
        #expect(histogram.bins[9].current == 0.2)
    }

    @Test func aConstantColumnIsOneBin() throws {
        let histogram = try #require(DriftHistogram.make(kind: .numerical, reference: .numeric([3, 3]), current: .numeric([3])))
        #expect(histogram.bins.map(\.label) == ["3"] && histogram.bins.map(\.current) == [1])
    }

    @Test func categoricalColumnsKeepTheMostFrequentCategoriesAndLumpTheRest() throws {
        // 20 rare categories in the reference, and a new one that dominates the current data.
        let reference: [String?] = (0..<40).map { "c\($0 % 20)" } + [nil]
        let current: [String?] = Array(repeating: "new", count: 30) + (0..<10).map { "c\($0)" }
        let histogram = try #require(DriftHistogram.make(kind: .categorical, reference: .text(reference), current: .text(current)))
        #expect(histogram.bins.count == DriftHistogram.topCategories + 1)
        #expect(histogram.bins.first == .init(label: "new", reference: 0, current: 0.75))
        #expect(histogram.bins.last?.label == DriftHistogram.otherLabel)
        #expect(abs(histogram.bins.map(\.reference).reduce(0, +) - 1) < 1e-12 && abs(histogram.bins.map(\.current).reduce(0, +) - 1) < 1e-12)
        // Integers tested as categories are named without a fraction.
        let numbers = try #require(DriftHistogram.make(kind: .categorical, reference: .numeric([1, 2, 2]), current: .numeric([2])))
        #expect(numbers.bins.map(\.label) == ["2", "1"])
    }

    @Test func aDriftEvaluationAddsHistogramsAndKeepsTheReport() throws {
        let ages = (0..<200).map { Double($0 % 50) }
        let plans: [String?] = (0..<200).map { ["free", "pro", "team"][$0 % 3] }
        let reference = DataTable(names: ["age", "plan"], columns: [.numeric(ages), .text(plans)], source: "ref.csv")
        let current = DataTable(names: ["age", "plan"], columns: [.numeric(ages.map { $0 + 40 }), .text(plans)], source: "window")
        let spec = try MonitorSpec(parsing: try JSONParser.parse(Array(#"{"name": "m", "deployment": "d", "kind": "drift", "reference": {"csv": "r"}}"#.utf8)))
        let outcome = try DriftCheck.evaluate(spec, current: current, reference: reference, requests: 200)
        guard case .object(let members) = outcome.details else { throw HistogramTestFailure("details are not an object") }
        #expect(members.map(\.0) == ["dataset", "columns", "histograms"])
        let report = try DatasetDrift.compare(reference: reference, current: current).json()
        #expect(JSONValue.object(Array(members.prefix(2))) == report, "the report's keys are capstan drift's")
        #expect(outcome.details["histograms"]?["age"]?["type"] == .string("numerical"))
        #expect(outcome.details["histograms"]?["plan"]?["type"] == .string("categorical"))
        guard case .array(let bins)? = outcome.details["histograms"]?["plan"]?["bins"] else { throw HistogramTestFailure("no bins") }
        #expect(bins.count == 3)
    }

    @Test func aDriftMonitorTestsFreeTextAndDrawsNoHistogramForIt() throws {
        let words = ["apple", "banana", "cherry", "grape", "lemon", "mango", "car", "truck", "engine", "wheel", "brake", "motor"]
        // Six words a note, numbered so that every note is distinct (free text).
        func notes(_ count: Int, from vocabulary: ArraySlice<String>, seed: Int) -> [String?] {
            let vocabulary = Array(vocabulary)
            var notes: [String?] = []
            for row in 0..<count {
                var picked: [String] = []
                for position in 0..<6 {
                    let index = (row * 7 + position * 5 + seed) * (row + position + 3)
                    picked.append(vocabulary[index % vocabulary.count])
                }
                notes.append(picked.joined(separator: " ") + " \(row)")
            }
            return notes
        }
        let reference = DataTable(names: ["note"], columns: [.text(notes(300, from: words[..<6], seed: 1))], source: "ref.csv")
        let current = DataTable(names: ["note"], columns: [.text(notes(300, from: words[6...], seed: 2))], source: "window")
        let spec = try MonitorSpec(parsing: try JSONParser.parse(Array(#"{"name": "m", "deployment": "d", "kind": "drift", "reference": {"csv": "r"}}"#.utf8)))
        let outcome = try DriftCheck.evaluate(spec, current: current, reference: reference, requests: 300)
        #expect(outcome.details["columns"]?["note"]?["type"] == .string("text"))
        #expect(outcome.details["columns"]?["note"]?["method"] == .string("perc_text_content_drift"))
        #expect(outcome.details["columns"]?["note"]?["drifted"] == .bool(true))
        #expect(outcome.details["histograms"]?["note"] == nil)
        let score = try #require(outcome.metrics.first { $0.name == "drift_score" && $0.series == "note" })
        #expect(score.value > 0.95, "the text classifier's ROC AUC")
        #expect(outcome.metrics.first { $0.name == "dataset_drift" }?.value == 1)
    }
}

struct HistogramTestFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
