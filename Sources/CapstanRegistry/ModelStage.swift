/// MLflow's (deprecated but still used) model version stages.
public enum ModelStage: String, Sendable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// Parses a stage name case-insensitively, as MLflow does.
    public init(parsing text: String) throws {
        guard let stage = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw RegistryError.invalidParameter(
                "Invalid Model Version stage: \(text). Value must be one of None, Staging, Production, Archived."
            )
        }
        self = stage
    }

    /// Stages to which `archive_existing_versions` may apply.
    var isActive: Bool { self == .staging || self == .production }
}
