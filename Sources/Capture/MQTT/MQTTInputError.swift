import FootfallCore

/// A message a `type: mqtt` source could not use: counted per topic and reason, logged once
/// per topic and reason, never the end of the source.
///
/// `topic` is the message's topic with any level that names a device replaced by `+`
/// (`espresense/devices/+/kitchen`, `home/OMG_ESP32/BTtoMQTT/+`), so no Bluetooth address
/// reaches a log line or a metric label.
public struct MQTTInputError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The payload is not JSON (or not the JSON object the format sends).
        case notJSON = "not_json"
        /// A field the format needs is absent, or not of its type.
        case missingField = "missing_field"
        /// An RSSI outside what a radio reports.
        case rssiOutOfRange = "rssi_out_of_range"
        /// An advertised transmit power that is not a whole signed byte of dBm.
        case txPowerOutOfRange = "tx_power_out_of_range"
        /// A node (ESPresense room, gateway, sensor) that is not one of the store's sensors.
        case unmappedNode = "unmapped_node"
        /// A topic this format does not publish (a subscription wider than it).
        case unexpectedTopic = "unexpected_topic"
        /// A device id the format cannot turn into one of Footfall's.
        case unusableDevice = "unusable_device"
        /// A message on the format's topics that reports no advertisement (a gateway's own
        /// state, a tracker's presence): nothing wrong with it, nothing to take from it.
        case notAnAdvertisement = "not_an_advertisement"
        /// A reading stamped ahead of the gateway's clock (a sensor gateway whose clock is wrong).
        case timeAhead = "time_ahead"
    }

    public var topic: String
    public var reason: Reason
    /// The payload's field at fault, when one is.
    public var field: String?
    /// What is wrong and what to do, in a sentence (no device address in it: any quoted is
    /// masked).
    public var message: String

    public init(topic: String, reason: Reason, field: String? = nil, _ message: String) {
        self.topic = topic
        self.reason = reason
        // A payload's text quoted in either (a member's name, a value of the wrong kind) may be
        // a device's address.
        self.field = field.map(AddressRedaction.redacted)
        self.message = AddressRedaction.redacted(message)
    }

    public var description: String {
        "\(topic)\(field.map { ": \($0)" } ?? ""): \(message)"
    }
}
