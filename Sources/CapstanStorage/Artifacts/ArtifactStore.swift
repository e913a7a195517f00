import NIOCore

/// One entry of a directory listing.
public struct ArtifactEntry: Sendable, Equatable {
    /// The entry's name within the listed directory.
    public var name: String
    public var isDirectory: Bool
    /// Size in bytes; nil for directories.
    public var size: Int64?

    public init(name: String, isDirectory: Bool, size: Int64?) {
        self.name = name
        self.isDirectory = isDirectory
        self.size = size
    }
}

/// A file's size and when it was last written: enough to tell whether a copy read earlier
/// (a parsed reference table, say) is still the file's content.
public struct ArtifactFileInfo: Sendable, Equatable {
    public var size: Int64
    /// Milliseconds since the Unix epoch. Replacing a file changes it, since writes land by
    /// rename rather than in place.
    public var modified: Int64

    public init(size: Int64, modified: Int64) {
        self.size = size
        self.modified = modified
    }
}

/// Where run and model artifacts live (a local directory now; S3-compatible later).
///
/// Paths are ``ArtifactPath`` values, so traversal is refused before a store sees them;
/// a store must still refuse paths that resolve outside its root (symlinks).
public protocol ArtifactStore: Sendable {
    /// Entries directly under `path`, sorted by name; empty when `path` is a file or missing.
    func list(_ path: ArtifactPath) async throws -> [ArtifactEntry]

    /// Size of the file at `path`.
    /// - Throws: ``StoreError/notFound(_:)`` when there is no file there.
    func fileSize(_ path: ArtifactPath) async throws -> Int64

    /// Size and modification time of the file at `path`.
    /// - Throws: ``StoreError/notFound(_:)`` when there is no file there (a directory is none).
    func fileInfo(_ path: ArtifactPath) async throws -> ArtifactFileInfo

    /// Streams the file at `path` to `consume`, chunk by chunk.
    func read(_ path: ArtifactPath, _ consume: (ByteBuffer) async throws -> Void) async throws

    /// Stores `chunks` as the file at `path`, creating directories and replacing any file
    /// there. Readers never see a partly written file.
    func write<Chunks: AsyncSequence & Sendable>(_ path: ArtifactPath, chunks: Chunks) async throws
        where Chunks.Element == ByteBuffer

    /// Deletes the file or directory tree at `path`.
    /// - Throws: ``StoreError/notFound(_:)`` when nothing is there.
    func delete(_ path: ArtifactPath) async throws
}
