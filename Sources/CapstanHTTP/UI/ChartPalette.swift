/// The colours charts draw with: Okabe and Ito's palette ("Color Universal Design", 2008),
/// chosen so series stay distinguishable with the common forms of colour blindness. Yellow
/// is left out of series colours because it is unreadable as a thin line on white.
public enum ChartPalette {
    /// Series colours in the order series are given; past the end they repeat, dashed.
    public static let series: [String] = [
        "#0072B2", // blue
        "#E69F00", // orange
        "#009E73", // bluish green
        "#CC79A7", // reddish purple
        "#56B4E9", // sky blue
        "#D55E00", // vermillion
        "#000000", // black
    ]
    /// Threshold lines (alert limits): vermillion, and always dashed so colour is not the only cue.
    public static let threshold = "#D55E00"
    /// Axis lines and labels.
    public static let axis = "#555555"
    /// Grid lines behind the data.
    public static let grid = "#E5E5E5"
    /// The "no data" message.
    public static let muted = "#888888"

    /// The colour of series `index`, cycling.
    public static func colour(forSeries index: Int) -> String {
        series[((index % series.count) + series.count) % series.count]
    }

    /// Whether series `index` draws dashed, which keeps series apart once colours repeat.
    public static func isDashed(series index: Int) -> Bool {
        index >= series.count
    }
}
