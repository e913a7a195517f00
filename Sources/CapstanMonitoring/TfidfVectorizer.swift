import Foundation

/// TF-IDF features of short texts, as scikit-learn's
/// `TfidfVectorizer(sublinear_tf=True, max_df=0.5, stop_words="english")` makes them for
/// Evidently's free-text drift test (design credit: scikit-learn).
///
/// - Tokens: the text lowercased (Unicode-aware), then every run of two or more word
///   characters (letters, digits, `_`: Python's `(?u)\b\w\w+\b`); English stop words
///   (``EnglishStopWords``) dropped.
/// - Vocabulary: the tokens of the fitted texts, less those in more than `maxDocumentShare`
///   of them (terms that common tell the samples apart poorly).
/// - Weights: `(1 + ln tf) × idf`, `idf = ln((1 + n) / (1 + df)) + 1` over the `n` fitted
///   texts (smoothed), each row scaled to unit L2 norm. Words not in the vocabulary are
///   ignored when transforming other texts.
struct TfidfVectorizer: Sendable {
    /// One text's non-zero features, by ascending feature index.
    struct Row: Sendable {
        var indices: [Int32]
        var values: [Double]
    }

    private(set) var vocabulary: [String: Int32] = [:]
    private(set) var idf: [Double] = []

    var featureCount: Int { idf.count }

    /// Fits the vocabulary and idf on `texts`; nil when no word survives (every text empty
    /// or only stop words: scikit-learn raises "empty vocabulary" there).
    static func fit(_ texts: [String], maxDocumentShare: Double = 0.5) -> TfidfVectorizer? {
        var documentFrequency: [String: Int] = [:]
        for text in texts {
            for token in Set(tokens(text)) { documentFrequency[token, default: 0] += 1 }
        }
        let maxCount = maxDocumentShare * Double(texts.count)
        // Sorted terms give feature indices that do not depend on hashing (scikit-learn
        // sorts its vocabulary too).
        let kept = documentFrequency.filter { Double($0.value) <= maxCount }.keys.sorted()
        guard !kept.isEmpty else { return nil }
        var vectorizer = TfidfVectorizer()
        let n = Double(texts.count)
        for (index, term) in kept.enumerated() {
            vectorizer.vocabulary[term] = Int32(index)
            vectorizer.idf.append(Foundation.log((1 + n) / (1 + Double(documentFrequency[term]!))) + 1)
        }
        return vectorizer
    }

    /// The text's features over the fitted vocabulary; empty when none of its words is in it.
    func transform(_ text: String) -> Row {
        var counts: [Int32: Int] = [:]
        for token in Self.tokens(text) {
            if let index = vocabulary[token] { counts[index, default: 0] += 1 }
        }
        let indices = counts.keys.sorted()
        var values = indices.map { (1 + Foundation.log(Double(counts[$0]!))) * idf[Int($0)] }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { values = values.map { $0 / norm } }
        return Row(indices: indices, values: values)
    }

    /// The text's tokens in order, stop words dropped.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if current.count >= 2 {
                let token = String(current)
                if !EnglishStopWords.words.contains(token) { tokens.append(token) }
            }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.lowercased().unicodeScalars {
            if isWordCharacter(scalar) { current.append(scalar) } else { flush() }
        }
        flush()
        return tokens
    }

    /// Python's `\w` on str patterns: letters and numbers of any script, and `_`.
    /// Combining marks are not word characters there, so they split tokens here too.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber: true
        default: scalar == "_"
        }
    }
}
