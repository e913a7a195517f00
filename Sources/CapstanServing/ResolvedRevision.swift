/// The model versions a revision's spec named, with aliases resolved when it was made: a
/// revision keeps serving the versions it was made with even after an alias moves.
public struct ResolvedRevision: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        /// The variant's or shadow's name.
        public var name: String
        /// The reference as written (`models:/churn@champion`).
        public var reference: String
        public var registeredModel: String
        public var version: Int64

        enum CodingKeys: String, CodingKey {
            case name, reference, version
            case registeredModel = "registered_model"
        }
    }

    public var variants: [Entry]
    public var shadows: [Entry]
}
