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

    public var kind: Kind
    public var name: String
    public var url: String?
    public var writeKey: String?
    public var token: String?
    public var hmacSecret: String?
    public var timeout: Duration
    public var path: String?
    public var fsync: FileTransport.FsyncPolicy
    public var batching: Batching
    /// An mqtt sink's broker and the topic each event goes to.
    public var mqtt: MQTTSettings?
    public var topic: TopicTemplate?

    static let common: Set<String> = ["name", "batch_size", "max_batch_bytes", "flush_interval_ms"]
    static let http: Set<String> = ["url", "token", "hmac_secret", "timeout_ms"]
    static let known: [Kind: Set<String>] = [
        .segment: common.union(["url", "hmac_secret", "timeout_ms", "write_key"]),
        .cloudevents: common.union(http),
        .jsonl: common.union(["path", "fsync"]),
        .mqtt: common.union(MQTTSettings.optionNames).union(["topic", "timeout_ms"]),
    ]

    public static let segmentURL = "https://api.segment.io/v1/batch"

    /// All sinks of a configuration, with distinct names.
    public static func parse(_ configuration: StoreConfiguration) throws -> [SinkSettings] {
        var names: Set<String> = []
        return try configuration.sinks.enumerated().map { index, component in
            let settings = try SinkSettings(
                component, field: "sinks[\(index)]", file: configuration.file, store: configuration.layout.id, gateway: configuration.gatewayID)
            guard names.insert(settings.name).inserted else {
                throw ConfigurationError(
                    file: configuration.file, line: component.optionLine("name"), field: "sinks[\(index)].name",
                    message: "another sink is already named '\(settings.name)'; give each sink its own `name:`")
            }
            return settings
        }
    }

    public init(
        _ component: StoreConfiguration.ComponentSettings, field: String, file: String, store: String = "store", gateway: String = "gateway-1"
    ) throws {
        func fail(_ option: String, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, line: component.optionLine(option), field: option.isEmpty ? field : "\(field).\(option)", message: message)
        }
        guard let kind = Kind(rawValue: component.type) else {
            throw fail("type", "unknown sink type '\(component.type)'; use one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let allowed = Self.known[kind]!
        for option in Set(component.options.keys).union(component.mappings.keys).sorted() where !allowed.contains(option) {
            throw fail(option, "unknown option for a \(kind.rawValue) sink; known: \(allowed.sorted().joined(separator: ", "))")
        }
        let options = component.options
        func integer(_ option: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = options[option] else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw fail(option, "'\(text)' is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        self.kind = kind
        name = options["name"] ?? kind.rawValue
        token = options["token"]
        hmacSecret = options["hmac_secret"]
        writeKey = options["write_key"]
        // Like the sources' paths: relative to the store file.
        path = options["path"].map { StoreConfiguration.path($0, writtenIn: file) }
        timeout = .milliseconds(try integer("timeout_ms", default: 10_000, range: 1...600_000))
        let byteCeiling = kind == .segment ? SegmentEncoder.maxBatchBytes : 100_000_000
        batching = Batching(
            maxEvents: try integer("batch_size", default: 500, range: 1...100_000),
            maxBytes: try integer("max_batch_bytes", default: kind == .segment ? SegmentEncoder.maxBatchBytes : 1_000_000, range: 1_024...byteCeiling),
            maxEventBytes: kind == .segment ? SegmentEncoder.maxEventBytes : 256_000,
            flushInterval: .milliseconds(try integer("flush_interval_ms", default: 0, range: 0...600_000)))
        if let text = options["fsync"] {
            guard let policy = FileTransport.FsyncPolicy(rawValue: text) else {
                throw fail("fsync", "'\(text)' is not an fsync policy; use always, batch or never")
            }
            fsync = policy
        } else {
            fsync = .batch
        }
        switch kind {
        case .segment:
            url = options["url"] ?? Self.segmentURL
            guard writeKey?.isEmpty == false else { throw fail("write_key", "is missing; a segment sink needs the source's write key") }
        case .cloudevents:
            url = options["url"]
            guard url != nil else { throw fail("url", "is missing; say where to POST the events") }
        case .jsonl:
            url = nil
            guard path?.isEmpty == false else { throw fail("path", "is missing; give a file to append to, or - for standard output") }
        case .mqtt:
            url = nil
            mqtt = try MQTTSettings(options: options, storeFile: file, defaultClientID: "footfall-\(store)-\(gateway)-sink-\(name)", fail: fail)
            do {
                topic = try TopicTemplate(options["topic"] ?? TopicTemplate.standard)
            } catch {
                throw fail("topic", error.description)
            }
        }
        if let url {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
                throw fail("url", "'\(url)' is not an http:// or https:// URL")
            }
        }
    }

    /// The sink these settings describe.
    public func makeSink(client: HTTPClient = .sinks, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) -> Sink {
        switch kind {
        case .segment:
            let transport = HTTPTransport(
                options: .init(url: url!, basicAuthUser: writeKey, bearerToken: nil, hmacSecret: hmacSecret, timeout: timeout),
                client: client, now: now)
            return Sink(name: name, encoder: SegmentEncoder(), transport: transport, batching: batching)
        case .cloudevents:
            let transport = HTTPTransport(
                options: .init(url: url!, bearerToken: token, hmacSecret: hmacSecret, timeout: timeout), client: client, now: now)
            return Sink(name: name, encoder: CloudEventsEncoder(), transport: transport, batching: batching)
        case .jsonl:
            return Sink(name: name, encoder: JSONLinesEncoder(), transport: FileTransport(path: path!, fsync: fsync), batching: batching)
        case .mqtt:
            return Sink(name: name, encoder: MQTTEventEncoder(), transport: MQTTTransport(settings: mqtt!, topic: topic!, timeout: timeout), batching: batching)
        }
    }
}
