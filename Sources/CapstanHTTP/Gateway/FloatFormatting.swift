import CapstanJSON

/// A float32 as the double with the same shortest decimal form (0.2070735, not
/// 0.20707350969314575): JSON readers show what the model computed, and reading it back as
/// float32 gives the same value.
func shortest(_ value: Float) -> Double {
    guard value.isFinite else { return Double(value) }
    var text = value.description
    // Up to 9 significant digits: nearly always read exactly, without strtod.
    if case .double(let d)? = text.withUTF8({ JSONParser.quickNumber($0) }) { return d }
    return Double(text) ?? Double(value)
}
