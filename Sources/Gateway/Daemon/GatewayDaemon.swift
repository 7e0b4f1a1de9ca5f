import BLE
import Capture
import FootfallCore
import Forwarding
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Pipeline
import Presence
import Storage
import ServiceLifecycle
import Simulation
import UnixSignals

/// `footfall run`: sources, pipeline, event store, delivery and the HTTP API in one
/// ServiceGroup that shuts down gracefully on SIGTERM and SIGINT (sources first, then the
/// pipeline drains, then delivery, then the API).
public struct GatewayDaemon {
    public struct Options: Sendable {
        public var configuration: StoreConfiguration
        public var dataDirectory: String
        public var listen: (host: String, port: Int)?
        /// The survey whose radio map the locator uses (the one `fitted.yaml` was fitted to):
        /// the floor's and the street's own levels, not the fitted models alone.
        public var survey: [SurveySample] = []
        public init(configuration: StoreConfiguration, dataDirectory: String) {
            self.configuration = configuration
            self.dataDirectory = dataDirectory
        }
    }

    public let options: Options
    public let logger: Logger
    /// The one clock (and chance) of the gateway: every source, the API, the uplink and
    /// delivery read time and draw jitter from it, none from the system by itself.
    public let timing: Timing

    public init(options: Options, logger: Logger, timing: Timing = .live) {
        self.options = options
        self.logger = logger
        self.timing = timing
    }

    /// What `run` reads and checks of the configuration before anything starts.
    struct Prepared {
        var host: String
        var port: Int
        var certificate: APICertificate?
        var resolver: IdentityResolver
        /// What is allowed but exposes a secret: logged at start, printed by `--check`.
        var warnings: [String] = []
        /// The API's connections at once: `api.max_connections`, within what the process's
        /// open-file limit leaves.
        var maxConnections = 512
    }

    /// Descriptors kept for everything but the API's connections: the database and its
    /// journal, sinks, sources, brokers, the runtime's own.
    static let descriptorReserve = 128

