import SQLKit

/// One page of search results. `nextPageToken` is nil on the last page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextPageToken: String?

    public init(items: [Item], nextPageToken: String?) {
        self.items = items
        self.nextPageToken = nextPageToken
    }
}

/// The slice of results a search request asks for: a page size and an offset from the token.
///
/// Searches fetch one row more than the page holds: its presence says another page exists,
/// so a token is returned only when there is more to read.
struct PageWindow {
    let offset: Int
    let size: Int

    init(size: Int, token: String?) throws {
        self.offset = try PageToken.offset(from: token)
        self.size = size
    }

    /// `LIMIT … OFFSET …` for the query, with the one extra row.
    var limitClause: SQLQueryString {
        "LIMIT \(bind: size + 1) OFFSET \(bind: offset)"
    }

    /// The page from the fetched rows: the extra row dropped, the rest completed by `load`.
    func page<Row, Item: Sendable>(_ rows: [Row], load: ([Row]) async throws -> [Item]) async throws -> Page<Item> {
        let items = try await load(Array(rows.prefix(size)))
        return Page(items: items, nextPageToken: rows.count > size ? PageToken.make(offset: offset + size) : nil)
    }
}
