import Testing
@testable import CapstanStorage

@Suite("Artifact path safety")
struct ArtifactPathTests {
    @Test func acceptsNormalPathsAndNormalises() throws {
        #expect(try ArtifactPath(validating: "1/abc/artifacts/model/MLmodel").segments == ["1", "abc", "artifacts", "model", "MLmodel"])
        #expect(try ArtifactPath(validating: "a//b/./c/").segments == ["a", "b", "c"])
        #expect(try ArtifactPath(validating: "").isRoot)
        #expect(try ArtifactPath(validating: "dir/file with spaces.txt").name == "file with spaces.txt")
        #expect(try ArtifactPath(validating: "dir/a:b.txt").name == "a:b.txt")
    }

    /// Each shape of MLflow's artifact-path CVEs (and its close relatives) is refused.
    @Test(arguments: [
        "..",                              // parent
        "../secret",                       // leading traversal
        "a/../../secret",                  // inner traversal
        "a/..",                            // trailing traversal
        "/etc/passwd",                     // absolute POSIX path
        "C:/Windows/win.ini",              // Windows drive
        "c:\\Windows",                     // drive with backslash
        "a\\..\\..\\secret",               // backslash separators
        "\\\\server\\share",               // UNC path
        "%2e%2e/secret",                   // percent-encoded dots (arrives once-decoded as this)
        "%2E%2E%2Fsecret",                 // upper-case encoding incl. the slash
        "%252e%252e/secret",               // double-encoded
        "%25252e%25252e/secret",           // triple-encoded
        "..%2fsecret",                     // encoded slash after dots
        "a/%2e%2e%5c%2e%2e%5csecret",      // encoded backslashes
        "a/b#fragment",                    // fragment
        "a\u{0}b",                         // NUL byte
        "file:///etc/passwd",              // URL scheme
        "~/secret",                        // home directory
    ])
    func refusesTraversalShape(_ raw: String) {
        #expect(throws: StoreError.invalidParameter("Invalid path")) { try ArtifactPath(validating: raw) }
    }
}
