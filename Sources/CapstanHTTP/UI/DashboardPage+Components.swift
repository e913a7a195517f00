/// The building blocks of page content. Each returns `HTMLText`, takes plain strings where
/// text goes (escaped here) and `HTMLText` where markup may go, so content can be composed
/// without ever concatenating raw strings.
extension DashboardPage {
    /// A titled block of content (`<section>` with an `<h2>`).
    public static func section(_ heading: String, id: String? = nil, _ content: HTMLText...) -> HTMLText {
        let idAttribute: HTMLText = id.map { " id=\"\($0)\"" } ?? .empty
        return "<section class=\"block\"\(idAttribute)><h2>\(heading)</h2>\n\(HTMLText.joined(content, separator: "\n"))</section>"
    }

    /// Key/value facts at a glance (revision, traffic split, request count), as a `<dl>`.
    public static func summary(_ items: [(label: String, value: HTMLText)]) -> HTMLText {
        let entries = items.map { item -> HTMLText in "<div><dt>\(item.label)</dt><dd>\(item.value)</dd></div>" }
        return "<dl class=\"summary\">\(HTMLText.joined(entries))</dl>"
    }

    /// A table of `rows`, one cell per column per row. With no rows it shows `emptyMessage`
    /// in a single spanning cell, so "none yet" is distinguishable from a broken page.
    public static func table<Row>(
        _ rows: [Row], columns: [TableColumn<Row>], caption: String? = nil, emptyMessage: String = "None"
    ) -> HTMLText {
        func cssClass(_ column: TableColumn<Row>) -> HTMLText {
            column.alignment == .right ? " class=\"num\"" : .empty
        }
        let captionMarkup: HTMLText = caption.map { "<caption>\($0)</caption>" } ?? .empty
        let head = HTMLText.joined(columns.map { "<th scope=\"col\"\(cssClass($0))>\($0.header)</th>" })
        let body: HTMLText
        if rows.isEmpty {
            body = "<tr><td class=\"empty\" colspan=\"\(max(columns.count, 1))\">\(emptyMessage)</td></tr>"
        } else {
            body = HTMLText.joined(rows.map { row in
                "<tr>\(HTMLText.joined(columns.map { "<td\(cssClass($0))>\($0.cell(row))</td>" }))</tr>"
            }, separator: "\n")
        }
        return "<div class=\"table-wrap\"><table>\(captionMarkup)<thead><tr>\(head)</tr></thead>\n<tbody>\(body)</tbody></table></div>"
    }

    /// A coloured status label; `text` replaces the status's own label (`"firing since 14:02"`).
    public static func badge(_ status: BadgeStatus, text: String? = nil) -> HTMLText {
        "<span class=\"badge \(status.rawValue)\">\(text ?? status.label)</span>"
    }

    /// Charts in a responsive grid of cards, each `<svg>` inline.
    public static func chartGrid(_ cards: [ChartCard]) -> HTMLText {
        let figures = cards.map { card -> HTMLText in
            let note: HTMLText = card.note.map { "<p class=\"note\">\($0)</p>" } ?? .empty
            return "<figure class=\"card\"><figcaption>\(card.heading)</figcaption>\(card.chart.html)\(note)</figure>"
        }
        return "<div class=\"charts\">\(HTMLText.joined(figures, separator: "\n"))</div>"
    }

    /// A link; `href` schemes that could run script become `#`.
    public static func link(_ text: String, href: String) -> HTMLText {
        "<a href=\"\(HTMLText(uncheckedMarkup: HTMLText.safeURL(href)))\">\(text)</a>"
    }

    /// A muted line of explanatory text.
    public static func note(_ text: String) -> HTMLText {
        "<p class=\"note\">\(text)</p>"
    }
}
