/// Everything a gateway needs to know about its store, read from `calibration/<store>/store.yaml`
/// (format in calibration/README.md). Every field but the skeleton of DESIGN.md has a default.
public struct StoreConfiguration: Sendable {
    /// The file it was read from, for messages and for resolving relative paths.
    public var file: String
    public var layout: StoreLayout
    public var gatewayID: String
    public var presence: PresenceSettings
    public var identity: IdentitySettings
    /// Named tuning values for the locate stage (`positioning:` section); the Positioning
    /// module documents and validates the names.
    public var positioning: [String: Setting]
    public var sources: [ComponentSettings]
    /// Set when this gateway is a sensor of the store: observations go upstream, not to a pipeline.
    public var upstream: UpstreamSettings?
    public var sinks: [ComponentSettings]
    public var api: APISettings
    /// `fitted.yaml` beside the file, when there is one; already applied to the sensors.
    public var fitted: FittedPathLoss?

    public init(
        file: String = "<memory>", layout: StoreLayout, gatewayID: String = "gateway-1",
        presence: PresenceSettings = .init(), identity: IdentitySettings = .init(), positioning: [String: Setting] = [:],
        sources: [ComponentSettings] = [], sinks: [ComponentSettings] = [], api: APISettings = .init()
    ) {
        self.file = file
        self.layout = layout
        self.gatewayID = gatewayID
        self.presence = presence
        self.identity = identity
        self.positioning = positioning
        self.sources = sources
        self.sinks = sinks
        self.api = api
    }

    /// A number with the line it came from, so a later stage can still point at it. A value
    /// that is not a number (`engine: grid`, `true`) keeps its text, and `value` is NaN.
    public struct Setting: Hashable, Sendable {
        public var value: Double
        public var text: String?
        public var line: Int?
        public init(_ value: Double, line: Int? = nil) {
            self.value = value
            self.line = line
        }
        public init(text: String, line: Int? = nil) {
            value = .nan
            self.text = text
            self.line = line
        }
    }

    /// Visit thresholds (`presence:` section), defaults from retail practice.
    public struct PresenceSettings: Hashable, Sendable {
        /// Seconds inside the outline before a device is a visitor.
        public var enterAfter: Double = 15
        /// Seconds inside before a device never placed clear of the storefront (two of its
        /// uncertainties behind a wall with an entrance) is a visitor, when longer than
        /// `enterAfter`: a passer-by walking along the glass is placed just inside for 16–53 s
        /// (the 5th to 90th percentile of the simulated stores' passers-by, median 30 s; heard
        /// 35–66 s in all), while a shopper's visit lasts a minute or more and walks further
        /// in. 45 s covers most such runs; where passers-by linger at the window (a mall's
        /// window shoppers) it can be longer (docs/positioning.md, "Passers-by counted as
        /// visitors on the simulated stores").
        public var storefrontWait: Double = 45
        /// Seconds after it was last inside before a visit ends.
        public var exitAfter: Double = 120
        /// Minimum visit length counted as engaged in analytics.
        public var engagedAfter: Double = 300
        /// Devices present longer than this in a day are staff or fixtures.
        public var maxPresence: Double = 6 * 3600
        /// Seconds between `store.traffic` aggregates.
        public var trafficInterval: Double = 900
        /// Share of devices heard outside the storefront that walk in, per second: how readily
        /// a rise of the inside probability is taken, in hindsight, as the moment of entry.
        public var walkInRate: Double = 0.02
        /// Share of devices inside that walk out, per second.
        public var walkOutRate: Double = 0.005
        public init() {}
    }

    /// Who may be identified and how (`identity:` section; DESIGN.md, identity and privacy).
    public struct IdentitySettings: Hashable, Sendable {
        /// iBeacon/AltBeacon proximity UUIDs broadcast by the retailer's loyalty app (lowercase).
        public var loyaltyUUIDs: [String] = []
        /// Eddystone-UID namespaces broadcast by the loyalty app (lowercase hex).
        public var eddystoneNamespaces: [String] = []
        /// Whether globally administered (non-random) addresses count as consented identities.
        public var globallyAdministered = false
        /// A CSV `device,customer_id` turning consented identities into the profile store's ids,
        /// relative to the configuration file.
        public var identityMap: String?
        /// A CSV `name,irk` of the identity resolving keys registered with the store
        /// (relative to the configuration file): a resolvable private address made from one
        /// becomes the consented identity `irk:<name>`.
        public var identityKeys: String?
        /// Days of visit history kept.
        public var retentionDays: Double = 400
        /// Whether devices that are not identified get per-visit events (with a pseudonym that
        /// changes daily) or are only counted in `store.traffic`.
        public var anonymousEvents = false
        public init() {}
    }

