import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Artifacts as files under a local directory.
///
/// Uploads are written to a temporary file beside the target and renamed into place, so a
/// failed upload never leaves a partial file. Every access resolves symlinks and refuses a
/// path whose real location is outside the root.
public struct LocalArtifactStore: ArtifactStore {
    public let root: URL
    private let realRoot: String
    private let threadPool = NIOThreadPool.singleton

    /// Opens (creating if needed) the directory at `root`.
    public init(root: URL) throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        self.root = root.standardizedFileURL
        guard let resolved = Self.realPath(self.root.path) else {
            throw StoreError.invalidConfiguration("The artifact directory \(root.path) cannot be resolved.")
        }
        self.realRoot = resolved
    }

    public func list(_ path: ArtifactPath) async throws -> [ArtifactEntry] {
        let url = try resolve(path)
        return try await NIOThreadPool.singleton.runIfActive {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                return []
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
            return names.sorted().compactMap { name -> ArtifactEntry? in
                // Temporary upload files are not artifacts.
                guard !name.hasPrefix(".capstan-upload-") else { return nil }
                let child = url.appendingPathComponent(name).path
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: child),
                      Self.isInside(Self.realPath(child), root: realRoot) else { return nil }
                let isDirectory = (attributes[.type] as? FileAttributeType) == .typeDirectory
                let size = (attributes[.size] as? NSNumber)?.int64Value
                return ArtifactEntry(name: name, isDirectory: isDirectory, size: isDirectory ? nil : size ?? 0)
            }
        }
    }

    public func fileSize(_ path: ArtifactPath) async throws -> Int64 {
        try await fileInfo(path).size
    }

    public func fileInfo(_ path: ArtifactPath) async throws -> ArtifactFileInfo {
        let url = try resolve(path)
        return try await NIOThreadPool.singleton.runIfActive {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else {
                throw StoreError.notFound("No artifact at '\(path)'.")
            }
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return ArtifactFileInfo(size: (attributes[.size] as? NSNumber)?.int64Value ?? 0, modified: Int64((modified * 1000).rounded()))
        }
    }

    public func read(_ path: ArtifactPath, _ consume: (ByteBuffer) async throws -> Void) async throws {
        let url = try resolve(path)
        let handle = try await threadPool.runIfActive {
            guard let handle = FileHandle(forReadingAtPath: url.path) else {
                throw StoreError.notFound("No artifact at '\(path)'.")
            }
            return handle
        }
        defer { try? handle.close() }
        while true {
            let data = try await threadPool.runIfActive { try handle.read(upToCount: 256 * 1024) ?? Data() }
            if data.isEmpty { break }
            try await consume(ByteBuffer(bytes: data))
        }
    }

    public func write<Chunks: AsyncSequence & Sendable>(_ path: ArtifactPath, chunks: Chunks) async throws
        where Chunks.Element == ByteBuffer {
        guard !path.isRoot else { throw StoreError.invalidParameter("Invalid path") }
        let url = try resolve(path)
        let directory = url.deletingLastPathComponent()
        try await NIOThreadPool.singleton.runIfActive {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw StoreError.invalidParameter("Cannot write the file '\(path)': a directory of that name exists.")
            }
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError.invalidParameter("Cannot create the directory for '\(path)': a file is in the way.")
            }
        }
        // Re-check after creating directories: a symlink may sit on the way.
        _ = try resolve(path)
        let temporary = directory.appendingPathComponent(".capstan-upload-\(UUID().uuidString)")
        do {
            let handle = try await threadPool.runIfActive {
                guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
                      let handle = FileHandle(forWritingAtPath: temporary.path) else {
                    throw StoreError.database("Cannot create a file in the artifact directory \(directory.path).")
                }
                return handle
            }
            do {
                for try await chunk in chunks {
                    try await threadPool.runIfActive { try handle.write(contentsOf: Data(chunk.readableBytesView)) }
                }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            try await threadPool.runIfActive {
                guard rename(temporary.path, url.path) == 0 else {
                    throw StoreError.database("Cannot move the upload into place at \(path) (errno \(errno)).")
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    public func delete(_ path: ArtifactPath) async throws {
        let url = try resolve(path)
        try await NIOThreadPool.singleton.runIfActive {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw StoreError.notFound("No artifact at '\(path)'.")
            }
            try FileManager.default.removeItem(at: url)
        }
    }

    /// The file URL for `path`, refusing any whose existing part resolves outside the root.
    func resolve(_ path: ArtifactPath) throws -> URL {
        var url = root
        for segment in path.segments {
            url.appendPathComponent(segment)
        }
        // Resolve the deepest existing ancestor: it is what the OS would follow.
        var probe = url
        var remaining = path.segments.count
        while remaining > 0, !FileManager.default.fileExists(atPath: probe.path), (try? probe.checkResourceIsReachable()) != true {
            // A dangling symlink is not "missing": check it as a link.
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: probe.path)) != nil { break }
            probe.deleteLastPathComponent()
            remaining -= 1
        }
        guard Self.isInside(Self.realPath(probe.path), root: realRoot) else {
            throw StoreError.invalidParameter("Invalid path")
        }
        return url
    }

    static func isInside(_ resolved: String?, root: String) -> Bool {
        guard let resolved else { return false }
        return resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
