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

    /// Whether the topic `name` matches `filter` (a `$` topic only a filter naming it). A shared
    /// subscription's filter (`$share/<group>/…`, mosquitto's older `$queue/…`) is matched by
    /// the topic filter after its prefix: the broker delivers the topic without it.
    public static func matches(_ name: String, filter: String) -> Bool {
        let topic = name.split(separator: "/", omittingEmptySubsequences: false)
        var pattern = filter.split(separator: "/", omittingEmptySubsequences: false)
        if pattern.first == "$share", pattern.count > 2 { pattern.removeFirst(2) } else if pattern.first == "$queue", pattern.count > 1 { pattern.removeFirst() }
        if topic.first?.hasPrefix("$") == true, pattern.first == "+" || pattern.first == "#" { return false }
        var index = 0
        for level in pattern {
            if level == "#" { return true }
            guard index < topic.count else { return false }
            if level != "+", level != topic[index] { return false }
            index += 1
        }
        return index == topic.count
    }
}
