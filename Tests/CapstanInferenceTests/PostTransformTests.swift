import Testing
@testable import CapstanInference

/// A binary classifier transforms each row's two scores without an array; the answer must
/// be the one the general, row-of-scores path gives, for every transform.
@Suite struct PostTransformTests {
    @Test(arguments: [PostTransform.none, .logistic, .softmax, .softmaxZero, .probit])
    func aPairIsTransformedAsARowOfTwo(_ transform: PostTransform) {
        let pairs: [(Float, Float)] = [(0, 0), (0.25, 0.75), (-3.5, 3.5), (1e-8, -2), (40, -40), (0.999, 0.001)]
        for pair in pairs {
            var row = [pair.0, pair.1]
            transform.apply(row: &row)
            let transformed = transform.apply(pair: pair)
            // Bit for bit, NaN included (probit of a value outside (0, 1)).
            #expect(transformed.0.bitPattern == row[0].bitPattern && transformed.1.bitPattern == row[1].bitPattern,
                    "\(transform) of \(pair): \(transformed) against \(row)")
        }
    }
}
