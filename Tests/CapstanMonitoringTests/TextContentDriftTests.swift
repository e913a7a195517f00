import CapstanStats
import Testing
@testable import CapstanMonitoring

/// Evidently's free-text drift test: TF-IDF as scikit-learn makes it, a linear classifier's
/// ROC AUC, and the two rules (a fixed AUC threshold, or random classifiers' percentile).
@Suite struct TextContentDriftTests {
    static let fruit = "apple banana cherry grape lemon mango orange peach pear plum berry melon kiwi lime fig date".split(separator: " ").map(String.init)
    static let vehicles = "car truck engine wheel brake motor road driver garage tyre bus train plane ship boat bike".split(separator: " ").map(String.init)

    /// `count` sentences of 5 to 11 words drawn from `vocabulary` (distinct almost surely,
    /// so the column is free text).
    func sentences(_ count: Int, from vocabulary: [String], seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        var texts: [String] = []
        for _ in 0..<count {
            let length = 5 + Int(rng.next(upperBound: UInt64(7)))
            var words: [String] = []
            for _ in 0..<length { words.append(vocabulary[Int(rng.next(upperBound: UInt64(vocabulary.count)))]) }
            texts.append(words.joined(separator: " "))
        }
        return texts
    }

    func measure(_ reference: [String], _ current: [String], _ method: DriftMethod? = nil) throws -> TextContentDrift.Result {
        let method = method ?? .evidentlyTextDefault(referenceCount: reference.count)
        return try TextContentDrift.measure(reference: reference, current: current, method: method, threshold: method.defaultThreshold)
    }

    @Test func tokensAreLowercasedRunsOfTwoOrMoreWordCharactersWithoutStopWords() {
        // scikit-learn's analyzer gives exactly these on the same text.
        #expect(TfidfVectorizer.tokens("The Café's naïve x_y a 42 Über-cool 7") == ["café", "naïve", "x_y", "42", "über", "cool"])
        #expect(TfidfVectorizer.tokens("") == [])
    }

    @Test func tfidfMatchesScikitLearnsSublinearSmoothedNormalisedWeights() throws {
        // Values from TfidfVectorizer(sublinear_tf=True, max_df=0.5, stop_words="english")
        // on the same texts: "egg" is in 3 of 4 texts (over max_df), "the" a stop word.
        let vectorizer = try #require(TfidfVectorizer.fit(["Apple apple banana egg", "banana cherry egg", "cherry date egg the", "date fig"]))
        #expect(vectorizer.vocabulary == ["apple": 0, "banana": 1, "cherry": 2, "date": 3, "fig": 4])
        let idf = [1.916290731874155, 1.5108256237659907, 1.5108256237659907, 1.5108256237659907, 1.916290731874155]
        for (ours, theirs) in zip(vectorizer.idf, idf) { #expect(abs(ours - theirs) < 1e-15) }
        let row = vectorizer.transform("apple apple banana zebra egg")
        #expect(row.indices == [0, 1])
        #expect(abs(row.values[0] - 0.9065365209754952) < 1e-15 && abs(row.values[1] - 0.42212739325663945) < 1e-15)
        #expect(TfidfVectorizer.fit(["the and of", "a b c"]) == nil, "only stop words and one-letter words")
    }

    @Test func differentVocabulariesDriftWithAnAUCNearOne() throws {
        for (referenceCount, method) in [(400, DriftMethod.percTextContentDrift), (1500, .absTextContentDrift)] {
            let reference = sentences(referenceCount, from: Self.fruit, seed: 1)
            let current = sentences(600, from: Array(Self.fruit[..<8] + Self.vehicles[..<8]), seed: 2)
            #expect(DriftMethod.evidentlyTextDefault(referenceCount: referenceCount) == method)
            let result = try measure(reference, current)
            #expect(result.rocAUC > 0.95, "\(method): \(result.rocAUC)")
            #expect(result.drifted)
        }
    }

    @Test func samplesFromTheSameGeneratorDoNotDriftWithAnAUCNearOneHalf() throws {
        for referenceCount in [400, 1500] {
            let result = try measure(sentences(referenceCount, from: Self.fruit, seed: 3), sentences(700, from: Self.fruit, seed: 4))
            #expect(abs(result.rocAUC - 0.5) < 0.08, "\(referenceCount) reference texts: \(result.rocAUC)")
            #expect(!result.drifted)
        }
    }

    @Test func aSmallReferenceIsJudgedAgainstRandomClassifiersPercentile() throws {
        let result = try measure(sentences(300, from: Self.fruit, seed: 5), sentences(300, from: Self.fruit, seed: 6), .percTextContentDrift)
        // 300 test texts, about 150 a side: random AUCs spread with σ ≈ 0.033, so their 95th
        // percentile is near 0.5 + 1.645σ ≈ 0.555, not the 0.95 level asked for.
        #expect(result.threshold > 0.52 && result.threshold < 0.6, "\(result.threshold)")
        #expect(result.drifted == (result.rocAUC > result.threshold))

        var rng = SplitMix64(seed: 9)
        let labels = (0..<100).map { $0 % 2 == 0 }
        let median = TextContentDrift.randomClassifierPercentile(labels, level: 0.5, using: &rng)
        let p95 = TextContentDrift.randomClassifierPercentile(labels, level: 0.95, using: &rng)
        // 50 a side: σ = √(101 / (12·50·50)) ≈ 0.058.
        #expect(abs(median - 0.5) < 0.01 && abs(p95 - 0.595) < 0.02, "median \(median), p95 \(p95)")
    }

    @Test func theSameTextsGiveTheSameAUCBitForBit() throws {
        let reference = sentences(500, from: Self.fruit, seed: 7)
        let current = sentences(500, from: Array(Self.fruit[..<12] + Self.vehicles[..<4]), seed: 8)
        let first = try measure(reference, current), second = try measure(reference, current)
        #expect(first == second)
        #expect(first.rocAUC.bitPattern == second.rocAUC.bitPattern && first.threshold.bitPattern == second.threshold.bitPattern)
    }

    @Test func bigSidesAreSubsampledToTheCap() throws {
        let reference = sentences(TextContentDrift.maxTextsPerSide + 500, from: Self.fruit, seed: 10)
        let current = sentences(300, from: Self.vehicles, seed: 11)
        let result = try measure(reference, current)
        #expect(result.rocAUC > 0.99 && result.drifted && result.threshold == 0.55)
    }

    @Test func textsWithNoUsableWordOrTooFewTextsAreNotMeasured() {
        #expect(throws: TextContentDrift.Unmeasurable.self) { try measure(["the", "and a", "of", "I"], ["it is", "b c", "was", "x"]) }
        #expect(throws: TextContentDrift.Unmeasurable.self) { try measure(["apple pie"], ["motor car"]) }
        #expect(throws: TextContentDrift.Unmeasurable.self) {
            try TextContentDrift.measure(reference: sentences(50, from: Self.fruit, seed: 1), current: sentences(50, from: Self.fruit, seed: 2),
                                         method: .percTextContentDrift, threshold: 5)
        }
    }

