/// What a broker's messages are, and so how a `type: mqtt` source reads them
/// (docs/configuration.md, "mqtt sources", says which fields each uses).
public enum MQTTFormat: String, Sendable, Hashable, CaseIterable {
    /// ESPresense nodes: `espresense/devices/<id>/<room>`, one JSON report per device heard.
    /// Firmware 1.5 to 3.2 also publishes each report again to `espresense/rooms/<room>`
    /// unless told not to (its `pub_rooms`), so that topic is read only when a source's
    /// `topic:` names it: subscribed to both, every report would count twice.
    case espresense
    /// OpenMQTTGateway and Theengs Gateway: `<base>/<gateway>/BTtoMQTT/<MAC>`, one JSON
    /// advertisement per message.
    case openmqttgateway
    /// Footfall's own observation batches (docs/api.md, remote sensors), as a sensor gateway
    /// with an `mqtt://` upstream publishes them to `footfall/<store>/sensors/<sensor>`.
    case footfall

    /// The topic filters subscribed to unless the source's `topic:` names its own.
    public func defaultTopics(store: String) -> [String] {
        switch self {
        case .espresense: ["espresense/devices/+/+"]
        case .openmqttgateway: ["+/+/BTtoMQTT/#"]
        case .footfall: ["footfall/\(store)/sensors/+"]
        }
    }
}
