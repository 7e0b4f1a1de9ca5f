import Capture
import FootfallCore
import Crypto
import Foundation
import Logging
import MQTT

/// A `type: mqtt` source's options (docs/configuration.md, "mqtt sources") checked, and the
/// source made from them.
enum MQTTSourceOptions {
    static let known = (MQTTSettings.optionNames.union(["format", "topic", "sensors"])).sorted()

    static func source(
        _ options: OptionsReader, configuration: StoreConfiguration, bus: InputBus, board: SourceBoard, metrics: GatewayMetrics,
        timing: Timing, logger: Logger
    ) throws -> (name: String, source: MQTTSource) {
        let formats = MQTTFormat.allCases.map(\.rawValue).joined(separator: ", ")
        guard let formatName = options.string("format") else { throw options.error(field: "format", "is missing; say what the broker carries: \(formats)") }
        guard let format = MQTTFormat(rawValue: formatName) else {
            throw options.error(field: "format", "'\(formatName)' is not a format this source reads; use one of \(formats)")
        }
        let store = configuration.layout.id
        let topics = options.string("topic").map { [$0] } ?? format.defaultTopics(store: store)
        for topic in topics {
            if let problem = MQTTTopic.filterProblem(topic) {
                throw options.error(field: "topic", "'\(topic)' \(problem)")
            }
        }
        // Two sources of one format on one broker under one id would take the connection from
        // each other, over and over: each on topics of its own is then a client of its own. A
        // source alone keeps the id it always had (a new one would leave its session, and what
        // the broker queued for it, behind at an upgrade).
        let sharing = configuration.sources.filter {
            $0.type == "mqtt" && $0.options["format"] == formatName && $0.options["url"] == options.string("url") && $0.options["client_id"] == nil
        }.count
        let topicMark = sharing > 1 ? options.string("topic").map { "-" + Hex.lowercase(SHA256.hash(data: Data($0.utf8)).prefix(4)) } ?? "" : ""
        let settings = try MQTTSettings(
            options: options.component.options, storeFile: configuration.file,
            defaultClientID: "footfall-\(store)-\(configuration.gatewayID)-\(format.rawValue)\(topicMark)"
        ) { option, message in options.error(field: option, message) }
        let layoutSensors = Set(configuration.layout.sensors.map(\.id))
        var sensors: [String: SensorID] = [:]
        for (node, sensor) in options.component.mappings["sensors"] ?? [:] {
            guard layoutSensors.contains(SensorID(sensor)) else {
                throw ConfigurationError(
                    file: configuration.file, line: options.component.mappingLines["sensors"]?[node] ?? options.component.optionLine("sensors"),
                    field: "sources[mqtt].sensors.\(node)",
                    message: "'\(sensor)' is not a sensor of the store; use one of \(configuration.layout.sensors.map(\.id.rawValue).joined(separator: ", "))")
            }
            sensors[node] = SensorID(sensor)
        }
        if let text = options.string("sensors") {
            throw options.error(field: "sensors", "'\(text)' is not a mapping; list `node: sensor` lines, e.g. `kitchen: s1`")
        }
        // Named by what it subscribes to as well when it shares its broker and format: two
        // entries of the status and two labels of the metrics.
        let name = "mqtt \(URLRedaction.shown(settings.url)) \(format.rawValue)" + (sharing > 1 ? options.string("topic").map { " \($0)" } ?? "" : "")
        let decoder = MQTTObservationDecoder(
            format: format, sensors: sensors, storeSensors: layoutSensors,
            repeats: SensorBatchSequence(factory: metrics.factory, onInterleaved: { logger.warning("\(SensorBatchSequence.interleavedWarning($0))") }))
        let source = MQTTSource(
            settings: settings, topics: topics, decoder: decoder, timing: timing, logger: logger,
            metrics: MQTTSourceMetrics(source: name, factory: metrics.factory),
            onStatus: { failure in
                if let failure {
                    board.set(name, "failing: \(failure)")
                    metrics.sourceError(name)
                } else {
                    board.set(name, "running")
                }
            },
            onObservations: { observations in
                bus.send(observations.count == 1 ? .observation(observations[0]) : .observations(observations))
            })
        return (name, source)
    }
}
