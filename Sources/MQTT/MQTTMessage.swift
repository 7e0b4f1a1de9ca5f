/// One application message: the topic it was published to and its payload bytes.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]

    public init(topic: String, payload: [UInt8]) {
        self.topic = topic
        self.payload = payload
    }

    public init(topic: String, text: String) {
        self.init(topic: topic, payload: Array(text.utf8))
    }
}
