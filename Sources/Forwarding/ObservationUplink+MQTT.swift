import FootfallCore
import Logging
import MQTT
import Storage

extension ObservationUplink {
    /// A sensor gateway's batches published to a broker instead of posted to the locating
    /// gateway: each sensor's batch (the body of `POST /api/observations`) on
    /// `footfall/<store>/sensors/<sensor>` at QoS 1, where the locating gateway's `type: mqtt`
    /// source with `format: footfall` reads it. A batch counts as sent once the broker has
    /// acknowledged it; otherwise the uplink keeps it and retries, as over HTTP. A batch the
    /// broker refuses (MQTT 5: its ACL does not let this gateway publish on the sensor's topic,
    /// or the batch is over its size limit) is kept and retried, the sensor shown refused, as a
    /// sensor token the locating gateway refuses is: a configuration to fix, not data to drop.
    public static func publishing(to settings: MQTTSettings, store: String, timeout: Duration = .seconds(10)) throws(MQTTError) -> Send {
        var speaking5 = settings
        speaking5.prefersMQTT5 = true
        let client = try MQTTClient(settings: speaking5)
        client.start()
        return { sensor, body, _ in
            guard await client.connected(within: min(timeout, .seconds(5))) else {
                return .retry(reason: "not connected to \(URLRedaction.shown(settings.url))\(client.lastFailure.map { ": \($0)" } ?? "")", after: nil)
            }
            if client.fallBackToReport() {
                Logger(label: "footfall").notice(
                    "\(URLRedaction.shown(settings.url)) does not speak MQTT 5: speaking 3.1.1 to it, whose acknowledgments cannot say the broker refused a batch (its ACL, its size limit); check its ACL lets this gateway's user publish on footfall/\(store)/sensors/# (docs/configuration.md)")
            }
            do {
                let refused = try await client.publish([MQTTMessage(topic: "footfall/\(store)/sensors/\(sensor.rawValue)", payload: body)], qos: 1, timeout: timeout)
                guard let refusal = refused[0] else { return .delivered }
                // Too large for the broker (its message_size_limit or maximum packet size): a
                // 413, so the uplink sends that sensor's readings in smaller batches.
                if refusal.reasonCode == 0x95 { return .rejected(DeadLetterReason(reason: refusal.description, responseStatus: 413)) }
                return refusal.isFinal
                    ? .rejected(DeadLetterReason(reason: refusal.description))
                    : .retry(reason: refusal.description, after: nil)
            } catch {
                return .retry(reason: String(describing: error), after: nil)
            }
        }
    }
}
