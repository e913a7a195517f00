import CapstanJSON

extension AlertGrouping {
    /// The grouping state as JSON, for the server to save between evaluations:
    /// `{"rule", "groups": [{"key", "labels", "next_flush_at", "notified_at",
    /// "notified_firing", "notified_resolved", "alerts": [{"labels", "annotations",
    /// "starts_at", "ends_at"}]}], "flushed_resolutions": {fingerprint: time}}`.
    public var json: JSONValue {
        var root = JSONObjectBuilder()
        root.set("rule", .string(rule))
        root.set("groups", .array(groups.map { group in
            var object = JSONObjectBuilder()
            object.set("key", .string(group.key))
            object.set("labels", SavedStateReader.encode(group.labels))
            object.set("next_flush_at", .int(group.nextFlushAt))
            object.set("notified_at", group.notifiedAt)
            object.set("notified_firing", .array(group.notifiedFiring.map { .string($0) }))
            object.set("notified_resolved", .array(group.notifiedResolved.map { .string($0) }))
            object.set("alerts", .array(group.alerts.map { alert in
                var entry = JSONObjectBuilder()
                entry.set("labels", SavedStateReader.encode(alert.labels))
                entry.set("annotations", SavedStateReader.encode(alert.annotations))
                entry.set("starts_at", .int(alert.startsAt))
                entry.set("ends_at", alert.endsAt)
                return entry.value
            }))
            return object.value
        }))
        root.set("flushed_resolutions", .object(flushedResolutions.keys.sorted().map { ($0, .int(flushedResolutions[$0]!)) }))
        return root.value
    }

    /// Reads state written by ``json``.
    /// - Throws: ``AlertingError/invalidState(_:)`` naming the field that does not decode.
    public init(json: JSONValue) throws(AlertingError) {
        let root = try SavedStateReader(json, path: "")
        var groups: [Group] = []
        for (index, item) in try root.array("groups").enumerated() {
            let object = try SavedStateReader(item, path: "groups[\(index)]")
            var alerts: [GroupedAlert] = []
            for (position, entry) in try object.array("alerts").enumerated() {
                let alert = try SavedStateReader(entry, path: "\(object.path).alerts[\(position)]")
                alerts.append(GroupedAlert(labels: try alert.stringMap("labels"), annotations: try alert.stringMap("annotations"),
                                           startsAt: try alert.int("starts_at"), endsAt: try alert.optionalInt("ends_at")))
            }
            groups.append(Group(key: try object.string("key"), labels: try object.stringMap("labels"), alerts: alerts,
                                nextFlushAt: try object.int("next_flush_at"), notifiedAt: try object.optionalInt("notified_at"),
                                notifiedFiring: try object.strings("notified_firing"),
                                notifiedResolved: try object.strings("notified_resolved")))
        }
        var flushed: [String: Int64] = [:]
        guard case .object(let pairs) = try root.value("flushed_resolutions") else {
            throw AlertingError.invalidState("flushed_resolutions must be an object")
        }
        for (fingerprint, value) in pairs {
            guard case .int(let time) = value else { throw AlertingError.invalidState("flushed_resolutions.\(fingerprint) must be an integer") }
            flushed[fingerprint] = time
        }
        self.init(rule: try root.string("rule"), groups: groups, flushedResolutions: flushed)
    }
}