    // MARK: In DatasetDrift

    func table(_ columns: [(String, DataTable.Column)], source: String) -> DataTable {
        DataTable(names: columns.map(\.0), columns: columns.map(\.1), integral: columns.map { _ in false }, source: source)
    }

    @Test func freeTextColumnsAreTestedAndCountInTheShare() throws {
        let reference = table([("review", .text(sentences(400, from: Self.fruit, seed: 1))),
                               ("x", .numeric((0..<400).map { Double($0 % 97) }))], source: "ref.csv")
        let current = table([("review", .text(sentences(300, from: Self.vehicles, seed: 2))),
                             ("x", .numeric((0..<300).map { Double($0 % 97) }))], source: "cur.csv")
        let drift = try DatasetDrift.compare(reference: reference, current: current)
        let review = try #require(drift.columns.first { $0.column == "review" })
        #expect(review.kind == .text && review.method == .percTextContentDrift && review.notTestable == nil)
        #expect(review.pValue == nil && review.percentileLevel == 0.95 && review.drifted)
        #expect(try #require(review.statistic) > 0.95)
        #expect(drift.tested == 2 && drift.driftedColumns == 1 && drift.share == 0.5 && drift.drifted)

        var options = DatasetDrift.Options()
        options.textMethod = .absTextContentDrift
        options.threshold = 0.99
        let abs = try #require(try DatasetDrift.compare(reference: reference, current: current, options: options).columns.first { $0.column == "review" })
        #expect(abs.method == .absTextContentDrift && abs.threshold == 0.99 && abs.percentileLevel == nil)
    }

    @Test func textTestsAndOtherTestsDoNotCross() throws {
        let reference = table([("review", .text(sentences(200, from: Self.fruit, seed: 1))),
                               ("plan", .text((0..<200).map { ["a", "b"][$0 % 2] }))], source: "ref.csv")
        let current = table([("review", .text(sentences(200, from: Self.fruit, seed: 2))),
                             ("plan", .text((0..<200).map { ["a", "b"][$0 % 3 % 2] }))], source: "cur.csv")
        var options = DatasetDrift.Options()
        options.textMethod = .chisquare
        options.categoricalMethod = .absTextContentDrift
        let drift = try DatasetDrift.compare(reference: reference, current: current, options: options)
        let reasons = Dictionary(uniqueKeysWithValues: drift.columns.map { ($0.column, $0.notTestable) })
        #expect(reasons["review"]??.contains("chisquare does not apply to free text") == true)
        #expect(reasons["plan"]??.contains("abs_text_content_drift tests free text only") == true)
        #expect(!DriftMethod.ks.applies(to: .text) && !DriftMethod.psi.applies(to: .text))
        #expect(DriftMethod.absTextContentDrift.applies(to: .text) && !DriftMethod.absTextContentDrift.applies(to: .categorical))
    }

    @Test func emptyOrUnusableTextColumnsStayUntestedWithTheirReason() throws {
        let texts = sentences(100, from: Self.fruit, seed: 1)
        let missing = [String?](repeating: nil, count: 100)
        // Distinct texts of stop words and one-character tokens only.
        let stopWords = (0..<100).map { "the \($0 % 10) and \($0 / 10)!" as String? }
        let reference = table([("gone", .text(texts)), ("unset", .text(missing)), ("noise", .text(stopWords))], source: "ref.csv")
        let current = table([("gone", .text(missing)), ("unset", .text(texts)), ("noise", .text(stopWords))], source: "cur.csv")
        let drift = try DatasetDrift.compare(reference: reference, current: current)
        let reasons = Dictionary(uniqueKeysWithValues: drift.columns.map { ($0.column, $0.notTestable) })
        #expect(reasons["gone"]??.contains("no values in the current data") == true)
        #expect(reasons["unset"]??.contains("no values in the reference") == true)
        #expect(reasons["noise"]??.contains("no word to learn from") == true, "\(String(describing: reasons["noise"]))")
        #expect(drift.tested == 0 && !drift.drifted)
    }
}
