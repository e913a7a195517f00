/// A lexical token of MLflow's filter grammar.
enum FilterToken: Equatable {
    /// A bare word: an identifier segment or a keyword (`AND`, `LIKE`, `IN`, `NOT`, …).
    case word(String)
    /// A backtick-quoted identifier segment.
    case backticked(String)
    /// A `'…'` literal.
    case singleQuoted(String)
    /// A `"…"` literal: an identifier segment or a string value, depending on position.
    case doubleQuoted(String)
    case number(Double, text: String)
    case `operator`(String)
    case dot, comma, openParen, closeParen
}

/// Splits a filter string into tokens. Throws on unterminated quotes and stray characters.
struct FilterTokenizer {
    static func tokenize(_ input: String) throws -> [FilterToken] {
        var tokens: [FilterToken] = []
        let chars = Array(input)
        var i = 0
        func fail(_ what: String) -> StoreError {
            .invalidParameter("Invalid filter '\(input)': \(what) at position \(i).")
        }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            switch c {
            case "'", "\"", "`":
                var text = ""
                var j = i + 1
                var closed = false
                while j < chars.count {
                    if chars[j] == c {
                        // SQL escapes a quote by doubling it.
                        if j + 1 < chars.count && chars[j + 1] == c { text.append(c); j += 2; continue }
                        closed = true
                        break
                    }
                    text.append(chars[j])
                    j += 1
                }
                guard closed else { throw fail("unterminated \(c) quote") }
                tokens.append(c == "'" ? .singleQuoted(text) : c == "\"" ? .doubleQuoted(text) : .backticked(text))
                i = j + 1
            case ".":
                tokens.append(.dot); i += 1
            case ",":
                tokens.append(.comma); i += 1
            case "(":
                tokens.append(.openParen); i += 1
            case ")":
                tokens.append(.closeParen); i += 1
            case "=", "!", "<", ">":
                var op = String(c)
                if i + 1 < chars.count, chars[i + 1] == "=" || (c == "<" && chars[i + 1] == ">") {
                    op.append(chars[i + 1])
                }
                if op == "!" { throw fail("'!' without '='") }
                if op == "==" { op = "=" }
                if op == "<>" { op = "!=" }
                tokens.append(.operator(op)); i += op.count == 1 ? 1 : 2
            default:
                if c.isNumber || ((c == "-" || c == "+") && i + 1 < chars.count && (chars[i + 1].isNumber || chars[i + 1] == ".")) {
                    var j = i + 1
                    while j < chars.count, chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E"
                            || ((chars[j] == "-" || chars[j] == "+") && (chars[j - 1] == "e" || chars[j - 1] == "E")) {
                        j += 1
                    }
                    let text = String(chars[i..<j])
                    // A word may start with digits (a key such as `1st_metric`).
                    if j < chars.count, chars[j].isLetter || chars[j] == "_" {
                        var k = j
                        while k < chars.count, isWordCharacter(chars[k]) { k += 1 }
                        tokens.append(.word(String(chars[i..<k]))); i = k
                        continue
                    }
                    guard let number = Double(text) else { throw fail("malformed number '\(text)'") }
                    tokens.append(.number(number, text: text)); i = j
                } else if isWordCharacter(c) {
                    var j = i
                    while j < chars.count, isWordCharacter(chars[j]) { j += 1 }
                    tokens.append(.word(String(chars[i..<j]))); i = j
                } else {
                    throw fail("unexpected character '\(c)'")
                }
            }
        }
        return tokens
    }

    static func isWordCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_"
    }
}
