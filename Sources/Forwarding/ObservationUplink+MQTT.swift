import FootfallCore
import MQTT

extension ObservationUplink {
    /// A sensor gateway's batches published to a broker instead of posted to the locating
    /// gateway: each sensor's batch (the body of `POST /api/observations`) on
    /// `footfall/<store>/sensors/<sensor>` at QoS 1, where the locating gateway's `type: mqtt`
    /// source with `format: footfall` reads it. A batch counts as sent once the broker has
    /// acknowledged it; otherwise the uplink keeps it and retries, as over HTTP.
    public static func publishing(to settings: MQTTSettings, store: String, timeout: Duration = .seconds(10)) throws(MQTTError) -> Send {
        let client = try MQTTClient(settings: settings)
        client.start()
        return { sensor, body, _ in
            guard await client.connected(within: min(timeout, .seconds(5))) else {
                return .retry(reason: "not connected to \(URLRedaction.shown(settings.url))\(client.lastFailure.map { ": \($0)" } ?? "")", after: nil)
            }
            do {
                try await client.publish([MQTTMessage(topic: "footfall/\(store)/sensors/\(sensor.rawValue)", payload: body)], qos: 1, timeout: timeout)
                return .delivered
            } catch {
                return .retry(reason: String(describing: error), after: nil)
            }
        }
    }
}
