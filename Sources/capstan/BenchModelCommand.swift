import ArgumentParser
import CapstanInference
import Foundation

/// `capstan bench-model`: single-row latency and batch throughput of a model file.
struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-model",
        abstract: "Measure a model's single-row latency (p50/p99, µs) and batch throughput (rows/s).",
        discussion: """
        Single rows are predicted one at a time on one thread; batches of --batch rows are \
        split across --threads threads. Without --input, valid rows are synthesised from the \
        model's declared inputs.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var model: ModelFileOptions

    @Option(help: "CSV rows to predict on (default: synthesised rows).")
    var input: String?

    @Option(help: "Threads for batch prediction.")
    var threads: Int = 1

    @Option(help: "Rows per batch.")
    var batch: Int = 1000

    @Option(help: "Seconds to spend on each measurement.")
    var seconds: Double = 2

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
    }

    func run() throws {
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let loaded = try model.load()
            let loadTime = clock.now - start
            let rows = try input.map(readFrame) ?? FeatureFrame.synthesized(for: loaded.summary, rows: batch)
            guard rows.rowCount > 0 else { throw CommandFailure("the input has no rows") }
            let latency = try measureSingleRows(loaded, rows)
            let throughput = try measureBatches(loaded, rows)
            let result: [String: Any] = [
                "single_row_p50_us": latency.p50, "single_row_p99_us": latency.p99,
                "single_row_iterations": latency.iterations,
                "batch_rows_per_s": throughput, "batch": batch, "threads": threads,
                "load_ms": Self.milliseconds(loadTime),
            ]
            switch format {
            case .json:
                let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            case .text:
                print("load:        \(Self.format(Self.milliseconds(loadTime))) ms")
                print("single row:  p50 \(Self.format(latency.p50)) µs, p99 \(Self.format(latency.p99)) µs (\(latency.iterations) predictions)")
                print("batch:       \(Int(throughput.rounded())) rows/s (batch \(batch), \(threads) thread\(threads == 1 ? "" : "s"))")
            }
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    private func measureSingleRows(_ model: any Model, _ rows: FeatureFrame) throws -> (p50: Double, p99: Double, iterations: Int) {
        let singles = (0..<min(rows.rowCount, 1000)).map { rows.rows($0..<($0 + 1)) }
        for single in singles.prefix(50) { _ = try model.predict(single) }
        let clock = ContinuousClock()
        var samples: [Double] = []
        let deadline = clock.now.advanced(by: .seconds(seconds))
        var index = 0
        while clock.now < deadline && samples.count < 1_000_000 {
            let single = singles[index % singles.count]
            let start = clock.now
            _ = try model.predict(single)
            samples.append(Self.microseconds(clock.now - start))
            index += 1
        }
        samples.sort()
        func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        return (percentile(0.5), percentile(0.99), samples.count)
    }

    private func measureBatches(_ model: any Model, _ rows: FeatureFrame) throws -> Double {
        // A batch of exactly `batch` rows, repeating the input's rows if it has fewer.
        var parts: [FeatureFrame] = []
        var have = 0
        while have < batch {
            let take = min(rows.rowCount, batch - have)
            parts.append(rows.rows(0..<take))
            have += take
        }
        let frame = try FeatureFrame.concatenating(parts)
        _ = try model.predict(frame, threads: threads)
        let clock = ContinuousClock()
        let start = clock.now
        var predicted = 0
        while clock.now - start < .seconds(seconds) {
            _ = try model.predict(frame, threads: threads)
            predicted += frame.rowCount
        }
        let elapsed = clock.now - start
        return Double(predicted) / (Self.milliseconds(elapsed) / 1000)
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func microseconds(_ d: Duration) -> Double { milliseconds(d) * 1000 }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return "\(rounded)"
    }
}
