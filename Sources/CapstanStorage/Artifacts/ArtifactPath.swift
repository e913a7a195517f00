import Foundation

/// A path inside an artifact root that is known not to escape it.
///
/// Built only through ``init(validating:)``, which refuses every shape of MLflow's
/// artifact-path CVEs: `..` segments, absolute paths (POSIX and Windows drive or UNC),
/// backslashes, NUL bytes, `#`, and any of these hidden behind one or more further
/// rounds of percent-encoding (`%2e%2e`, `%252e%252e`). Symlinks are checked by the store
/// that resolves the path, since only it sees the file system.
public struct ArtifactPath: Sendable, Equatable, CustomStringConvertible {
    /// The normalised segments; empty for the root.
    public let segments: [String]

    public static let root = ArtifactPath(segments: [])

    private init(segments: [String]) {
        self.segments = segments
    }

    /// Validates a path that has been URL-decoded once (as it arrives from a router or a
    /// query parameter). Empty and `.` segments are dropped.
    ///
    /// - Throws: ``StoreError/invalidParameter(_:)`` with MLflow's message, `Invalid path`.
    public init(validating raw: String) throws {
        var candidate = raw
        // Check the path as given and every further decoding of it, so a client cannot
        // smuggle a traversal past us to a later decoding step (ours or a proxy's).
        for _ in 0..<4 {
            try Self.check(candidate)
            guard candidate.contains("%"), let decoded = candidate.removingPercentEncoding, decoded != candidate else { break }
            candidate = decoded
        }
        self.segments = raw.split(separator: "/", omittingEmptySubsequences: true)
            .map(String.init)
            .filter { $0 != "." }
    }

    private static func check(_ path: String) throws {
        let invalid = StoreError.invalidParameter("Invalid path")
        if path.contains("\0") || path.contains("#") || path.contains("\\") { throw invalid }
        if path.hasPrefix("/") || path.hasPrefix("~") { throw invalid }
        // Windows drive letters (`C:`) and URLs (`file://`) make a path absolute.
        let chars = Array(path.utf8.prefix(2))
        if chars.count == 2, chars[1] == UInt8(ascii: ":"), (chars[0] | 0x20) >= UInt8(ascii: "a"), (chars[0] | 0x20) <= UInt8(ascii: "z") {
            throw invalid
        }
        if path.contains("://") { throw invalid }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains("..") { throw invalid }
    }

    /// This path followed by `other`.
    public func appending(_ other: ArtifactPath) -> ArtifactPath {
        ArtifactPath(segments: segments + other.segments)
    }

    public var isRoot: Bool { segments.isEmpty }

    public var name: String { segments.last ?? "" }

    public var description: String { segments.joined(separator: "/") }
}
