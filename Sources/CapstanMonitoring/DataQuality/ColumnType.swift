/// What a column's values are, as the data reads them (``DataTable``'s pandas typing) and
/// as a spec expects them.
///
/// A column's observed type: `int` when it is numeric and every present value is a whole
/// number (pandas' int64, or float64 only because of missing cells), else `float`; `bool`
/// when it is text and every present value is one of pandas' boolean words (`True`,
/// `False`, in lower or upper case too); `string` for any other text. A column with no
/// present value has no observed type and passes any type expectation.
///
/// Expected types accept the observed types they contain: `float` accepts `int`, `string`
/// accepts `bool`, and `category` (values that are labels) accepts `int`, `bool` and
/// `string`, but not numbers with fractions.
public enum ColumnType: String, Sendable, CaseIterable {
    case int, float, string, bool, category

    /// Whether a column observed as `observed` has this type.
    public func accepts(_ observed: ColumnType) -> Bool {
        switch self {
        case .int: observed == .int
        case .float: observed == .int || observed == .float
        case .bool: observed == .bool
        case .string: observed == .string || observed == .bool
        case .category: observed != .float
        }
    }

    /// pandas' `read_csv` `true_values` and `false_values` defaults.
    static let booleanWords: Set<String> = ["True", "true", "TRUE", "False", "false", "FALSE"]
}
