import ArgumentParser
import Capture
import FootfallCore
import Foundation

/// `footfall convert mqtt RECORDING --format … --out trace.csv [--store STORE]`: what a site's
/// nodes published, recorded with `mosquitto_sub`, as a trace to replay and calibrate offline.
struct ConvertMQTTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt",
        abstract: "Convert a mosquitto_sub recording of ESPresense, OpenMQTTGateway or Footfall messages into a trace.",
        // One line a paragraph: ArgumentParser wraps each to the terminal.
        discussion: """
            Record with `mosquitto_sub -v -t 'espresense/devices/#'` (topic, space, payload a line) or, to keep when each message arrived, `mosquitto_sub -F '%U %t %p' -t 'espresense/devices/#'` (not espresense/#: firmware 1.5 to 3.2 publishes each report on espresense/rooms/... too). ESPresense and OpenMQTTGateway reports carry no time of their own: without -F the lines are --seconds-per-line apart from 0; Footfall batches carry their own times.

            Each node (an ESPresense room, a gateway's name) is the sensor of its own name, unless --store names a store file whose mqtt source of this format maps it under `sensors:`; then every node must be mapped or named like one of the store's sensors. Messages on topics the format does not publish (a node's telemetry, settings), and gateway messages that report no advertisement (its state, a tracker's presence), are skipped and counted; any other bad line stops the conversion, naming the file, the line and the field.
            """
    )

    @Argument(help: "The recording: one message a line, as mosquitto_sub -v (or -F '%U %t %p') prints it.")
    var recording: String

    @Option(help: "What the messages are: espresense, openmqttgateway or footfall.")
    var format: String

    @Option(help: "Where to write the trace (.csv).")
    var out: String

    @Option(help: "A store (a name under calibration/, a folder or a store.yaml) whose mqtt source maps nodes to sensors.")
    var store: String?

    @Option(parsing: .unconditional, help: "Seconds between lines of a recording without times (mosquitto_sub -v).")
    var secondsPerLine: Double = 0.1

    var parsedFormat: MQTTFormat? { MQTTFormat(rawValue: format) }

    func validate() throws {
        guard parsedFormat != nil else {
            throw ValidationError("--format must be one of \(MQTTFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(format)'")
        }
        guard out.hasSuffix(".csv") else { throw ValidationError("--out must name a .csv file, e.g. trace.csv") }
        guard secondsPerLine >= 0, secondsPerLine <= 86_400 else { throw ValidationError("--seconds-per-line must be 0 to 86400 (a day)") }
    }

    func run() throws {
        let format = parsedFormat!
        let decoder = try self.decoder(format)
        guard let data = FileManager.default.contents(atPath: recording) else {
            throw CommandFailure("\(recording): cannot be read; check the path")
        }
        var observations: [Observation] = []
        var messages = 0
        var skipped = 0, notAdvertisements = 0
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let text = String(decoding: line, as: UTF8.self)
            guard text.contains(where: { !$0.isWhitespace }) else { continue }
            let place = "\(recording):\(index + 1)"
            let parsed: MQTTRecordingLine
            do throws(MQTTRecordingLine.ParseError) {
                parsed = try MQTTRecordingLine(parsing: text[...])
            } catch {
                throw CommandFailure("\(place): \(error.field): \(error.message)")
            }
            // Footfall's batches carry their own times: without a recorded receipt time there
            // is no clock for them to be ahead of (a `mosquitto_sub -v` recording).
            let time = parsed.time ?? (format == .footfall ? .infinity : Double(messages) * secondsPerLine)
            messages += 1
            do throws(MQTTInputError) {
                observations += try decoder.decode(topic: parsed.message.topic, payload: parsed.message.payload, time: time)
            } catch {
                guard error.reason == .unexpectedTopic || error.reason == .notAnAdvertisement else {
                    // A node nobody mapped is the topic's fault; anything else without a field, the payload's.
                    let field = error.field ?? (error.reason == .unmappedNode ? "topic" : "payload")
                    throw CommandFailure("\(place): \(field): \(error.message) (topic \(error.topic))")
                }
                if error.reason == .notAnAdvertisement { notAdvertisements += 1 } else { skipped += 1 }
            }
        }
        // A trace is in time order; a batch's times may reach before the previous batch's.
        observations = observations.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let writer = try TraceWriter(path: out, columns: .full)
        observations.forEach(writer.write)
        try writer.close()
        let sensors = Set(observations.map(\.sensor)).count
        let devices = Set(observations.map(\.device)).count
        print("converted \(recording): \(messages) messages; \(observations.count) observations of \(devices) devices by \(sensors) sensors in \(out)"
              + (skipped > 0 ? "; \(skipped) messages on topics \(format.rawValue) does not publish skipped" : "")
              + (notAdvertisements > 0 ? "; \(notAdvertisements) messages that report no advertisement (a gateway's state, a tracker's presence) skipped" : ""))
    }

    /// The decoder, with the nodes the store's mqtt sources of this format map.
    func decoder(_ format: MQTTFormat) throws -> MQTTObservationDecoder {
        guard let store else { return MQTTObservationDecoder(format: format) }
        let configuration = try StoreConfiguration.loadChecked(path: StoreOption.path(for: store))
        var sensors: [String: SensorID] = [:]
        for source in configuration.sources where source.type == "mqtt" && source.options["format"] == format.rawValue {
            for (node, sensor) in source.mappings["sensors"] ?? [:] { sensors[node] = SensorID(sensor) }
        }
        return MQTTObservationDecoder(format: format, sensors: sensors, storeSensors: Set(configuration.layout.sensors.map(\.id)))
    }
}
