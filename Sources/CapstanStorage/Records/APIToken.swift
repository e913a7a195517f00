/// An API token as stored: its hash, never the token.
public struct APIToken: Sendable, Equatable {
    public var id: String
    public var name: String
    /// `read`, `write`, `admin` or `predict:DEPLOYMENT`.
    public var scope: String
    public var tokenHash: String
    public var creationTime: Int64
    public var revokedTime: Int64?
}
