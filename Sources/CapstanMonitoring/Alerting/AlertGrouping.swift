/// Alertmanager's aggregation groups and notification log for one rule's route: which
/// notifications are due, so that one incident is one notification, changes are batched,
/// and an unchanged incident is re-sent only every `repeat_interval`.
///
/// Call ``update(alerts:route:at:)`` after each evaluation with the rule's alerts
/// (``AlertRuleState/alerts``); it returns the notifications to send now. The rules, after
/// `dispatch/dispatch.go` and `notify/dedup_stage.go`:
/// - Firing and resolved alerts are grouped by the route's `group_by` labels.
/// - A new group waits `group_wait` before its first flush (none if its alert has already
///   been firing that long); after that the group is flushed every `group_interval`, on a
///   fixed schedule from its first flush, at the first update on or after each tick.
/// - A flush notifies when the group has a firing alert the last notification did not
///   have, when alerts resolved since (if `send_resolved`), when every alert the last
///   notification had firing has resolved, or when the last notification is more than
///   `repeat_interval` old; otherwise it sends nothing. A group that fired and resolved
///   between two flushes was never notified and stays silent.
/// - Each resolved alert is sent once: a flush drops it from its group, and the same
///   resolution is not grouped again although the rule keeps it for 15 minutes.
/// - A firing alert that disappears from the input (its rule state was reset) is taken as
///   resolved then, as Alertmanager resolves an alert its source stopped re-sending.
/// - A group whose alerts have all been flushed as resolved is removed; a new alert later
///   starts a new group with its own `group_wait`.
///
/// Notifications are taken as delivered once returned; the server's sender retries.
public struct AlertGrouping: Sendable, Equatable {
    /// One aggregation group and its notification log entry.
    public struct Group: Sendable, Equatable {
        public var key: String
        public var labels: [String: String]
        /// Alerts grouped and not yet flushed as resolved, ordered by labels.
        public var alerts: [GroupedAlert]
        /// The next flush (milliseconds since the epoch).
        public var nextFlushAt: Int64
        /// The last notification's time, and the fingerprints it had firing and resolved.
        public var notifiedAt: Int64?
        public var notifiedFiring: [String]
        public var notifiedResolved: [String]

        public init(key: String, labels: [String: String], alerts: [GroupedAlert], nextFlushAt: Int64,
                    notifiedAt: Int64? = nil, notifiedFiring: [String] = [], notifiedResolved: [String] = []) {
            self.key = key
            self.labels = labels
            self.alerts = alerts
            self.nextFlushAt = nextFlushAt
            self.notifiedAt = notifiedAt
            self.notifiedFiring = notifiedFiring
            self.notifiedResolved = notifiedResolved
        }
    }

    /// The rule whose alerts these are; its name scopes the group keys.
    public var rule: String
    /// Ordered by key.
    public var groups: [Group]
    /// Resolutions already flushed, as fingerprint → resolution time, kept while the rule
    /// still reports them so they are not grouped again.
    public var flushedResolutions: [String: Int64]

    public init(rule: String, groups: [Group] = [], flushedResolutions: [String: Int64] = [:]) {
        self.rule = rule
        self.groups = groups.sorted { $0.key < $1.key }
        self.flushedResolutions = flushedResolutions
    }

    /// The route part of the group keys: a route matching this rule's `alertname`.
    public var routeKey: String { "{}/" + AlertLabels.describe(["alertname": rule]) }

