/// A message the broker acknowledged with an MQTT 5 reason code of failure (0x80 or more in its
/// PUBACK), or that could not be sent at all for its size: it did not arrive. MQTT 3.1.1's
/// PUBACK has no reason code, so over 3.1.1 nothing is ever refused this way.
public struct MQTTRefusal: Sendable, Hashable, CustomStringConvertible {
    /// The PUBACK's reason code (MQTT 5.0, 3.4.2.1); 0x95 for a message over the broker's
    /// Maximum Packet Size, which libmosquitto refuses to send.
    public var reasonCode: Int
    public var topic: String

    public init(reasonCode: Int, topic: String) {
        self.reasonCode = reasonCode
        self.topic = topic
    }

    /// Whether sending it again as it is can only be refused again (the broker's ACL, the
    /// topic, its size): the operator's change is needed first. Otherwise (quota exceeded, an
    /// unspecified error) it is worth retrying.
    public var isFinal: Bool {
        switch reasonCode {
        case 0x87, 0x90, 0x95, 0x99: true
        default: false
        }
    }

    public var description: String {
        switch reasonCode {
        case 0x87: "the broker refused the message on \(topic): not authorised (its ACL does not let this user publish there; mosquitto logs \"Denied PUBLISH\" with log_type debug)"
        case 0x90: "the broker refused the message on \(topic): the topic name is invalid there"
        case 0x95: "the broker refused the message on \(topic): it is larger than the broker takes (its message_size_limit or max_packet_size)"
        case 0x97: "the broker refused the message on \(topic): quota exceeded"
        case 0x99: "the broker refused the message on \(topic): payload format invalid"
        default: "the broker refused the message on \(topic) (MQTT 5 reason code 0x\(String(reasonCode, radix: 16)))"
        }
    }
}
