import ArgumentParser
import CapstanInference
import Foundation

/// `capstan predict`: scores a CSV file with a model file, in-process.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with an ONNX, XGBoost or LightGBM model file on the rows of a CSV file.",
        discussion: """
        Writes one CSV row per input row. Outputs of shape [N] or [N, 1] become one column \
        named after the output, [N, K] the columns NAME_0 … NAME_{K-1}, and ZipMap outputs one \
        column per class. XGBoost and LightGBM classifiers give `label` and `probabilities_0…`, \
        regressors `prediction`.
        """
    )

    @OptionGroup var model: ModelFileOptions

    @Option(help: "CSV file with a header row (or .json: an array of row objects); columns are matched to the model's inputs by name.")
    var input: String

    @Option(help: "Where to write the predictions (default: standard output).")
    var output: String?

    @Option(help: "Threads to split the rows across.")
    var threads: Int = 1

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        do {
            let loaded = try model.load()
            let frame = try readFrame(input)
            let predictions: FeatureFrame
            do {
                predictions = try loaded.predict(frame, threads: threads)
            } catch let error as InferenceError {
                throw CommandFailure("\(input): \(error)")
            }
            let csv = predictions.csv()
            if let output {
                do {
                    try Self.write(csv, to: output)
                } catch {
                    throw CommandFailure("cannot write \(output): \(error.localizedDescription)")
                }
            } else {
                FileHandle.standardOutput.write(Data(csv.utf8))
            }
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    /// Writes a regular file atomically (no reader sees half a CSV), but anything else — a
    /// device such as /dev/null, a pipe, a link to either — straight through: an atomic
    /// write renames a new file over the path and would replace the device itself.
    static func write(_ text: String, to path: String) throws {
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        try text.write(toFile: path, atomically: type == nil || type == .typeRegular, encoding: .utf8)
    }
}
