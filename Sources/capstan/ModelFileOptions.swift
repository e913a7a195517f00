import ArgumentParser
import CapstanInference
import Foundation

/// `--model FILE`, loaded with errors printed for people.
struct ModelFileOptions: ParsableArguments {
    @Option(help: "Model file: ONNX (.onnx), XGBoost JSON (.json) or LightGBM text (.txt).")
    var model: String

    func load() throws -> any Model {
        do {
            return try ModelFile.load(URL(fileURLWithPath: model))
        } catch let error as InferenceError {
            throw CommandFailure("\(model): \(error)")
        }
    }
}

/// Reads a CSV file (or JSON rows: an array of objects) into a frame, naming the file in any error.
func readFrame(_ path: String) throws -> FeatureFrame {
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw CommandFailure("cannot read \(path): \(error.localizedDescription)")
    }
    do {
        if path.hasSuffix(".json") || text.first(where: { !$0.isWhitespace }) == "[" {
            return try FeatureFrame(jsonRows: Data(text.utf8), source: path)
        }
        return try FeatureFrame(csv: text, source: path)
    } catch let error as InferenceError {
        throw CommandFailure("\(error)")
    }
}

/// A failure to report on stderr with exit code 2 (bad model, bad input, bad arguments).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension CommandFailure {
    /// Prints the message and turns it into the exit code, as commands end with it.
    static func exit(_ error: any Error) -> ExitCode {
        let message = (error as? CommandFailure)?.description ?? "\(error)"
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }
}
