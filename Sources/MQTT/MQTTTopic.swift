/// MQTT topic names and filters (MQTT 3.1.1, 4.7): levels split by `/`; in a filter `+` is a
/// whole level and `#` the whole last one.
public enum MQTTTopic {
    /// Why `filter` is not a topic filter a broker takes, or nil when it is. A broker answers a
    /// bad one by not subscribing (or by closing the connection), so the source would run and
    /// hear nothing: refused when the store file is read instead.
    public static func filterProblem(_ filter: String) -> String? {
        if filter.isEmpty { return "is empty" }
        if filter.utf8.count > 65_535 { return "is longer than the 65,535 bytes MQTT allows" }
        if filter.unicodeScalars.contains(where: { $0.value == 0 }) { return "holds a NUL character" }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("#"), level != "#" || index != levels.count - 1 {
                return "has # other than as its whole last level (e.g. espresense/#)"
            }
            if level.contains("+"), level != "+" {
                return "has + inside a level; + stands for a whole level (e.g. espresense/devices/+/+)"
            }
        }
        return nil
    }

    /// Why `name` cannot be published to (a topic name has no wildcards), or nil.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 65_535 { return "is longer than the 65,535 bytes MQTT allows" }
        if name.unicodeScalars.contains(where: { $0.value == 0 }) { return "holds a NUL character" }
        if name.contains("+") || name.contains("#") { return "holds + or #, which only a subscription's filter may" }
        return nil
    }

    /// Whether the topic `name` matches `filter` (`Filter.matches`).
    public static func matches(_ name: String, filter: String) -> Bool {
        Filter(filter).matches(name)
    }

    /// A subscription's filter, split into its levels once: a source matches every message it
    /// is handed against its filters, thousands a second.
    public struct Filter: Sendable {
        let levels: [Substring]

        /// A shared subscription's filter (`$share/<group>/…`, mosquitto's older `$queue/…`) is
        /// the topic filter after its prefix: the broker delivers the topic without it.
        public init(_ filter: String) {
            var levels = filter.split(separator: "/", omittingEmptySubsequences: false)
            if levels.first == "$share", levels.count > 2 {
                levels.removeFirst(2)
            } else if levels.first == "$queue", levels.count > 1 {
                levels.removeFirst()
            }
            self.levels = levels
        }

        /// Whether the topic `name` matches (a `$` topic only a filter naming its first level),
        /// read level by level without splitting it.
        public func matches(_ name: String) -> Bool {
            if name.hasPrefix("$"), levels.first == "+" || levels.first == "#" { return false }
            var rest = Substring(name)
            var exhausted = false
            for level in levels {
                if level == "#" { return true }
                guard !exhausted else { return false }
                let end = rest.firstIndex(of: "/")
                let topicLevel = end.map { rest[..<$0] } ?? rest
                if level != "+", level != topicLevel { return false }
                if let end { rest = rest[rest.index(after: end)...] } else { exhausted = true }
            }
            return exhausted
        }
    }
}