    /// Takes the rule's current alerts (pending ones are ignored) and returns the
    /// notifications due at `now` (milliseconds since the epoch), updating the groups.
    public mutating func update(alerts: [AlertInstance], route: AlertRoute, at now: Int64) -> [AlertNotification] {
        // The alerts to group: firing ones, and resolutions not flushed yet.
        var incoming: [String: GroupedAlert] = [:]
        var stillReported: [String: Int64] = [:]
        for alert in alerts {
            guard let grouped = GroupedAlert(alert) else { continue }
            let fingerprint = grouped.fingerprint
            if let endsAt = grouped.endsAt, flushedResolutions[fingerprint] == endsAt {
                stillReported[fingerprint] = endsAt
                continue
            }
            incoming[fingerprint] = grouped
        }
        flushedResolutions = stillReported

        // Merge with what the groups hold; firing alerts no longer reported resolve now.
        var merged: [String: GroupedAlert] = incoming
        for group in groups {
            for var held in group.alerts where merged[held.fingerprint] == nil {
                if held.endsAt == nil { held.endsAt = now }
                merged[held.fingerprint] = held
            }
        }

        // Regroup by the route's labels (the route may have changed since the last update).
        var byKey: [String: [GroupedAlert]] = [:]
        var labelsByKey: [String: [String: String]] = [:]
        for alert in merged.values {
            let labels = route.groupLabels(of: alert.labels)
            let key = routeKey + ":" + AlertLabels.describe(labels)
            byKey[key, default: []].append(alert)
            labelsByKey[key] = labels
        }
        var existing: [String: Group] = [:]
        for group in groups { existing[group.key] = group }
        var nextGroups: [Group] = []
        var notifications: [AlertNotification] = []
        for key in byKey.keys.sorted() {
            let members = byKey[key]!.sorted { AlertLabels.precedes($0.labels, $1.labels) }
            var group: Group
            if let known = existing[key] {
                group = known
                group.alerts = members
            } else {
                // Alertmanager flushes a new group at once when its alert is older than group_wait.
                let oldest = members.map(\.startsAt).min()!
                let wait = oldest + route.groupWaitMilliseconds < now ? 0 : route.groupWaitMilliseconds
                group = Group(key: key, labels: labelsByKey[key]!, alerts: members, nextFlushAt: now + wait)
            }
            if now >= group.nextFlushAt {
                if let notification = flush(&group, route: route, at: now) { notifications.append(notification) }
                let missed = (now - group.nextFlushAt) / route.groupIntervalMilliseconds
                group.nextFlushAt += (missed + 1) * route.groupIntervalMilliseconds
            }
            if !group.alerts.isEmpty { nextGroups.append(group) }
        }
        groups = nextGroups
        return notifications
    }

    /// One flush: the dedup decision, the notification if any, and dropping the resolved
    /// alerts it covered.
    private mutating func flush(_ group: inout Group, route: AlertRoute, at now: Int64) -> AlertNotification? {
        let firing = group.alerts.filter { !$0.isResolved }.map(\.fingerprint)
        let resolved = group.alerts.filter(\.isResolved).map(\.fingerprint)
        let reason = Self.reason(group, firing: Set(firing), resolved: Set(resolved), route: route, at: now)
        var notification: AlertNotification?
        if let reason {
            group.notifiedAt = now
            group.notifiedFiring = firing.sorted()
            group.notifiedResolved = resolved.sorted()
            let sent = route.sendResolved ? group.alerts : group.alerts.filter { !$0.isResolved }
            if !sent.isEmpty {
                notification = AlertNotification(receiver: route.receiver, groupKey: group.key, groupLabels: group.labels,
                                                 reason: reason, alerts: sent, at: now)
            }
        }
        for alert in group.alerts { if let endsAt = alert.endsAt { flushedResolutions[alert.fingerprint] = endsAt } }
        group.alerts.removeAll(where: \.isResolved)
        return notification
    }

    /// Alertmanager's `DedupStage.needsUpdate`; nil when nothing is to be sent.
    static func reason(_ group: Group, firing: Set<String>, resolved: Set<String>, route: AlertRoute, at now: Int64) -> AlertNotification.Reason? {
        guard let notifiedAt = group.notifiedAt else { return firing.isEmpty ? nil : .firstNotification }
        if !firing.isSubset(of: group.notifiedFiring) {
            return group.notifiedFiring.isEmpty ? .firstNotification : .newAlertsInGroup
        }
        if firing.isEmpty { return group.notifiedFiring.isEmpty ? nil : .allAlertsResolved }
        if route.sendResolved, !resolved.isSubset(of: group.notifiedResolved) { return .newResolvedAlerts }
        return notifiedAt < now - route.repeatIntervalMilliseconds ? .repeatIntervalElapsed : nil
    }
}
