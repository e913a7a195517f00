/// Numbers as they go into SVG attributes: fixed two decimals at most, trailing zeros
/// trimmed, never `nan`, `inf` or an exponent (`1e-05`), which browsers reject or misdraw
/// and which would make a chart depend on `Double.description`'s choices.
enum SVGNumber {
    /// Coordinates beyond this are clamped: no chart is drawn this large, and the clamp keeps
    /// the integer conversion below in range.
    static let limit = 1_000_000.0

    /// `12.5`, `-3`, `0.07`; a non-finite value becomes `0`.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let clamped = min(max(value, -limit), limit)
        let hundredths = Int((clamped * 100).rounded())
        if hundredths == 0 { return "0" }
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
