/// A registered model version named the way MLflow names them: `models:/churn/3` (a
/// version) or `models:/churn@champion` (an alias, resolved when a revision is made).
public struct ModelReference: Sendable, Equatable, CustomStringConvertible {
    public enum Selector: Sendable, Equatable {
        case version(Int64)
        case alias(String)
    }

    public var name: String
    public var selector: Selector

    public init(name: String, selector: Selector) {
        self.name = name
        self.selector = selector
    }

    /// Parses `models:/NAME/VERSION` or `models:/NAME@ALIAS`; `field` names the spec field
    /// in the error.
    public init(parsing text: String, field: String) throws {
        let expected = "\(field) must look like models:/NAME/VERSION or models:/NAME@ALIAS, got '\(text)'"
        guard text.hasPrefix("models:/") else { throw ServingError.invalidSpec(expected) }
        let rest = text.dropFirst("models:/".count)
        if let at = rest.lastIndex(of: "@") {
            let name = String(rest[..<at]), alias = String(rest[rest.index(after: at)...])
            guard !name.isEmpty, !alias.isEmpty, !alias.contains("/") else { throw ServingError.invalidSpec(expected) }
            self.init(name: name, selector: .alias(alias))
        } else if let slash = rest.lastIndex(of: "/") {
            let name = String(rest[..<slash])
            guard !name.isEmpty, let version = Int64(rest[rest.index(after: slash)...]), version > 0 else {
                throw ServingError.invalidSpec(expected)
            }
            self.init(name: name, selector: .version(version))
        } else {
            throw ServingError.invalidSpec(expected)
        }
    }

    public var description: String {
        switch selector {
        case .version(let v): "models:/\(name)/\(v)"
        case .alias(let a): "models:/\(name)@\(a)"
        }
    }
}
