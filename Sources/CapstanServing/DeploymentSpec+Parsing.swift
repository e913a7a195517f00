import CapstanJSON

extension DeploymentSpec {
    /// Reads a spec from a JSON object (the CLI turns YAML into JSON), refusing unknown keys
    /// so a typo is an error rather than a silently ignored setting. Errors name the field
    /// (`variants[1].weight`) and what it must be.
    public init(parsing value: JSONValue) throws {
        do {
            try self.init(root: SpecObject(value, path: "deployment", root: true))
        } catch let error as SpecError {
            throw ServingError.invalidSpec(error.message)
        }
    }

    private init(root: SpecObject) throws {
        name = try root.string("name")
        guard Self.isValidName(name) else {
            throw ServingError.invalidSpec(
                "name must be 1–63 letters, digits, '-', '_' or '.', starting with a letter or digit; got '\(name)'")
        }
        switch (root.has("model"), root.has("variants")) {
        case (true, false):
            let model = try root.string("model")
            _ = try ModelReference(parsing: model, field: "model")
            variants = [Variant(name: "default", model: model, weight: 100)]
        case (false, true):
            variants = try root.array("variants").enumerated().map { index, item in
                let object = try SpecObject(item, path: "variants[\(index)]")
                let variant = Variant(name: try object.string("name"), model: try object.string("model"),
                                      weight: try object.optionalNumber("weight") ?? 1)
                try object.rejectUnknown(["name", "model", "weight"])
                _ = try ModelReference(parsing: variant.model, field: "variants[\(index)].model")
                guard variant.weight >= 0, variant.weight <= 1_000_000 else {
                    throw ServingError.invalidSpec("variants[\(index)].weight must be a number from 0 to 1000000, got \(variant.weight)")
                }
                return variant
            }
            guard !variants.isEmpty else { throw ServingError.invalidSpec("variants must list at least one variant") }
            guard variants.map(\.weight).reduce(0, +) > 0 else {
                throw ServingError.invalidSpec("variants: at least one weight must be above 0")
            }
        case (true, true):
            throw ServingError.invalidSpec("give either model (one model) or variants (several), not both")
        case (false, false):
            throw ServingError.invalidSpec("missing model (for example models:/churn@champion) or variants")
        }
        if root.has("sticky") {
            let object = try SpecObject(root.value("sticky"), path: "sticky")
            try object.rejectUnknown(["header", "field"])
            let sticky = Stickiness(header: try object.optionalString("header"), field: try object.optionalString("field"))
            guard (sticky.header == nil) != (sticky.field == nil) else {
                throw ServingError.invalidSpec("sticky takes exactly one of header (a request header) or field (a request field)")
            }
            if let header = sticky.header, !header.utf8.allSatisfy({ Self.isTokenCharacter($0) }) {
                throw ServingError.invalidSpec("sticky.header '\(header)' is not a valid HTTP header name")
            }
            self.sticky = sticky
        } else {
            sticky = nil
        }
        shadows = try root.has("shadows") ? root.array("shadows").enumerated().map { index, item in
            let object = try SpecObject(item, path: "shadows[\(index)]")
            try object.rejectUnknown(["name", "model", "percent"])
            let shadow = Shadow(name: try object.string("name"), model: try object.string("model"),
                                percent: try object.optionalNumber("percent") ?? 100)
            _ = try ModelReference(parsing: shadow.model, field: "shadows[\(index)].model")
            guard (0...100).contains(shadow.percent) else {
                throw ServingError.invalidSpec("shadows[\(index)].percent must be between 0 and 100, got \(shadow.percent)")
            }
            return shadow
        } : []
        let names = variants.map(\.name) + shadows.map(\.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ServingError.invalidSpec("variant and shadow names must be unique; '\(duplicate)' appears twice")
        }
        for name in names where !Self.isValidName(name) {
            throw ServingError.invalidSpec("variant name '\(name)' must be letters, digits, '-', '_' or '.'")
        }
        rollout = try root.has("rollout") ? Self.rollout(try SpecObject(root.value("rollout"), path: "rollout"), variants: variants) : nil
        try root.rejectUnknown(["name", "model", "variants", "sticky", "shadows", "rollout"])
    }

    private static func rollout(_ object: SpecObject, variants: [Variant]) throws -> Rollout {
        try object.rejectUnknown(["steps", "interval", "analysis"])
        guard variants.count == 2 else {
            throw ServingError.invalidSpec("rollout needs exactly two variants, the stable one first and the canary second")
        }
        let steps = try object.array("steps").enumerated().map { index, item -> Double in
            guard let step = SpecObject.number(item), step > 0, step <= 100 else {
                throw ServingError.invalidSpec("rollout.steps[\(index)] must be a canary weight in percent, above 0 and at most 100")
            }
            return step
        }
        guard !steps.isEmpty, zip(steps, steps.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ServingError.invalidSpec("rollout.steps must be increasing percentages, for example [5, 25, 50, 100]")
        }
        let interval = try object.optionalSeconds("interval") ?? 60
        let analysis = try (object.has("analysis") ? object.array("analysis") : []).enumerated().map { index, item in
            let rule = try SpecObject(item, path: "rollout.analysis[\(index)]")
            try rule.rejectUnknown(["metric", "max", "min", "min_delta", "max_delta", "min_samples"])
            let parsed = AnalysisRule(
                metric: try rule.string("metric"), max: try rule.optionalNumber("max"), min: try rule.optionalNumber("min"),
                minDelta: try rule.optionalNumber("min_delta"), maxDelta: try rule.optionalNumber("max_delta"),
                minSamples: try Self.sampleCount(rule.optionalNumber("min_samples"), field: "rollout.analysis[\(index)].min_samples"))
            guard analysisMetrics.contains(parsed.metric) else {
                throw ServingError.invalidSpec(
                    "rollout.analysis[\(index)].metric '\(parsed.metric)' is unknown; use one of \(analysisMetrics.sorted().joined(separator: ", "))")
            }
            guard parsed.max != nil || parsed.min != nil || parsed.minDelta != nil || parsed.maxDelta != nil else {
                throw ServingError.invalidSpec("rollout.analysis[\(index)] needs a bound: max, min, min_delta or max_delta")
            }
            return parsed
        }
        return Rollout(steps: steps, intervalSeconds: interval, analysis: analysis)
    }

    static func sampleCount(_ value: Double?, field: String) throws -> Int {
        guard let value else { return 100 }
        guard value == value.rounded(), value >= 1, value <= 1_000_000_000 else {
            throw ServingError.invalidSpec("\(field) must be a whole number from 1 to 1000000000, got \(value)")
        }
        return Int(value)
    }

    /// RFC 9110 token characters, the ones a header name may use.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Names go into URLs, metric labels and headers: ASCII letters, digits, `-`, `_`, `.`,
    /// starting with a letter or digit, at most 63 characters (deployments, monitors).
    public static func isValidName(_ name: String) -> Bool {
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = name.utf8.first, name.utf8.count <= 63, isAlphanumeric(first) else { return false }
        return name.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}