    /// Raises the process's soft open-file limit to its hard one (as a server may; systemd's
    /// default soft limit is 1024) and returns it: the API's connections are held within it.
    /// Out of descriptors, the API's accepts failed and the runtime's thread pool crashed the
    /// whole process (audit, `ulimit -n 64` and 60 connections).
    static func openFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur == rlim_t.max ? nil : Int(clamping: limit.rlim_cur)
    }

    /// Secrets the configuration lets cross the store's network in clear, or leaves readable
    /// to every user of the gateway.
    static func exposures(_ configuration: StoreConfiguration, host: String) -> [String] {
        var warnings: [String] = []
        let api = configuration.api
        let secrets = !api.tokens.isEmpty || !api.sensorTokens.isEmpty || api.meraki != nil
        if api.tls == nil, secrets, !StoreConfiguration.APISettings.isLoopback(host) {
            warnings.append(
                "the API listens on \(host) without TLS: its tokens\(api.meraki == nil ? "" : " and Meraki's secret") cross the store's network in clear; add api.tls (docs/api.md, \"TLS\")")
        }
        if let upstream = configuration.upstream, let url = URLComponents(string: upstream.url),
           let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "mqtt",
           let upstreamHost = url.host, !StoreConfiguration.APISettings.isLoopback(upstreamHost)
        {
            // The batches carry the devices' addresses (the locating gateway makes the pseudonyms).
            let password = upstream.broker["password_file"] != nil || upstream.broker["password_env"] != nil
            let what = scheme == "http"
                ? "the devices' addresses this gateway hears, and its sensor tokens,"
                : "the devices' addresses this gateway hears\(password ? ", and the broker password," : "")"
            let instead = scheme == "http" ? "use https with upstream.ca_file" : "use mqtts://"
            warnings.append(
                "upstream.url is \(scheme):// to \(upstreamHost): \(what) cross the network in clear; \(instead) (docs/configuration.md, \"What crosses the store's network\")")
        }
        // The other end: a locating gateway reading sensor gateways' batches from a broker on
        // another host over plain mqtt:// takes their addresses across the network in clear.
        for (index, source) in configuration.sources.enumerated() where source.type == "mqtt" && source.options["format"] == "footfall" {
            guard let url = source.options["url"].flatMap({ URLComponents(string: $0) }), url.scheme?.lowercased() == "mqtt",
                  let brokerHost = url.host, !StoreConfiguration.APISettings.isLoopback(brokerHost) else { continue }
            warnings.append(
                "sources[\(index)] reads sensor gateways' batches from mqtt:// on \(brokerHost): the devices' addresses they carry cross the network in clear; use mqtts:// (docs/configuration.md, \"What crosses the store's network\")")
        }
        var secretFiles: [(field: String, path: String)] = []
        // The store file itself when it holds a secret: the API's and sensors' tokens, Meraki's
        // secret, a sink's key or token, the upstream's tokens.
        let sinkSecrets = configuration.sinks.contains { !Set($0.options.keys).isDisjoint(with: ["token", "write_key", "hmac_secret"]) }
        if secrets || sinkSecrets || !(configuration.upstream?.tokens.isEmpty ?? true) {
            secretFiles.append(("the store file", configuration.file))
        }
        if let tls = api.tls { secretFiles.append(("api.tls.key", StoreConfiguration.path(tls.key, writtenIn: configuration.file))) }
        if let keys = configuration.identity.identityKeys {
            secretFiles.append(("identity.identity_keys", StoreConfiguration.path(keys, writtenIn: configuration.file)))
        }
        // A broker's password and client key, of the mqtt sources and sinks and an mqtt upstream.
        let brokers = configuration.sources.filter { $0.type == "mqtt" }.enumerated().map { ("sources[mqtt #\($0.offset + 1)]", $0.element.options) }
            + configuration.sinks.filter { $0.type == "mqtt" }.enumerated().map { ("sinks[mqtt #\($0.offset + 1)]", $0.element.options) }
            + (configuration.upstream.map { [("upstream", $0.broker)] } ?? [])
        for (name, options) in brokers {
            for option in ["password_file", "key_file"] {
                if let file = options[option] { secretFiles.append(("\(name).\(option)", StoreConfiguration.path(file, writtenIn: configuration.file))) }
            }
        }
        for (field, path) in secretFiles {
            guard let mode = Self.readableByEveryone(path) else { continue }
            warnings.append("\(field) \(path) is readable by every user of the gateway (mode \(String(mode, radix: 8))); chmod o-r it")
        }
        return warnings
    }

    /// The file's mode when every user may read it: readable by others, and every folder above
    /// it open to them (a 0644 file in a 0750 folder is not); nil otherwise. The file a link
    /// names (certbot's live/ are links), not the link's own mode.
    static func readableByEveryone(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o004 != 0 else { return nil }
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        var folder = ((absolute as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
        while !folder.isEmpty {
            var above = stat()
            guard stat(folder, &above) == 0, above.st_mode & 0o001 != 0 else { return nil }
            if folder == "/" { break }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return info.st_mode & 0o777
    }

    /// The checks `run` makes before it starts anything: the API's address and certificate, the
    /// upstream's CA, the identity files.
    func prepare() throws -> Prepared {
        let configuration = options.configuration
        guard let (host, port) = options.listen ?? configuration.api.hostAndPort else {
            throw GatewayDataError("api.listen '\(configuration.api.listen)' is not host:port")
        }
        try Self.refuseAnOpenNetworkAPI(configuration, host: host, port: port, fromOption: options.listen != nil)
        let certificate = try configuration.api.tls.map { try APICertificate($0, file: configuration.file) }
        if let caFile = configuration.upstream?.caFile {
            do {
                _ = try NIOSSLCertificate.fromPEMFile(caFile)
            } catch {
                throw ConfigurationError(
                    file: configuration.file, line: nil, field: "upstream.ca_file",
                    message: "\(caFile) cannot be read as PEM certificates (\(error)); give the certificate of the CA that signed the locating gateway's, or that certificate itself")
            }
        }
        var prepared = Prepared(
            host: host, port: port, certificate: certificate, resolver: try IdentityMapLoader.resolver(for: configuration),
            warnings: Self.exposures(configuration, host: host), maxConnections: configuration.api.maxConnections)
        if let limit = Self.openFileLimit(), prepared.maxConnections > limit - Self.descriptorReserve {
            prepared.maxConnections = max(8, limit - Self.descriptorReserve)
            prepared.warnings.append(
                "api.max_connections \(configuration.api.maxConnections) is more than this process's open-file limit (\(limit)) leaves for connections: the API takes \(prepared.maxConnections) at once; raise the limit (LimitNOFILE= in the unit, ulimit -n) to take more")
        }
        return prepared
    }

    /// Everything `run` checks of its configuration, without starting, opening a device or
    /// listening on anything, nor touching the data directory (`footfall run --check`): the API, the
    /// sources, the sinks or the upstream, the identity files and the pipeline's settings.
    /// Returns what would run, in a line.
    public func check() throws -> String {
        let configuration = options.configuration
        let prepared = try prepare()
        // The sources are made as `run` makes them (each checks its options and files, a capture
        // file's header read); none is started, so no device is opened and nothing connected.
        let sources = try SourceFactory.services(
            for: configuration, resolver: prepared.resolver, bus: InputBus(), metrics: GatewayMetrics(), timing: timing, logger: logger)
        let sourceCount = configuration.sources.count
        let scheme = prepared.certificate == nil ? "http" : "https"
        var parts = ["\(sourceCount) source\(sourceCount == 1 ? "" : "s")"]
        if let upstream = configuration.upstream {
            try UpstreamBroker.check(for: configuration)
            parts.append("observations sent up to \(URLRedaction.shown(upstream.url))")
        } else {
            let sinks = try SinkSettings.parse(configuration)
            _ = try IdentityMapLoader.customers(for: configuration)
            _ = try Pipeline(configuration: configuration, survey: options.survey, resolver: prepared.resolver)
            parts.append("\(sinks.count) sink\(sinks.count == 1 ? "" : "s")")
        }
        parts.append("the API on \(scheme)://\(prepared.host):\(prepared.port)")
        try GatewayData.checkDirectory(options.dataDirectory)
        parts.append("data in \(options.dataDirectory)")
        return (["\(configuration.file): ready to run: " + parts.joined(separator: ", ")] + (prepared.warnings + sources.warnings).map { "warning: \($0)" })
            .joined(separator: "\n")
    }

    public func run() async throws {
        let configuration = options.configuration
        let logger = self.logger
        let prepared = try prepare()
        let (host, port, certificate, resolver) = (prepared.host, prepared.port, prepared.certificate, prepared.resolver)
        for warning in prepared.warnings { logger.warning("\(warning)") }
        // Trapped before anything listens: by default a SIGHUP ends the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        // Held until the process ends: one gateway per data directory, taken before its data is
        // opened (a second one refused has migrated nothing).
        let lock = try DataDirectoryLock.acquire(options.dataDirectory)
        defer { withExtendedLifetime(lock) {} }
        let data = try GatewayData(directory: options.dataDirectory)
        for warning in data.warnings { logger.warning("\(warning)") }
        let bus = InputBus()
        let timing = self.timing
        let live = LiveState(startedAt: timing.now())
        let metrics = GatewayMetrics()
        // Resolvable private addresses are resolved once: by the pipeline on a locating gateway
        // (it resolves every source's, traces' and sensor gateways' alike), by the BLE sources on
        // a sensor gateway, which has no pipeline and sends on what it heard.
        let sources = try SourceFactory.services(
            for: configuration, resolver: configuration.upstream == nil ? IdentityResolver() : resolver, bus: bus,
            metrics: metrics, timing: timing, logger: logger)
        for warning in sources.warnings { logger.warning("\(warning)") }
        // A locating gateway runs the pipeline, its event store and delivery; a sensor gateway
        // (`upstream:`) pushes its observations to the locating gateway instead.
        var consumers: [any Service] = []
        let status: @Sendable () async -> [String: String]
        var analytics: GatewayDatabase?
        if let upstream = configuration.upstream {
            let uplink = ObservationUplink(
                options: .init(
                    url: upstream.url, tokens: upstream.tokens, batchSize: upstream.batchSize, maxBuffer: upstream.maxBuffer,
                    flushInterval: .milliseconds(Int64(upstream.flushInterval * 1000)), caFile: upstream.viaBroker ? nil : upstream.caFile),
                logger: logger, metricsFactory: metrics.factory, timing: timing, send: try UpstreamBroker.send(for: configuration))
            consumers.append(UplinkService(bus: bus, uplink: uplink, live: live, metrics: metrics, logger: logger))
            status = { sources.board.snapshot.merging(["upstream": UplinkService.describe(uplink.status, url: URLRedaction.shown(upstream.url))]) { a, _ in a } }
        } else {
            let store = try EventStoreFactory.make(configuration: configuration, data: data, timing: timing, logger: logger, metricsFactory: metrics.factory)
            analytics = data.database
            let customers = try IdentityMapLoader.customers(for: configuration)
            let pseudonymizer = Pseudonymizer(key: data.key)
            consumers += store.services
            let survey = options.survey
            try data.makeReserve()
            consumers.append(PipelineService(
                bus: bus, live: live, metrics: metrics, store: store.store, pseudonymizer: pseudonymizer, logger: logger,
                releaseReserve: { data.releaseReserve() },
                makePipeline: {
                    var pipeline = try Pipeline(
                        configuration: configuration, survey: survey, pseudonymKey: data.key, customers: customers,
                        resolver: resolver)
                    // Live, a reading that comes late is taken as heard now (or left, minutes
                    // late), not taken for a clock that jumped: the wall clock is the one clock.
                    if sources.live { pipeline.lateReadings = .live }
                    return pipeline
                }))
            status = { (await store.status()).merging(sources.board.snapshot) { a, _ in a } }
            if !configuration.identity.anonymousEvents {
                // Otherwise an operator watching the sinks sees only the loyalty app's shoppers
                // and wonders where the others went.
                logger.notice(
                    "only identified shoppers' visit events are delivered; the others are counted (store.traffic events, the live map, /api/occupancy) and their visits stay on the gateway (identity.anonymous_events: true sends them under a daily pseudonym)")
            }
        }
        var dependencies = APIServer.Dependencies(
            configuration: configuration, live: live, metrics: metrics, bus: bus, now: timing.now, status: status, database: analytics,
            onInterleaved: { logger.warning("\(SensorBatchSequence.interleavedWarning($0))") })
        let surveyPoints = Set(options.survey.compactMap(\.point)).count
        dependencies.surveyPoints = surveyPoints
        do {
            try dependencies.takeBackBatchMarks()
        } catch {
            logger.warning("the sensor gateways' batch marks kept at the last stop could not be read (\(error)); a batch sent again across the restart may be taken twice")
        }
        let router = APIServer.buildRouter(dependencies)
        let api = configuration.api
        let byAddress = Admissions(most: api.maxConnectionsPerAddress)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [
            ConnectionGuard(
                headerTimeout: .milliseconds(Int64(api.headerTimeout * 1000)), bodyTimeout: .milliseconds(Int64(api.bodyTimeout * 1000)),
                byAddress: byAddress, logger: logger)
        ])
        let scheme = certificate == nil ? "http" : "https"
        let app = Application(
            router: router,
            server: try certificate.map { try .tls(.http1(configuration: http1), tlsConfiguration: $0.serverConfiguration) } ?? .http1(configuration: http1),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "footfall",
                availableConnectionsDelegate: MaximumAvailableConnections(prepared.maxConnections, logger: logger)),
            onServerRunning: { channel in
                logger.info("API listening", metadata: ["address": "\(channel.localAddress?.description ?? "")", "scheme": "\(scheme)"])
                // The port bound, not the one asked for: port 0 means any free one.
                SystemdNotifier.notify("READY=1\nSTATUS=listening on \(scheme)://\(host):\(channel.localAddress?.port ?? port)")
            },
            logger: logger)
        // Graceful shutdown runs in reverse order: sources, pipeline, delivery, API.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app)]
        if let certificate { services.append(.init(service: CertificateReloader(certificate: certificate, hangups: hangups, logger: logger))) }
        services += consumers.map { .init(service: $0) }
        services += sources.services.map { .init(service: $0) }
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // The last resort under systemd's TimeoutStopSec=30: what has not stopped by then is
        // cancelled (delivery records its receipts to the end even so).
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(20)
        let group = ServiceGroup(configuration: groupConfiguration)
        logger.info("footfall gateway starting", metadata: [
            "store": "\(configuration.layout.id)", "gateway": "\(configuration.gatewayID)", "sources": "\(configuration.sources.count)",
            "survey": "\(surveyPoints == 0 ? "none" : "\(surveyPoints) points")",
        ])
        var failure: (any Error)?
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw GatewayDataError(
                "\(host):\(port) is already in use (another footfall, or another server, listens there); stop it, or choose another address with api.listen or --listen")
        } catch {
            failure = error
        }
        // Every service has stopped, the API last: no batch is taken after this.
        do {
            try dependencies.keepBatchMarks(at: timing.now())
        } catch {
            logger.warning("the sensor gateways' batch marks could not be kept (\(error)); a batch sent again across the restart may be taken twice")
        }
        // The database file deleted or replaced under the gateway (the pipeline stopped for it,
        // or it went after the pipeline's last look): what it holds is saved before the exit.
        if let problem = data.database.fileProblem {
            throw GatewayDataError("\(problem); \(Self.saveDeletedDatabase(data.database))")
        }
        if let failure { throw failure }
        SystemdNotifier.notify("STOPPING=1")
    }

    /// Saves the database the gateway had open (its file deleted or replaced since) where the
    /// next start finds it, or beside it when another file stands there now; says what it did.
    static func saveDeletedDatabase(_ database: GatewayDatabase) -> String {
        guard let path = database.path else { return "nothing to save" }
        let replaced = FileManager.default.fileExists(atPath: path)
        let target = replaced ? path + ".recovered-\(Int(Date().timeIntervalSince1970))" : path
        // Its own -wal and -shm go first: left beside the file now at its path (or the copy
        // saved there), they would be read over it (review: the replacement's tables gone).
        database.removeOwnCompanions()
        do {
            try database.saveCopy(to: target)
        } catch {
            return "its contents could not be saved (\(error)); if the data directory was moved, its files are where it was moved to"
        }
        if !replaced { return "its contents (outbox, visit history, kept visits) are saved back as \(path); the next start carries on from them" }
        return "its contents (outbox, visit history, kept visits) are saved as \(target); the gateway restarts on the file now at \(path): to carry on from the saved one instead, stop the gateway, put it in place of \(path) (removing that file's -wal and -shm), and start it"
    }

    /// An API without tokens answers anyone who reaches it: on loopback only the gateway's own
    /// users, on any other address the whole store network (the shoppers' positions, posting
    /// observations). Refused unless `api.allow_unauthenticated: true` says it is meant.
    static func refuseAnOpenNetworkAPI(_ configuration: StoreConfiguration, host: String, port: Int, fromOption: Bool) throws {
        let api = configuration.api
        guard api.tokens.isEmpty, !api.allowUnauthenticated, !StoreConfiguration.APISettings.isLoopback(host) else { return }
        let message = "'\(host):\(port)' is reachable from the store's network and api.tokens is empty, so anyone there could read shoppers' positions and post observations; add api.tokens (footfall init makes one), listen on 127.0.0.1, or set api.allow_unauthenticated: true if an open API is meant"
        if fromOption { throw GatewayDataError("--listen \(message)") }
        throw ConfigurationError(file: configuration.file, line: api.listenLine, field: "api.listen", message: message)
    }
}
