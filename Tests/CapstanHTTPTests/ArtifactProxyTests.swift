import Foundation
import Testing
@testable import CapstanHTTP

@Suite("mlflow-artifacts proxy")
struct ArtifactProxyTests {
    static let prefix = "/api/2.0/mlflow-artifacts/artifacts"

    @Test func uploadListDownloadDelete() async throws {
        try await withServer { client in
            let bytes: [UInt8] = Array(0...255) + [0, 0, 255]
            #expect(try await client.put("\(Self.prefix)/1/run/artifacts/bin/data.bin", bytes: bytes).status == .ok)
            #expect(try await client.put("\(Self.prefix)/1/run/artifacts/a%20b.txt", bytes: Array("x".utf8)).status == .ok)
            let listing = try await client.send(.get, "\(Self.prefix)?path=1/run/artifacts")
            #expect(listing.text == #"{"files":[{"path":"a b.txt","is_dir":false,"file_size":1},{"path":"bin","is_dir":true}]}"#)
            let download = try await client.send(.get, "\(Self.prefix)/1/run/artifacts/bin/data.bin")
            #expect(Array(download.body.readableBytesView) == bytes)
            #expect(download.headers[.contentDisposition]?.contains("data.bin") == true)
            #expect(try await client.send(.get, "\(Self.prefix)?path=1/run/artifacts/bin/data.bin").text == "{}")
            #expect(try await client.send(.get, "\(Self.prefix)?path=missing").text == "{}")
            #expect(try await client.send(.delete, "\(Self.prefix)/1/run/artifacts/bin").status == .ok)
            #expect(try await client.send(.get, "\(Self.prefix)/1/run/artifacts/bin/data.bin").status == .notFound)
        }
    }

    @Test func emptyFilesRoundTrip() async throws {
        try await withServer { client in
            #expect(try await client.put("\(Self.prefix)/e/empty.txt", bytes: []).status == .ok)
            let download = try await client.send(.get, "\(Self.prefix)/e/empty.txt")
            #expect(download.status == .ok && download.body.readableBytes == 0)
        }
    }

    /// Every traversal shape gets a 400 on every route, and nothing lands outside the root.
    @Test(arguments: [
        "../outside.txt",
        "a/../../outside.txt",
        "%2e%2e/outside.txt",
        "%2E%2E%2Foutside.txt",
        "%252e%252e/outside.txt",
        "%252e%252e%252foutside.txt",
        "..%2foutside.txt",
        "..%5coutside.txt",
        "a%5c..%5c..%5coutside.txt",
        "%2fetc%2fpasswd",
        "C:%5cWindows",
        "a%23b",
        "a%00b",
    ])
    func traversalIsRefused(_ path: String) async throws {
        try await withServer { client in
            let put = try await client.put("\(Self.prefix)/\(path)", bytes: Array("evil".utf8))
            #expect(put.status == .badRequest)
            #expect(put.json == .object([("error_code", .string("INVALID_PARAMETER_VALUE")), ("message", .string("Invalid path"))]))
            #expect(try await client.send(.get, "\(Self.prefix)/\(path)").status == .badRequest)
            #expect(try await client.send(.delete, "\(Self.prefix)/\(path)").status == .badRequest)
            #expect(try await client.send(.get, "\(Self.prefix)?path=\(path)").status == .badRequest)
            let outside = client.artifactRoot.deletingLastPathComponent().appendingPathComponent("outside.txt")
            #expect(!FileManager.default.fileExists(atPath: outside.path))
        }
    }

    @Test func absoluteListPathIsRefused() async throws {
        try await withServer { client in
            let reply = try await client.send(.get, "\(Self.prefix)?path=/etc")
            #expect(reply.status == .badRequest)
        }
    }

    @Test func multipartUploadAnswersNotImplemented() async throws {
        try await withServer { client in
            let reply = try await client.send(.post, "/api/2.0/mlflow-artifacts/mpu/create/a/b.bin", body: #"{"path": "a/b.bin", "num_parts": 2}"#)
            #expect(reply.status == .notImplemented)
            #expect(reply.message.hasPrefix("Multipart upload is not supported for the current artifact repository"))
        }
    }
}
