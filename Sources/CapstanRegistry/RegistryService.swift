import CapstanStorage

import Foundation

/// The model registry with MLflow's rules: names, stages, aliases and version sources.
public struct RegistryService: Sendable {
    public let store: RegistryStore
    let loggedModels: LoggedModelStore

    public init(database: Database) {
        self.store = RegistryStore(database: database)
        self.loggedModels = LoggedModelStore(database: database)
    }

    public func createModel(name: String, description: String?, tags: [KeyValue]) async throws -> RegisteredModel {
        try Self.validateName(name)
        return try await store.createModel(name: name, description: description, tags: tags)
    }

    public func renameModel(name: String, newName: String) async throws -> RegisteredModel {
        try Self.validateName(newName)
        return try await store.renameModel(name: name, to: newName)
    }

    /// Registers a new version. A `models:/<model_id>` source names an MLflow 3 logged
    /// model: its artifact location becomes the version's storage location and its source
    /// run the version's run.
    public func createVersion(
        name: String, source: String, runId: String?, runLink: String?, description: String?,
        tags: [KeyValue], modelId: String?
    ) async throws -> ModelVersion {
        try Self.validateSource(source)
        var runId = runId.flatMap { $0.isEmpty ? nil : $0 }
        var storageLocation: String?
        var modelId = modelId.flatMap { $0.isEmpty ? nil : $0 }
        if source.hasPrefix("models:/"), case let id = String(source.dropFirst("models:/".count)), id.hasPrefix("m-"), !id.contains("/") {
            let model = try await loggedModels.get(modelId: id)
            storageLocation = model.artifactUri
            runId = runId ?? model.sourceRunId
            modelId = modelId ?? id
        } else if let modelId {
            storageLocation = try? await loggedModels.get(modelId: modelId).artifactUri
        }
        return try await store.createVersion(RegistryStore.NewVersion(
            name: name, source: source, runId: runId, runLink: runLink, description: description, userId: nil,
            tags: tags, modelId: modelId, storageLocation: storageLocation
        ))
    }

    public func transitionStage(name: String, version: Int64, stage: String, archiveExisting: Bool) async throws -> ModelVersion {
        let stage = try ModelStage(parsing: stage)
        if archiveExisting && !stage.isActive {
            throw RegistryError.invalidParameter(
                "Model version transition cannot archive existing model versions because '\(stage.rawValue)' is not an Active stage. Valid stages are Staging, Production"
            )
        }
        return try await store.transitionStage(name: name, version: version, stage: stage.rawValue, archiveExisting: archiveExisting)
    }

    /// The newest version per stage; no stages means all four.
    public func latestVersions(name: String, stages: [String]) async throws -> [ModelVersion] {
        let parsed = try stages.map { try ModelStage(parsing: $0) }
        let wanted = parsed.isEmpty ? ModelStage.allCases : parsed
        return try await store.latestVersions(name: name, stages: wanted.map(\.rawValue))
    }

    public func setAlias(name: String, alias: String, version: Int64) async throws {
        try Self.validateAlias(alias)
        try await store.setAlias(name: name, alias: alias, version: version)
    }

    /// Resolves an alias; `latest` (any case) is the newest version.
    public func version(name: String, alias: String) async throws -> ModelVersion {
        if alias.lowercased() == "latest" {
            return try await store.newestVersion(name: name)
        }
        return try await store.version(name: name, alias: alias)
    }

    /// Where a version's files are: the logged model's location, else the source.
    public func downloadURI(name: String, version: Int64) async throws -> String {
        let modelVersion = try await store.version(name: name, version: version)
        return modelVersion.storageLocation ?? modelVersion.source
    }

    static func validateName(_ name: String) throws {
        guard !name.isEmpty else {
            throw RegistryError.invalidParameter("Registered model name cannot be empty.")
        }
    }

    /// Refuses sources that climb out of their location (`..`, also percent-encoded) or carry NUL.
    static func validateSource(_ source: String) throws {
        var candidate = source
        for _ in 0..<3 {
            if candidate.contains("\0") || candidate.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..") {
                throw RegistryError.invalidParameter("Invalid model version source: '\(source)'.")
            }
            guard let decoded = candidate.removingPercentEncoding, decoded != candidate else { break }
            candidate = decoded
        }
    }

    /// Aliases: letters, digits, `_` and `-`, at most 255 characters; `latest` and
    /// `v<digits>` are reserved because they already mean a version.
    static func validateAlias(_ alias: String) throws {
        let valid = !alias.isEmpty && alias.count <= 255 && alias.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "-"
        }
        guard valid else {
            throw RegistryError.invalidParameter(
                "Invalid alias name: '\(alias)'. Names may only contain alphanumerics, underscores (_), and dashes (-), and be at most 255 characters."
            )
        }
        let lower = alias.lowercased()
        if lower == "latest" || (lower.hasPrefix("v") && lower.count > 1 && lower.dropFirst().allSatisfy(\.isNumber)) {
            throw RegistryError.invalidParameter(
                "'\(alias)' alias name (case insensitive) is reserved."
            )
        }
    }
}
