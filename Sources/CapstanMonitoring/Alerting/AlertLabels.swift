/// Label sets as Prometheus and Alertmanager identify and print them, so an alert's
/// fingerprint and a group's key are the ones those tools would give the same labels.
public enum AlertLabels {
    /// Prometheus' label-set fingerprint (`prometheus/common` `model.labelSetToFingerprint`):
    /// FNV-1a 64 over each label name and value in name order, each followed by the byte 0xff
    /// (which cannot occur in UTF-8, so `a="b,c"` and `a="b", c=""` differ).
    public static func fingerprint(_ labels: [String: String]) -> UInt64 {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 1_099_511_628_211
        }
        for name in sortedNames(labels) {
            for byte in name.utf8 { add(byte) }
            add(0xff)
            for byte in labels[name]!.utf8 { add(byte) }
            add(0xff)
        }
        return hash
    }

    /// The fingerprint as Alertmanager prints it in webhooks: 16 lowercase hex digits.
    public static func fingerprintHex(_ labels: [String: String]) -> String {
        hex(fingerprint(labels))
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Label names in byte order, as Go sorts strings.
    public static func sortedNames(_ labels: [String: String]) -> [String] {
        labels.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The label set as `model.LabelSet.String()` prints it, which Alertmanager's group keys
    /// embed: `{alertname="drift", monitor="m1"}`, names sorted, values quoted as Go's
    /// `strconv.Quote` does for printable text (control characters escaped).
    public static func describe(_ labels: [String: String]) -> String {
        "{" + sortedNames(labels).map { "\($0)=\(quoted(labels[$0]!))" }.joined(separator: ", ") + "}"
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{07}": result += "\\a"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{0B}": result += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else if (0x80..<0xa0).contains(scalar.value) {
                    result += "\\u00" + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Whether `a` sorts before `b` comparing their sorted (name, value) pairs in turn, as
    /// Prometheus' `labels.Compare` and Alertmanager's `LabelSet.Before` order alerts.
    static func precedes(_ a: [String: String], _ b: [String: String]) -> Bool {
        let left = sortedNames(a), right = sortedNames(b)
        for (x, y) in zip(left, right) {
            if x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
            let (u, v) = (a[x]!, b[y]!)
            if u != v { return u.utf8.lexicographicallyPrecedes(v.utf8) }
        }
        return left.count < right.count
    }

    /// A label name Prometheus accepts: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(48...57).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 95
        }
    }
}
