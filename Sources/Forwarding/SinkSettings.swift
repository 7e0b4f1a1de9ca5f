import AsyncHTTPClient
import FootfallCore
import Foundation
import MQTT

/// One entry of a store's `sinks:` section, checked: unknown types and options, and values out
/// of range, are `ConfigurationError`s naming the file, the line and the field.
public struct SinkSettings: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case segment, cloudevents, jsonl, mqtt
    }

    /// Where the events go, with what each kind of sink needs and nothing it does not.
    public enum Destination: Hashable, Sendable {
        /// Segment's batch API (or a compatible receiver), the write key as basic auth.
        case segment(url: String, writeKey: String, hmacSecret: String?, timeout: Duration)
        /// CloudEvents batches over HTTP, with an optional bearer token.
        case cloudEvents(url: String, token: String?, hmacSecret: String?, timeout: Duration)
        /// JSON lines appended to a file (`-`: standard output).
        case jsonLines(path: String, fsync: FileTransport.FsyncPolicy)
        /// A broker, each event on the topic its template names.
        case mqtt(MQTTSettings, topic: TopicTemplate, timeout: Duration)
    }

    public var name: String
    public var destination: Destination
    public var batching: Batching

    public var kind: Kind {
        switch destination {
        case .segment: .segment
        case .cloudEvents: .cloudevents
        case .jsonLines: .jsonl
        case .mqtt: .mqtt
        }
    }

    /// The receiver's URL, for an HTTP sink.
    public var url: String? {
        switch destination {
        case .segment(let url, _, _, _), .cloudEvents(let url, _, _, _): url
        case .jsonLines, .mqtt: nil
        }
    }

    /// The file, for a JSON lines sink.
    public var path: String? {
        if case .jsonLines(let path, _) = destination { return path }
        return nil
    }

    static let common: Set<String> = ["name", "batch_size", "max_batch_bytes", "flush_interval_ms"]
    static let http: Set<String> = ["url", "token", "hmac_secret", "timeout_ms"]

    /// The options a sink of `kind` takes.
    static func known(_ kind: Kind) -> Set<String> {
        switch kind {
        case .segment: common.union(["url", "hmac_secret", "timeout_ms", "write_key"])
        case .cloudevents: common.union(http)
        case .jsonl: common.union(["path", "fsync"])
        case .mqtt: common.union(MQTTSettings.optionNames).union(["topic", "timeout_ms"])
        }
    }

    public static let segmentURL = "https://api.segment.io/v1/batch"

    /// All sinks of a configuration, with distinct names.
    public static func parse(_ configuration: StoreConfiguration) throws -> [SinkSettings] {
        var names: Set<String> = []
        return try configuration.sinks.enumerated().map { index, component in
            let settings = try SinkSettings(
                component, field: "sinks[\(index)]", file: configuration.file, store: configuration.layout.id, gateway: configuration.gatewayID)
            guard names.insert(settings.name).inserted else {
                throw OptionsReader(component, field: "sinks[\(index)]", file: configuration.file)
                    .error(field: "name", "another sink is already named '\(settings.name)'; give each sink its own `name:`")
            }
            return settings
        }
    }

    public init(
        _ component: StoreConfiguration.ComponentSettings, field: String, file: String, store: String = "store", gateway: String = "gateway-1"
    ) throws {
        let options = OptionsReader(component, field: field, file: file)
        let kind = try options.kind(as: Kind.self) {
            "unknown sink type '\($0)'; use one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))"
        }
        let allowed = Self.known(kind)
        try options.rejectUnknown(allowed) { _ in
            "unknown option for a \(kind.rawValue) sink; known: \(allowed.sorted().joined(separator: ", "))"
        }
        name = options.string("name") ?? kind.rawValue
        let timeout = Duration.milliseconds(try options.integer("timeout_ms", default: 10_000, range: 1...600_000))
        let byteCeiling = kind == .segment ? SegmentEncoder.maxBatchBytes : 100_000_000
        batching = Batching(
            maxEvents: try options.integer("batch_size", default: 500, range: 1...100_000),
            maxBytes: try options.integer(
                "max_batch_bytes", default: kind == .segment ? SegmentEncoder.maxBatchBytes : 1_000_000, range: 1_024...byteCeiling),
            maxEventBytes: kind == .segment ? SegmentEncoder.maxEventBytes : 256_000,
            flushInterval: .milliseconds(try options.integer("flush_interval_ms", default: 0, range: 0...600_000)))
        let fsync = try options.choice("fsync", as: FileTransport.FsyncPolicy.self) {
            "'\($0)' is not an fsync policy; use always, batch or never"
        } ?? .batch
        switch kind {
        case .segment:
            let url = options.string("url") ?? Self.segmentURL
            let writeKey = try options.required("write_key", "a segment sink needs the source's write key")
            destination = .segment(url: url, writeKey: writeKey, hmacSecret: options.string("hmac_secret"), timeout: timeout)
        case .cloudevents:
            let url = try options.required("url", "say where to POST the events")
            destination = .cloudEvents(url: url, token: options.string("token"), hmacSecret: options.string("hmac_secret"), timeout: timeout)
        case .jsonl:
            // Like the sources' paths: relative to the store file.
            guard let path = options.relativePath("path"), !path.isEmpty else {
                throw options.error(field: "path", "is missing; give a file to append to, or - for standard output")
            }
            destination = .jsonLines(path: path, fsync: fsync)
        case .mqtt:
            let mqtt = try MQTTSettings(
                options: component.options, storeFile: file, defaultClientID: "footfall-\(store)-\(gateway)-sink-\(name)", fail: options.error)
            let topic: TopicTemplate
            do {
                topic = try TopicTemplate(options.string("topic") ?? TopicTemplate.standard)
            } catch {
                throw options.error(field: "topic", error.description)
            }
            // The ids filled in are part of the topic: a store or gateway id with + or # in it
            // would leave every event waiting for a publish libmosquitto refuses.
            for kind in PresenceEvent.Kind.allCases {
                let filled = topic.topic(store: store, gateway: gateway, type: kind.rawValue)
                if let problem = MQTTTopic.nameProblem(filled) {
                    throw options.error(field: "topic", "'\(filled)' (with the store id '\(store)' and gateway id '\(gateway)' filled in) \(problem); give ids without them")
                }
            }
            destination = .mqtt(mqtt, topic: topic, timeout: timeout)
        }
        if let url {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
                throw options.error(field: "url", "'\(URLRedaction.shown(url))' is not an http:// or https:// URL")
            }
        }
    }

    /// The sink these settings describe.
    public func makeSink(client: HTTPClient = .sinks, now: @escaping @Sendable () -> Double = Timing.live.now) -> Sink {
        switch destination {
        case .segment(let url, let writeKey, let hmacSecret, let timeout):
            let transport = HTTPTransport(
                options: .init(url: url, basicAuthUser: writeKey, bearerToken: nil, hmacSecret: hmacSecret, timeout: timeout),
                client: client, now: now)
            return Sink(name: name, encoder: SegmentEncoder(), transport: transport, batching: batching)
        case .cloudEvents(let url, let token, let hmacSecret, let timeout):
            let transport = HTTPTransport(
                options: .init(url: url, bearerToken: token, hmacSecret: hmacSecret, timeout: timeout), client: client, now: now)
            return Sink(name: name, encoder: CloudEventsEncoder(), transport: transport, batching: batching)
        case .jsonLines(let path, let fsync):
            return Sink(name: name, encoder: JSONLinesEncoder(), transport: FileTransport(path: path, fsync: fsync, now: Timing.monotonicSeconds), batching: batching)
        case .mqtt(let settings, let topic, let timeout):
            return Sink(name: name, encoder: MQTTEventEncoder(), transport: MQTTTransport(settings: settings, topic: topic, timeout: timeout), batching: batching)
        }
    }
}
