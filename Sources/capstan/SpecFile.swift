import Foundation
import Yams

/// A YAML (or JSON) file of specs, one per document (`---` between them), as
/// `capstan deploy -f`, `capstan monitor create -f` and `capstan alerts create -f` read it.
enum SpecFile {
    /// The documents as JSON bodies to send; `-` reads standard input. `kind` names what a
    /// document holds, for messages ("deployment", "monitor").
    static func documents(_ file: String, kind: String) throws -> [Data] {
        let text: String
        do {
            text = file == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                : try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure("Cannot read \(file): \(error.localizedDescription)")
        }
        let documents: [Any]
        do {
            documents = try Yams.load_all(yaml: text).compactMap { $0 }
        } catch {
            throw CommandFailure("\(file) is not valid YAML: \(error)")
        }
        guard !documents.isEmpty else { throw CommandFailure("\(file) holds no \(kind)") }
        return try documents.enumerated().map { index, document in
            guard JSONSerialization.isValidJSONObject(document), document is [String: Any] else {
                throw CommandFailure("\(file) document \(index + 1) is not a mapping of settings")
            }
            return try JSONSerialization.data(withJSONObject: document)
        }
    }
}
