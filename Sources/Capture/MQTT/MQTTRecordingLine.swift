import FootfallCore
import MQTT

/// One message of a `mosquitto_sub` recording, as `footfall convert mqtt` reads it: the topic,
/// a space and the payload (`mosquitto_sub -v`), or the time the message arrived, a space, the
/// topic, a space and the payload (`mosquitto_sub -F '%U %t %p'`, Unix seconds). A payload may
/// hold spaces; a topic cannot here (nodes never put one in it).
public struct MQTTRecordingLine: Sendable, Hashable {
    /// When the recorder received the message, if the line says.
    public var time: Double?
    public var message: MQTTMessage

    public init(time: Double?, message: MQTTMessage) {
        self.time = time
        self.message = message
    }

    /// What is wrong with a line: the field at fault (`time`, `topic`, `payload`) and why.
    public struct ParseError: Error, Hashable, Sendable {
        public var field: String
        public var message: String
    }

    /// Reads `line` (without its newline; a trailing carriage return is dropped).
    public init(parsing line: Substring) throws(ParseError) {
        var rest = line.hasSuffix("\r") ? line.dropLast() : line
        // A recording saved by an editor may start with a byte-order mark.
        if rest.hasPrefix("\u{FEFF}") { rest = rest.dropFirst() }
        var time: Double?
        // `%U` writes seconds with a fraction. Every format's topic has a `/`, so a first word
        // like a number without one, followed by a topic, is the time (and a wrong one is said,
        // not taken for a topic no format publishes and skipped).
        if let space = rest.firstIndex(of: " "), let first = rest.first, first.isNumber || first == "-" || first == "+" || first == ".",
           !rest[..<space].contains("/"),
           rest[rest.index(after: space)...].split(separator: " ", maxSplits: 1).first?.contains("/") == true {
            let word = rest[..<space]
            guard let seconds = Double(word), Observation.timeProblem(seconds) == nil else {
                throw ParseError(field: "time", message: "'\(AddressRedaction.redacted(String(word.prefix(40))))' is not Unix seconds like 1733300000.123456789 (mosquitto_sub -F '%U %t %p')")
            }
            time = seconds
            rest = rest[rest.index(after: space)...]
        }
        guard let space = rest.firstIndex(of: " ") else {
            throw ParseError(field: "payload", message: "no space and payload after the topic; record with mosquitto_sub -v (topic, space, payload) or -F '%U %t %p'")
        }
        let topic = rest[..<space]
        guard !topic.isEmpty else {
            throw ParseError(field: "topic", message: "is empty; a line starts with the topic the message was published to")
        }
        self.init(time: time, message: MQTTMessage(topic: String(topic), payload: Array(rest[rest.index(after: space)...].utf8)))
    }
}
