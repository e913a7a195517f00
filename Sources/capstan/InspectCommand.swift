import ArgumentParser
import CapstanInference
import Foundation

/// `capstan inspect`: what a model file takes, gives and is made of.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model file's inputs, outputs, operators, opsets or objective, and tree counts."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var model: ModelFileOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        do {
            let summary = try model.load().summary
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            case .text:
                print(Self.text(summary, file: model.model))
            }
        } catch {
            throw CommandFailure.exit(error)
        }
    }

    static func text(_ s: ModelSummary, file: String) -> String {
        var lines = ["model:    \(file) (\(s.format)\(s.producer.map { ", made by \($0)" } ?? ""))"]
        if !s.opsets.isEmpty {
            lines.append("opsets:   " + s.opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if let objective = s.objective { lines.append("objective: \(objective)") }
        if let trees = s.treeCount { lines.append("trees:    \(trees)") }
        if let classes = s.classCount { lines.append("classes:  \(classes)") }
        if let features = s.featureCount { lines.append("features: \(features)") }
        lines.append("inputs:")
        let nameWidth = (s.inputs.map(\.name.count) + s.outputs.map(\.name.count)).max() ?? 0
        func padded(_ name: String) -> String { name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) }
        for input in s.inputs {
            let shape = input.shape.isEmpty ? "" : "[" + input.shape.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
            var line = "  \(padded(input.name))  \(input.type)\(input.type.contains("[") ? "" : shape)"
            if let names = input.featureNames { line += "  features: " + Self.list(names) }
            if let categories = input.categories { line += "  categories: " + Self.list(categories) }
            lines.append(line)
        }
        lines.append("outputs:")
        lines += s.outputs.map { "  \(padded($0.name))  \($0.type)" }
        if !s.outputColumns.isEmpty { lines.append("columns:  " + s.outputColumns.joined(separator: ", ")) }
        if !s.operators.isEmpty {
            lines.append("operators:")
            lines += s.operators.sorted { $0.key < $1.key }.map { "  \($0.key) ×\($0.value)" }
        }
        return lines.joined(separator: "\n")
    }

    private static func list(_ items: [String]) -> String {
        items.prefix(10).joined(separator: ", ") + (items.count > 10 ? ", … (\(items.count))" : "")
    }
}
