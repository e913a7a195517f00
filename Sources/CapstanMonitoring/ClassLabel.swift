/// A class as a data file holds it: a number (`0`, `1`, `3.5`) or text (`"churn"`).
///
/// The classification metrics are generic over `Hashable & Comparable` labels; one type
/// for both kinds lets an evaluation read either column kind without duplicating its code
/// per label type. A table's target and prediction must hold the same kind (scikit-learn
/// rejects a mix as well), so numbers and text are never compared with each other in
/// practice; the order between kinds (numbers first) only makes `<` total.
public enum ClassLabel: Hashable, Comparable, Sendable, CustomStringConvertible {
    case number(Double)
    case text(String)

    /// Numbers by value (as `np.unique` sorts them), text by Swift's string order, which is
    /// NumPy's code-point order for the NFC text of class names.
    public static func < (lhs: ClassLabel, rhs: ClassLabel) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.text(let a), .text(let b)): a < b
        case (.number, .text): true
        case (.text, .number): false
        }
    }

    /// Whole numbers without a fraction (`1`, not `1.0`), so a label reads as it was written.
    public var description: String {
        switch self {
        case .text(let text): return text
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
    }
}
