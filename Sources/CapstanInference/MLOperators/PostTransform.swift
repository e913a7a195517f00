import Foundation

/// The score transforms of ONNX's ai.onnx.ml operators, computed as onnxruntime computes
/// them (in float32, with its formulas), since users compare against its answers.
///
/// Notes on fidelity: the logistic is evaluated as `1 - 1/(1 + e^-|x|)` for negative x;
/// PROBIT uses Winitzki's approximation of the inverse error function (a = 0.147), not
/// the exact function; SOFTMAX_ZERO leaves near-zero scores out of the sum.
enum PostTransform: String, Sendable {
    case none = "NONE"
    case logistic = "LOGISTIC"
    case softmax = "SOFTMAX"
    case softmaxZero = "SOFTMAX_ZERO"
    case probit = "PROBIT"

    /// Parses the attribute as onnxruntime does: any unknown name means PROBIT.
    init(attribute: String) {
        self = PostTransform(rawValue: attribute) ?? .probit
    }

    /// TreeEnsemble (ai.onnx.ml 5) encodes the transform as an int. onnxruntime maps
    /// 1 to LOGISTIC and 2 to SOFTMAX (its internal enum), the reverse of the ONNX spec; we
    /// follow the runtime whose answers users check against.
    init(code: Int64) throws {
        switch code {
        case 0: self = .none
        case 1: self = .logistic
        case 2: self = .softmax
        case 3: self = .softmaxZero
        case 4: self = .probit
        default: throw InferenceError.unsupported("post_transform \(code)")
        }
    }

    static func logistic(_ x: Float) -> Float {
        let v = 1 / (1 + expf(-Swift.abs(x)))
        return x < 0 ? 1 - v : v
    }

    static func probit(_ x: Float) -> Float {
        Float(2).squareRoot() * inverseErf(2 * x - 1)
    }

    /// Winitzki's approximation of erf⁻¹, as onnxruntime evaluates it.
    static func inverseErf(_ x: Float) -> Float {
        let sign: Float = x < 0 ? -1 : 1
        let t = (1 - x) * (1 + x)
        let l = logf(t)
        let a: Float = 0.147
        let v = 2 / (Float.pi * a) + 0.5 * l
        let v2 = (1 / a) * l
        let v3 = -v + (v * v - v2).squareRoot()
        return sign * v3.squareRoot()
    }

    static func softmax(_ scores: inout [Float]) {
        var peak = -Float.greatestFiniteMagnitude
        for s in scores where s > peak { peak = s }
        var sum: Float = 0
        for i in scores.indices {
            scores[i] = expf(scores[i] - peak)
            sum += scores[i]
        }
        for i in scores.indices { scores[i] /= sum }
    }

    static func softmaxZero(_ scores: inout [Float]) {
        var peak = -Float.greatestFiniteMagnitude
        for s in scores where s > peak { peak = s }
        let k = expf(-peak)
        var sum: Float = 0
        for i in scores.indices {
            if scores[i] > 1e-7 || scores[i] < -1e-7 {
                scores[i] = expf(scores[i] - peak)
                sum += scores[i]
            } else {
                scores[i] *= k
            }
        }
        for i in scores.indices { scores[i] /= sum }
    }

    /// The transform over a row of two or more scores (tree ensembles' `write_scores`).
    func apply(row scores: inout [Float]) {
        switch self {
        case .none: break
        case .logistic: for i in scores.indices { scores[i] = Self.logistic(scores[i]) }
        case .probit: for i in scores.indices { scores[i] = Self.probit(scores[i]) }
        case .softmax: Self.softmax(&scores)
        case .softmaxZero: Self.softmaxZero(&scores)
        }
    }

    /// ``apply(row:)`` over two scores, without an array (a binary classifier's every row).
    func apply(pair: (Float, Float)) -> (Float, Float) {
        switch self {
        case .none: return pair
        case .logistic: return (Self.logistic(pair.0), Self.logistic(pair.1))
        case .probit: return (Self.probit(pair.0), Self.probit(pair.1))
        case .softmax, .softmaxZero:
            var row = [pair.0, pair.1]
            apply(row: &row)
            return (row[0], row[1])
        }
    }

    /// MLAS's rational approximation of the logistic function, which onnxruntime's linear
    /// models use for LOGISTIC over two or more scores.
    static func approximateLogistic(_ value: Float) -> Float {
        if value.isNaN { return value }
        let x = Swift.min(Swift.max(value, -18), 18)
        let x2 = x * x
        var p: Float = 4.37031012579801e-11
        p = p * x2 + 1.15627324459942e-07
        p = p * x2 + 6.08574864600143e-05
        p = p * x2 + 8.51377133304701e-03
        p = p * x2 + 2.48287947061529e-01
        p *= x
        var q: Float = 6.10247389755681e-13
        q = q * x2 + 5.76102136993427e-09
        q = q * x2 + 6.29106785017040e-06
        q = q * x2 + 1.70198817374094e-03
        q = q * x2 + 1.16817656904453e-01
        q = q * x2 + 9.93151921023180e-01
        return Swift.min(Swift.max(p / q + 0.5, 0), 1)
    }
}
