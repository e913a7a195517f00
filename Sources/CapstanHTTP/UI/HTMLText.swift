/// Markup that is safe to put in a page, so no deployment, feature or model name can inject
/// markup into the dashboard.
///
/// The only ways to make one are escaping a `String` (`HTMLText("a<b")`), writing a string
/// literal in source code (its type is `StaticString`, so a runtime string cannot pass for a
/// literal), interpolating into such a literal (interpolated strings and numbers are escaped,
/// interpolated `HTMLText` is kept), and the kit's own renderers. Escaping covers `& < > " '`,
/// so an interpolation is safe both in text and inside a quoted attribute:
///
/// ```swift
/// let link: HTMLText = "<a href=\"/ui/deployments/\(HTMLText.pathSegment(name))\">\(name)</a>"
/// ```
public struct HTMLText: Sendable, Hashable, ExpressibleByStringInterpolation {
    public typealias StringLiteralType = StaticString

    /// The markup, ready to write into a document.
    public let markup: String

    /// Text escaped for use anywhere in a page (element content or quoted attribute).
    public init(_ text: String) {
        self.markup = Self.escape(text)
    }

    /// Markup written in source code.
    public init(stringLiteral literal: StaticString) {
        self.markup = literal.description
    }

    public init(stringInterpolation: Interpolation) {
        self.markup = stringInterpolation.markup
    }

    /// Markup built by this kit's renderers (charts, tables). The name says what it costs:
    /// whatever goes in here is trusted as is.
    init(uncheckedMarkup markup: String) {
        self.markup = markup
    }

    /// Nothing.
    public static let empty = HTMLText(uncheckedMarkup: "")

    /// Pieces one after another, with an optional separator.
    public static func joined(_ pieces: [HTMLText], separator: HTMLText = .empty) -> HTMLText {
        HTMLText(uncheckedMarkup: pieces.map(\.markup).joined(separator: separator.markup))
    }

    /// Builds markup from trusted literal segments and escaped values.
    public struct Interpolation: StringInterpolationProtocol {
        public typealias StringLiteralType = StaticString
        var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: StaticString) {
            markup += literal.description
        }

        /// Kit markup, kept as is.
        public mutating func appendInterpolation(_ html: HTMLText) {
            markup += html.markup
        }

        /// Text, escaped.
        public mutating func appendInterpolation(_ text: String) {
            markup += HTMLText.escape(text)
        }

        /// Anything else by its description, escaped.
        public mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) {
            markup += HTMLText.escape(value.description)
        }
    }
}

extension HTMLText {
    /// Escapes text for XML and HTML alike: `& < > " '` become references, and the control
    /// characters XML 1.0 forbids even as references become U+FFFD, so inline SVG stays
    /// well-formed whatever a name contains.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// The same escaping as `escape(_:)`, named for where it is used: values of quoted attributes.
    public static func escapeAttribute(_ text: String) -> String {
        escape(text)
    }

    /// A name as one URL path segment (`a b/c` → `a%20b%2Fc`), so a name with `/`, `?` or `#`
    /// still links to its own page. Interpolate the result; it is escaped again for HTML,
    /// which leaves percent-encoding intact.
    public static func pathSegment(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out += "%"
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// A link target for an `href`, escaped; schemes that run code or embed documents
    /// (`javascript:`, `data:`, `vbscript:`) become `#`, so a caller-built URL cannot run script.
    public static func safeURL(_ url: String) -> String {
        let scheme = url.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "#" }
            .filter { !$0.isWhitespace && !($0.asciiValue.map { $0 < 0x20 } ?? false) }
            .lowercased()
        if url.contains(":"), ["javascript", "data", "vbscript"].contains(scheme) { return "#" }
        return escape(url)
    }
}