    /// A gateway that is one of the store's sensors rather than its locating gateway: it pushes
    /// what its sources hear to the locating gateway's `POST /api/observations`.
    public struct UpstreamSettings: Hashable, Sendable {
        /// The locating gateway's API, e.g. `http://10.0.4.2:8080`.
        public var url: String
        /// The token the locating gateway expects for each sensor (`api.sensor_tokens` there).
        public var tokens: [String: String] = [:]
        /// The most observations one request carries.
        public var batchSize: Int = 500
        /// Observations held while the locating gateway is unreachable; beyond it the oldest
        /// are dropped (and counted).
        public var maxBuffer: Int = 200_000
        /// How long (s) observations wait to fill a batch before they are sent anyway.
        public var flushInterval: Double = 0.5
        /// For an https `url`: the PEM file of the certificate authority that signed the locating
        /// gateway's certificate, or of that certificate itself (pinning it). Without it, the
        /// system's trust roots verify the gateway.
        public var caFile: String?
        /// For an `mqtt://` or `mqtts://` `url` (a broker the locating gateway's `type: mqtt`
        /// source reads with `format: footfall`): the connection options an mqtt source takes
        /// (`username`, `password_file`, …), read by the MQTT module, with the line of each.
        public var broker: [String: String] = [:]
        public var brokerLines: [String: Int] = [:]
        /// The line of `upstream:` itself, for an error no option owns.
        public var line: Int?
        public init(url: String) { self.url = url }

        /// Whether `url` is a broker rather than the locating gateway's API.
        public var viaBroker: Bool { url.hasPrefix("mqtt://") || url.hasPrefix("mqtts://") }

        /// The options of an mqtt upstream besides `url` and `ca_file`.
        public static let brokerOptions = ["client_id", "keep_alive", "username", "password_file", "password_env", "cert_file", "key_file"]
    }

    /// The Cisco Meraki Scanning API v3 webhook: Meraki's validator string (answered to its
    /// `GET`), the shared secret its `POST`s must carry, and which store sensor each access
    /// point is (by lowercase MAC; an access point not listed is taken to be the sensor whose
    /// id is its MAC).
    public struct MerakiSettings: Hashable, Sendable {
        public var validator: String
        public var secret: String
        public var accessPoints: [String: String] = [:]
        public init(validator: String, secret: String) {
            self.validator = validator
            self.secret = secret
        }
    }

    /// A source or sink: its `type` and its other scalar options, with the line it was read from.
    public struct ComponentSettings: Hashable, Sendable {
        public var type: String
        public var options: [String: String]
        /// The line of the list item (its `- type:`).
        public var line: Int?
        /// The line of each option, so that an error in one names its own line.
        public var optionLines: [String: Int]
        /// Options that are `key: value` mappings (an mqtt source's `sensors:`), with the line
        /// of each key.
        public var mappings: [String: [String: String]]
        public var mappingLines: [String: [String: Int]]
        public init(
            type: String, options: [String: String] = [:], line: Int? = nil, optionLines: [String: Int] = [:],
            mappings: [String: [String: String]] = [:], mappingLines: [String: [String: Int]] = [:]
        ) {
            self.type = type
            self.options = options
            self.line = line
            self.optionLines = optionLines
            self.mappings = mappings
            self.mappingLines = mappingLines
        }

        /// The line of `option` where it is written, else the item's.
        public func optionLine(_ option: String) -> Int? { optionLines[option] ?? line }
    }

    /// The HTTP API (`api:` section).
    public struct APISettings: Hashable, Sendable {
        public var listen: String = "127.0.0.1:8080"
        /// Bearer tokens for everything but health and metrics; none means an open API (it
        /// listens on loopback by default).
        public var tokens: [String] = []
        /// Tokens of remote sensors allowed to POST observations, by sensor id.
        public var sensorTokens: [String: String] = [:]
        /// Remote observation batches whose clock is further off than this are refused (s).
        public var maxClockSkew: Double = 30
        /// Largest request body accepted (bytes).
        public var maxBodyBytes: Int = 1 << 20
        /// The Cisco Meraki Scanning API webhook (`/api/meraki`), when configured.
        public var meraki: MerakiSettings?
        /// Seconds a client has to send a request's headers (from its connection, or from the
        /// end of its previous response); then the connection is closed.
        public var headerTimeout: Double = 10
        /// Seconds a client has to send a request's whole body once its headers are in.
        public var bodyTimeout: Double = 30
        /// Connections served at once; further clients wait in the kernel's queue.
        public var maxConnections: Int = 512
        /// Of those, at most this many from one address: one host cannot take them all.
        public var maxConnectionsPerAddress: Int = 64
        /// Serve https with this certificate and key (reloaded on SIGHUP), when set.
        public var tls: TLSSettings?
        /// An API without tokens on an address other than loopback is refused at start unless
        /// this is set: anyone on the store's network could read and post.
        public var allowUnauthenticated = false
        /// Where `listen` is written in the file, for messages about it.
        public var listenLine: Int?
        public init() {}

        /// The API's certificate chain and private key, PEM files (paths resolved against the
        /// store file).
        public struct TLSSettings: Hashable, Sendable {
            public var certificate: String
            public var key: String
            public init(certificate: String, key: String) {
                self.certificate = certificate
                self.key = key
            }
        }

        /// Whether `host` is a loopback address (or `localhost`): reachable only from the gateway.
        public static func isLoopback(_ host: String) -> Bool {
            var name = host.lowercased()
            if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
            if name.hasSuffix(".") { name.removeLast() }  // a fully qualified name: `localhost.`
            if name == "localhost" || name == "::1" { return true }
            // An address literal in 127.0.0.0/8, not a name that begins like one
            // (`127.0.0.1.example.net` resolves wherever its owner likes).
            let octets = name.split(separator: ".", omittingEmptySubsequences: false)
            return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        }

        /// Host and port of `listen`.
        public var hostAndPort: (host: String, port: Int)? {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                  (0...65_535).contains(port), colon > listen.startIndex else { return nil }
            return (String(listen[..<colon]), port)
        }
    }
}
