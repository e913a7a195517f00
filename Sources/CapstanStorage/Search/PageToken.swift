import Foundation

/// MLflow's opaque page token: base64 of `{"offset": N}`.
public enum PageToken {
    /// Decodes a token; nil or empty means the first page.
    public static func offset(from token: String?) throws -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let offset = (object["offset"] as? NSNumber)?.intValue, offset >= 0 else {
            throw StoreError.invalidParameter("Invalid page token, could not base64-decode")
        }
        return offset
    }

    public static func make(offset: Int) -> String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }
}
