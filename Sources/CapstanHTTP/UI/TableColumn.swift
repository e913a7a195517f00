/// One column of a `DashboardPage.table`: its header and how to render its cell for a row.
///
/// Tables are built column by column from the rows' own values, so a row can never have
/// more or fewer cells than there are headers, and every cell is `HTMLText`: plain strings
/// are escaped on the way in (`HTMLText(name)` or `"\(name)"`), markup comes only from the kit.
///
/// ```swift
/// DashboardPage.table(deployments, columns: [
///     TableColumn("Name") { "<a href=\"/ui/deployments/\(HTMLText.pathSegment($0.name))\">\($0.name)</a>" },
///     TableColumn("Requests", alignment: .right) { "\($0.requests)" },
///     TableColumn("Status") { DashboardPage.badge($0.healthy ? .ok : .firing) },
/// ])
/// ```
public struct TableColumn<Row> {
    public enum Alignment: Sendable {
        case left
        /// For numbers: right-aligned with tabular figures, so digits line up.
        case right
    }

    public let header: String
    public let alignment: Alignment
    public let cell: (Row) -> HTMLText

    public init(_ header: String, alignment: Alignment = .left, cell: @escaping (Row) -> HTMLText) {
        self.header = header
        self.alignment = alignment
        self.cell = cell
    }
}
