import Foundation
import NIOCore
import Testing
@testable import CapstanStorage

@Suite("Local artifact store")
struct LocalArtifactStoreTests {
    let directory: URL
    let store: LocalArtifactStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-artifacts-\(UUID().uuidString)")
        store = try LocalArtifactStore(root: directory.appendingPathComponent("root"))
    }

    func write(_ path: String, _ text: String) async throws {
        let chunks = [ByteBuffer(string: text)].async
        try await store.write(try ArtifactPath(validating: path), chunks: chunks)
    }

    func read(_ path: String) async throws -> String {
        var text = ""
        try await store.read(try ArtifactPath(validating: path)) { chunk in text += String(buffer: chunk) }
        return text
    }

    @Test func writesListsReadsAndDeletes() async throws {
        try await write("run/artifacts/a.txt", "a")
        try await write("run/artifacts/dir/b.txt", "bb")
        let listing = try await store.list(try ArtifactPath(validating: "run/artifacts"))
        #expect(listing == [
            ArtifactEntry(name: "a.txt", isDirectory: false, size: 1),
            ArtifactEntry(name: "dir", isDirectory: true, size: nil),
        ])
        #expect(try await read("run/artifacts/dir/b.txt") == "bb")
        #expect(try await store.fileSize(try ArtifactPath(validating: "run/artifacts/dir/b.txt")) == 2)
        try await store.delete(try ArtifactPath(validating: "run/artifacts/dir"))
        #expect(try await store.list(try ArtifactPath(validating: "run/artifacts")).map(\.name) == ["a.txt"])
    }

    @Test func overwritesExistingFiles() async throws {
        try await write("x/f.txt", "first")
        try await write("x/f.txt", "second")
        #expect(try await read("x/f.txt") == "second")
    }

    @Test func fileInfoChangesWhenAFileIsReplaced() async throws {
        try await write("x/f.txt", "first")
        let path = try ArtifactPath(validating: "x/f.txt")
        let first = try await store.fileInfo(path)
        #expect(first.size == 5)
        // File times tick coarsely (a few milliseconds); a replacement a moment later must show.
        try await Task.sleep(for: .milliseconds(30))
        try await write("x/f.txt", "second")
        let second = try await store.fileInfo(path)
        #expect(second.size == 6 && second.modified > first.modified)
        await #expect(throws: StoreError.self) { try await store.fileInfo(try ArtifactPath(validating: "x")) }
    }

    @Test func listingAFileOrMissingDirectoryIsEmpty() async throws {
        try await write("x/f.txt", "data")
        #expect(try await store.list(try ArtifactPath(validating: "x/f.txt")).isEmpty)
        #expect(try await store.list(try ArtifactPath(validating: "nothing/here")).isEmpty)
    }

    @Test func missingFileIsNotFound() async throws {
        await #expect(throws: StoreError.self) { try await store.fileSize(try ArtifactPath(validating: "none.txt")) }
        await #expect(throws: StoreError.self) { try await store.delete(try ArtifactPath(validating: "none.txt")) }
    }

    @Test func refusesSymlinksThatEscapeTheRoot() async throws {
        let outside = directory.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "secret".write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            at: directory.appendingPathComponent("root/escape"), withDestinationURL: outside
        )
        await #expect(throws: StoreError.invalidParameter("Invalid path")) { _ = try await read("escape/secret.txt") }
        await #expect(throws: StoreError.invalidParameter("Invalid path")) { try await write("escape/new.txt", "x") }
        await #expect(throws: StoreError.invalidParameter("Invalid path")) {
            _ = try await store.list(try ArtifactPath(validating: "escape"))
        }
        #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("new.txt").path))
        // The link itself is not listed as an entry of the root either.
        #expect(try await store.list(.root).isEmpty)
    }
}

extension Array where Element: Sendable {
    var async: AsyncArraySequence<Self> { AsyncArraySequence(elements: self) }
}

struct AsyncArraySequence<Elements: Sequence & Sendable>: AsyncSequence, Sendable where Elements.Element: Sendable {
    typealias Element = Elements.Element
    let elements: Elements
    struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: Elements.Iterator
        mutating func next() async -> Element? { iterator.next() }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: elements.makeIterator()) }
}
