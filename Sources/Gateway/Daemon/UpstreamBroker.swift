import FootfallCore
import Forwarding
import MQTT

/// A sensor gateway whose `upstream.url` is a broker (`mqtt://`, `mqtts://`): its uplink
/// publishes each sensor's batches there for the locating gateway's `format: footfall` source.
enum UpstreamBroker {
    /// The uplink's publisher, or nil for an http(s) upstream (the uplink posts then).
    static func send(for configuration: StoreConfiguration) throws -> ObservationUplink.Send? {
        guard let upstream = configuration.upstream, let settings = try settings(for: configuration) else { return nil }
        do {
            return try ObservationUplink.publishing(to: settings, store: configuration.layout.id)
        } catch {
            throw ConfigurationError(file: configuration.file, line: upstream.line, field: "upstream.url", message: error.description)
        }
    }

    /// What `send` checks before it connects: the settings, and the client libmosquitto makes
    /// of them (credentials, TLS files), which is not started.
    static func check(for configuration: StoreConfiguration) throws {
        guard let upstream = configuration.upstream, let settings = try settings(for: configuration) else { return }
        do {
            _ = try MQTTClient(settings: settings)
        } catch {
            throw ConfigurationError(file: configuration.file, line: upstream.line, field: "upstream.url", message: error.description)
        }
    }

    /// The broker's settings, checked (nil for an http(s) upstream), without a connection.
    static func settings(for configuration: StoreConfiguration) throws -> MQTTSettings? {
        guard let upstream = configuration.upstream, upstream.viaBroker else { return nil }
        var options = upstream.broker
        options["url"] = upstream.url
        options["ca_file"] = upstream.caFile
        let settings = try MQTTSettings(
            options: options, storeFile: configuration.file,
            defaultClientID: "footfall-\(configuration.layout.id)-\(configuration.gatewayID)-upstream"
        ) { option, message in
            ConfigurationError(
                file: configuration.file, line: upstream.brokerLines[option] ?? upstream.line, field: "upstream.\(option)", message: message)
        }
        // Each sensor's topic holds the store's and the sensor's ids: one with + or # in it
        // could never be published to, and the batches would wait for ever.
        for sensor in upstream.tokens.keys.sorted() {
            let topic = "footfall/\(configuration.layout.id)/sensors/\(sensor)"
            if let problem = MQTTTopic.nameProblem(topic) {
                throw ConfigurationError(
                    file: configuration.file, line: upstream.line, field: "upstream.url",
                    message: "the batches of \(sensor) would go to '\(topic)', which \(problem); give the store and its sensors ids without + or #")
            }
        }
        return settings
    }
}
