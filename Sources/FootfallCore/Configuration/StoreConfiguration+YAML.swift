import Foundation
import Yams

extension StoreConfiguration {
    /// Reads and validates a store configuration file, with the `fitted.yaml` beside it applied.
    public static func load(path: String) throws -> StoreConfiguration {
        try load(path: path, fitted: true)
    }

    /// Reads and validates a store configuration file, with the `fitted.yaml` beside it applied
    /// unless `fitted` is false (`footfall calibrate fit`, which writes it anew: a stale one
    /// must not stop the fit that replaces it, nor be the fit's starting point).
    public static func load(path: String, fitted applyFitted: Bool) throws -> StoreConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (check its permissions)" : "does not exist"
            throw ConfigurationError(file: path, line: nil, field: "", message: "\(reason); pass the path of a store.yaml, e.g. calibration/demo-store/store.yaml")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column) = Self.firstInvalidUTF8(Array(data))
            throw ConfigurationError(
                file: path, line: line, column: column, field: "",
                message: "is not UTF-8 text (the byte here begins no UTF-8 character); save the file as UTF-8")
        }
        var configuration = try parse(yaml: text, file: path)
        // Path loss fitted by `footfall calibrate fit` lives beside the file, never in it.
        let fittedPath = FittedPathLoss.path(besideConfiguration: path)
        if applyFitted, let fittedData = FileManager.default.contents(atPath: fittedPath) {
            let fitted = try FittedPathLoss.parse(yaml: String(decoding: fittedData, as: UTF8.self), file: fittedPath)
            try fitted.apply(to: &configuration)
            configuration.fitted = fitted
        }
        return configuration
    }

    /// The line and column (1-based, in bytes) of the first byte that is not UTF-8.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int) {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        scan: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput, .error: break scan
            }
        }
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        return (line, offset - lineStart + 1)
    }

    /// Parses and validates configuration text; `file` names it in errors.
    public static func parse(yaml text: String, file: String) throws -> StoreConfiguration {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: file, line: 1, field: "", message: "is empty; start from calibration/demo-store/store.yaml")
            }
            root = node
        } catch let error as YamlError {
            throw error.configurationError(file: file, text: text)
        }
        let reader = YAMLReader(file: file)
        let top = try reader.mapping(root, "", known: ["store", "zones", "sensors", "presence", "identity", "positioning", "sources", "sinks", "api", "upstream"])

        guard let storeNode = top["store"] else {
            throw ConfigurationError(file: file, line: root.mark?.line, field: "store", message: "is missing; add `store:` with `id:` and `outline:`")
        }
        let store = try reader.mapping(storeNode, "store", known: ["id", "name", "gateway", "outline", "entrances", "device_height"])
        guard let idNode = store["id"] else { throw reader.error(storeNode, "store.id", "is missing; name the store, e.g. `id: demo-store`") }
        guard let outlineNode = store["outline"] else {
            throw reader.error(storeNode, "store.outline", "is missing; give the store's outline as [[x, y], …] in metres")
        }
        let outline = try reader.polygon(outlineNode, "store.outline")
        var layout = StoreLayout(id: try reader.string(idNode, "store.id"), outline: outline)
        if let node = store["name"] { layout.name = try reader.string(node, "store.name") }
        if let node = store["device_height"] { layout.deviceHeight = try reader.positive(node, "store.device_height", unit: "metres", atMost: 100) }
        if let node = store["entrances"] {
            for (index, item) in try reader.sequence(node, "store.entrances").enumerated() {
                let field = "store.entrances[\(index)]"
                let p = try reader.point(item, field)
                guard outline.distanceToBoundary(p) <= 1.0 else {
                    throw reader.error(item, field, "\(p) is not on the outline; an entrance is a point of the outline's edge")
                }
                layout.entrances.append(p)
            }
        }
        var configuration = StoreConfiguration(file: file, layout: layout)
        if let node = store["gateway"] { configuration.gatewayID = try reader.string(node, "store.gateway") }

        if let node = top["zones"] { configuration.layout.zones = try parseZones(node, reader, outline: outline) }
        guard let sensorsNode = top["sensors"] else {
            throw ConfigurationError(file: file, line: root.mark?.line, field: "sensors", message: "is missing; list at least one sensor with `id:` and `position: [x, y, height]`")
        }
        configuration.layout.sensors = try parseSensors(sensorsNode, reader, outline: outline)
        if let node = top["presence"] { configuration.presence = try parsePresence(node, reader) }
        if let node = top["identity"] { configuration.identity = try parseIdentity(node, reader) }
        if let node = top["positioning"] {
            guard case .mapping(let mapping) = node else { throw reader.error(node, "positioning", "expected a mapping of `name: number` lines") }
            for (key, value) in mapping {
                let name = try reader.string(key, "positioning")
                // Names and ranges are the Positioning module's (docs/positioning.md); a word
                // (`engine: grid`, `true`) is kept as text for it to check.
                if case .scalar(let scalar) = value, Double(scalar.string) == nil, !scalar.string.isEmpty {
                    configuration.positioning[name] = Setting(text: scalar.string, line: value.mark?.line)
                } else {
                    configuration.positioning[name] = Setting(try reader.double(value, "positioning.\(name)"), line: value.mark?.line)
                }
            }
        }
        if let node = top["sources"] { configuration.sources = try parseComponents(node, reader, "sources") }
        if let node = top["sinks"] { configuration.sinks = try parseComponents(node, reader, "sinks") }
        if let node = top["upstream"] {
            configuration.upstream = try parseUpstream(node, reader, layout: configuration.layout)
            if !configuration.sinks.isEmpty {
                throw reader.error(top["sinks"] ?? node, "sinks", "a sensor gateway (with `upstream:`) sends observations, not events; configure the sinks on the locating gateway")
            }
        }
        if let node = top["api"] {
            let api = try reader.mapping(node, "api", known: [
                "listen", "tokens", "sensor_tokens", "max_clock_skew", "max_body_bytes", "meraki", "header_timeout", "body_timeout",
                "max_connections", "max_connections_per_address", "tls", "allow_unauthenticated",
            ])
            if let listen = api["listen"] {
                configuration.api.listen = try reader.string(listen, "api.listen")
                configuration.api.listenLine = listen.mark?.line
                guard configuration.api.hostAndPort != nil else {
                    throw reader.error(listen, "api.listen", "'\(configuration.api.listen)' is not host:port with a port from 0 to 65535, e.g. 127.0.0.1:8080")
                }
            }
            // Each sensor's token its own: a token one gateway holds is one it may use.
            var sensorTokenNodes: [(sensor: String, token: String, node: Node)] = []
            if let n = api["sensor_tokens"] {
                guard case .mapping(let mapping) = n else { throw reader.error(n, "api.sensor_tokens", "expected `sensor-id: token` lines") }
                for (key, value) in mapping {
                    let sensor = try reader.string(key, "api.sensor_tokens")
                    let token = try reader.string(value, "api.sensor_tokens.\(sensor)")
                    if let other = sensorTokenNodes.first(where: { $0.token == token }) {
                        throw reader.error(value, "api.sensor_tokens.\(sensor)", "is also \(other.sensor)'s token, so either could post as the other; give each sensor its own (openssl rand -hex 16)")
                    }
                    sensorTokenNodes.append((sensor, token, value))
                    configuration.api.sensorTokens[sensor] = token
                }
            }
            if let n = api["meraki"] { configuration.api.meraki = try parseMeraki(n, reader, layout: configuration.layout) }
            if let n = api["max_clock_skew"] { configuration.api.maxClockSkew = try reader.positive(n, "api.max_clock_skew", atMost: Self.aDay) }
            if let n = api["max_body_bytes"] { configuration.api.maxBodyBytes = Int(try reader.positive(n, "api.max_body_bytes", unit: "bytes", atMost: 1_073_741_824)) }
            if let n = api["header_timeout"] { configuration.api.headerTimeout = try reader.positive(n, "api.header_timeout", atMost: Self.aDay) }
            if let n = api["body_timeout"] { configuration.api.bodyTimeout = try reader.positive(n, "api.body_timeout", atMost: Self.aDay) }
            if let n = api["max_connections_per_address"] {
                configuration.api.maxConnectionsPerAddress = Int(try reader.positive(n, "api.max_connections_per_address", unit: "connections", atMost: 1_000_000))
            }
            if let n = api["max_connections"] {
                configuration.api.maxConnections = Int(try reader.positive(n, "api.max_connections", unit: "connections", atMost: 1_000_000))
            }
            if let n = api["allow_unauthenticated"] { configuration.api.allowUnauthenticated = try reader.bool(n, "api.allow_unauthenticated") }
            if let n = api["tls"] {
                let tls = try reader.mapping(n, "api.tls", known: ["certificate", "key"])
                guard let certificate = tls["certificate"], let key = tls["key"] else {
                    throw reader.error(n, "api.tls", "needs both `certificate:` and `key:`, the PEM files of the API's certificate chain and its private key")
                }
                configuration.api.tls = .init(
                    certificate: path(try reader.string(certificate, "api.tls.certificate"), writtenIn: file),
                    key: path(try reader.string(key, "api.tls.key"), writtenIn: file))
            }
            if let tokens = api["tokens"] {
                configuration.api.tokens = try reader.sequence(tokens, "api.tokens").enumerated().map {
                    try reader.string($0.element, "api.tokens[\($0.offset)]")
                }
            }
            if let shared = sensorTokenNodes.first(where: { configuration.api.tokens.contains($0.token) }) {
                throw reader.error(
                    shared.node, "api.sensor_tokens.\(shared.sensor)",
                    "is also in api.tokens, so the sensor gateway holding it could read every shopper's position; give the sensor a token of its own (openssl rand -hex 16)")
            }
        }
        return configuration
    }

    private static func parseZones(_ node: Node, _ reader: YAMLReader, outline: Polygon) throws -> [Zone] {
        var zones: [Zone] = []
        for (index, item) in try reader.sequence(node, "zones").enumerated() {
            let field = "zones[\(index)]"
            let map = try reader.mapping(item, field, known: ["id", "name", "polygon", "dwell_after", "enter_after", "exit_after"])
            guard let idNode = map["id"] else { throw reader.error(item, "\(field).id", "is missing; give the zone an id") }
            let id = try reader.string(idNode, "\(field).id")
            if zones.contains(where: { $0.id == id }) {
                throw reader.error(idNode, "\(field).id", "'\(id)' is used by another zone; zone ids must be unique")
            }
            guard let polygonNode = map["polygon"] else {
                throw reader.error(item, "\(field).polygon", "is missing; give the zone's corners as [[x, y], …] in metres")
            }
            let polygon = try reader.polygon(polygonNode, "\(field).polygon")
            guard outline.contains(polygon, tolerance: 0.01) else {
                throw reader.error(polygonNode, "\(field).polygon", "zone '\(id)' reaches outside the store outline; move its corners inside")
            }
            var zone = Zone(id: id, polygon: polygon)
            if let n = map["name"] { zone.name = try reader.string(n, "\(field).name") }
            if let n = map["dwell_after"] { zone.dwellAfter = try reader.positive(n, "\(field).dwell_after", atMost: Self.aDay) }
            if let n = map["enter_after"] { zone.enterAfter = try reader.nonNegative(n, "\(field).enter_after", atMost: Self.aDay) }
            if let n = map["exit_after"] { zone.exitAfter = try reader.nonNegative(n, "\(field).exit_after", atMost: Self.aDay) }
            zones.append(zone)
        }
        return zones
    }

    private static func parseSensors(_ node: Node, _ reader: YAMLReader, outline: Polygon) throws -> [Sensor] {
        var sensors: [Sensor] = []
        let items = try reader.sequence(node, "sensors")
        guard !items.isEmpty else { throw reader.error(node, "sensors", "is empty; list at least one sensor") }
        for (index, item) in items.enumerated() {
            let field = "sensors[\(index)]"
            let map = try reader.mapping(item, field, known: ["id", "position", "radios", "path_loss", "wifi_path_loss"])
            guard let idNode = map["id"] else { throw reader.error(item, "\(field).id", "is missing; give the sensor an id") }
            let id = SensorID(try reader.string(idNode, "\(field).id"))
            if sensors.contains(where: { $0.id == id }) {
                throw reader.error(idNode, "\(field).id", "'\(id)' is used by another sensor; sensor ids must be unique")
            }
            guard let positionNode = map["position"] else {
                throw reader.error(item, "\(field).position", "is missing; give [x, y, height] in metres")
            }
            let position = try reader.point3(positionNode, "\(field).position")
            guard position.z > 0, position.z <= 30 else {
                throw reader.error(positionNode, "\(field).position", "height \(position.z) m must be above the floor and at most 30 m")
            }
            let distance = outline.contains(position.floor) ? 0 : outline.distanceToBoundary(position.floor)
            guard distance <= 5 else {
                throw reader.error(positionNode, "\(field).position", "sensor '\(id)' is \(Int(distance.rounded())) m outside the store outline; sensors must be inside or within 5 m of it")
            }
            var sensor = Sensor(id: id, position: position)
            if let n = map["radios"] {
                sensor.radios = Set(try reader.sequence(n, "\(field).radios").enumerated().map { offset, radioNode in
                    let name = try reader.string(radioNode, "\(field).radios[\(offset)]")
                    guard let radio = Radio(rawValue: name) else {
                        throw reader.error(radioNode, "\(field).radios[\(offset)]", "'\(name)' is not a radio; use ble or wifi")
                    }
                    return radio
                })
                // A sensor that listens to no radio hears nothing; leaving the list out means ble.
                guard !sensor.radios.isEmpty else {
                    throw reader.error(n, "\(field).radios", "is empty; list the radios the sensor hears (ble, wifi), or leave `radios` out for ble, the default")
                }
            }
            if let n = map["path_loss"] { sensor.pathLoss[.ble] = try parsePathLoss(n, reader, "\(field).path_loss", radio: .ble) }
            if let n = map["wifi_path_loss"] { sensor.pathLoss[.wifi] = try parsePathLoss(n, reader, "\(field).wifi_path_loss", radio: .wifi) }
            sensors.append(sensor)
        }
        return sensors
    }

    /// A sensor's path loss for `radio`: what is left out keeps the radio's default.
    static func parsePathLoss(_ node: Node, _ reader: YAMLReader, _ field: String, radio: Radio) throws -> PathLoss {
        let map = try reader.mapping(node, field, known: ["rssi_at_1m", "exponent"])
        var pathLoss = PathLoss.defaultFor(radio)
        if let n = map["rssi_at_1m"] {
            pathLoss.rssiAt1m = try reader.double(n, "\(field).rssi_at_1m")
            guard (-110.0...10.0).contains(pathLoss.rssiAt1m) else {
                throw reader.error(n, "\(field).rssi_at_1m", "\(pathLoss.rssiAt1m) dBm is not a plausible RSSI at 1 m; set it between -110 and 10 (sensors usually measure -90 to -30)")
            }
        }
        if let n = map["exponent"] {
            pathLoss.exponent = try reader.double(n, "\(field).exponent")
            guard (1.0...6.0).contains(pathLoss.exponent) else {
                throw reader.error(n, "\(field).exponent", "\(pathLoss.exponent) is not a plausible path-loss exponent; set it between 1 and 6 (indoors usually 1.5 to 4)")
            }
        }
        return pathLoss
    }

    /// The longest a presence or zone duration may be, in seconds.
    static let aDay = 86_400.0

    private static func parsePresence(_ node: Node, _ reader: YAMLReader) throws -> PresenceSettings {
        let map = try reader.mapping(node, "presence", known: [
            "enter_after", "storefront_wait", "exit_after", "engaged_after", "max_presence", "traffic_interval", "walk_in_rate",
            "walk_out_rate",
        ])
        var settings = PresenceSettings()
        // Each a time within a day: a visit, a stay or a day's presence.
        if let n = map["enter_after"] { settings.enterAfter = try reader.nonNegative(n, "presence.enter_after", atMost: Self.aDay) }
        if let n = map["storefront_wait"] {
            settings.storefrontWait = try reader.nonNegative(n, "presence.storefront_wait", atMost: Self.aDay)
        }
        if let n = map["exit_after"] { settings.exitAfter = try reader.positive(n, "presence.exit_after", atMost: Self.aDay) }
        if let n = map["engaged_after"] { settings.engagedAfter = try reader.nonNegative(n, "presence.engaged_after", atMost: Self.aDay) }
        if let n = map["max_presence"] { settings.maxPresence = try reader.positive(n, "presence.max_presence", atMost: Self.aDay) }
        if let n = map["traffic_interval"] {
            settings.trafficInterval = try reader.positive(n, "presence.traffic_interval", atMost: Self.aDay)
            // An aggregate every few seconds is a stream of events no profile store wants.
            guard settings.trafficInterval >= 60 else {
                throw reader.error(n, "presence.traffic_interval", "must be at least 60 seconds (an aggregate a minute at most), found \(settings.trafficInterval)")
            }
        }
        for (key, path) in [("walk_in_rate", \PresenceSettings.walkInRate), ("walk_out_rate", \PresenceSettings.walkOutRate)] {
            guard let n = map[key] else { continue }
            let value = try reader.double(n, "presence.\(key)")
            guard value > 0, value < 1 else {
                throw reader.error(n, "presence.\(key)", "must be a share per second between 0 and 1 (exclusive), found \(value)")
            }
            settings[keyPath: path] = value
        }
        return settings
    }

    private static func parseUpstream(_ node: Node, _ reader: YAMLReader, layout: StoreLayout) throws -> UpstreamSettings {
        let map = try reader.mapping(
            node, "upstream", known: ["url", "tokens", "batch_size", "max_buffer", "flush_interval", "ca_file"] + UpstreamSettings.brokerOptions)
        guard let urlNode = map["url"] else {
            throw reader.error(node, "upstream.url", "is missing; give the locating gateway's API, e.g. http://10.0.4.2:8080, or a broker, e.g. mqtt://10.0.4.2:1883")
        }
        let url = try reader.string(urlNode, "upstream.url")
        var settings = UpstreamSettings(url: url.hasSuffix("/") ? String(url.dropLast()) : url)
        settings.line = node.mark?.line
        if settings.viaBroker {
            // The broker checks who publishes (its users and ACL); the locating gateway's mqtt
            // source takes what is on the store's sensor topics.
            if let tokens = map["tokens"] {
                throw reader.error(tokens, "upstream.tokens", "are for an http(s) upstream; a broker checks its own users: give username and password_file")
            }
            for option in UpstreamSettings.brokerOptions {
                guard let value = map[option] else { continue }
                settings.broker[option] = try reader.string(value, "upstream.\(option)")
                settings.brokerLines[option] = value.mark?.line
            }
        } else {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw reader.error(urlNode, "upstream.url", "'\(URLRedaction.shown(url))' is not an http(s) URL like http://10.0.4.2:8080 or a broker like mqtt://10.0.4.2:1883")
            }
            if let option = UpstreamSettings.brokerOptions.first(where: { map[$0] != nil }) {
                throw reader.error(map[option], "upstream.\(option)", "is for an mqtt:// or mqtts:// upstream, but upstream.url is '\(URLRedaction.shown(url))'")
            }
            guard let tokens = map["tokens"], case .mapping(let mapping) = tokens else {
                throw reader.error(map["tokens"] ?? node, "upstream.tokens", "expected `sensor-id: token` lines, one for each sensor this gateway reports (as in the locating gateway's api.sensor_tokens)")
            }
            for (key, value) in mapping {
                let sensor = try reader.string(key, "upstream.tokens")
                guard layout.sensor(SensorID(sensor)) != nil else {
                    throw reader.error(key, "upstream.tokens.\(sensor)", "'\(sensor)' is not a sensor of the store; use one of \(layout.sensors.map(\.id.rawValue).joined(separator: ", "))")
                }
                settings.tokens[sensor] = try reader.string(value, "upstream.tokens.\(sensor)")
            }
        }
        if let n = map["batch_size"] { settings.batchSize = Int(try reader.positive(n, "upstream.batch_size", unit: "observations", atMost: 1_000_000)) }
        if let n = map["max_buffer"] { settings.maxBuffer = Int(try reader.positive(n, "upstream.max_buffer", unit: "observations", atMost: 100_000_000)) }
        if let n = map["flush_interval"] { settings.flushInterval = try reader.positive(n, "upstream.flush_interval", atMost: Self.aDay) }
        if let n = map["ca_file"] {
            guard url.hasPrefix("https://") || url.hasPrefix("mqtts://") else {
                throw reader.error(n, "upstream.ca_file", "verifies an https gateway or an mqtts broker, but upstream.url is '\(URLRedaction.shown(url))'; use https:// or mqtts:// there")
            }
            settings.caFile = path(try reader.string(n, "upstream.ca_file"), writtenIn: reader.file)
        }
        return settings
    }

    private static func parseMeraki(_ node: Node, _ reader: YAMLReader, layout: StoreLayout) throws -> MerakiSettings {
        let map = try reader.mapping(node, "api.meraki", known: ["validator", "secret", "access_points"])
        guard let validator = map["validator"] else {
            throw reader.error(node, "api.meraki.validator", "is missing; copy the validator string from the Meraki dashboard (Network-wide › General › Scanning API)")
        }
        guard let secret = map["secret"] else {
            throw reader.error(node, "api.meraki.secret", "is missing; give the shared secret entered in the Meraki dashboard for this post URL")
        }
        var settings = MerakiSettings(validator: try reader.string(validator, "api.meraki.validator"), secret: try reader.string(secret, "api.meraki.secret"))
        guard !settings.secret.isEmpty else { throw reader.error(secret, "api.meraki.secret", "is empty; a webhook without a secret would accept anyone's posts") }
        if let n = map["access_points"] {
            guard case .mapping(let mapping) = n else { throw reader.error(n, "api.meraki.access_points", "expected `ap-mac: sensor-id` lines") }
            for (key, value) in mapping {
                let mac = try reader.string(key, "api.meraki.access_points").lowercased()
                let parts = mac.split(separator: ":")
                guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) else {
                    throw reader.error(key, "api.meraki.access_points", "'\(mac)' is not an access point MAC like 00:18:0a:13:dd:b0")
                }
                let sensor = try reader.string(value, "api.meraki.access_points.\(mac)")
                // A typo would leave every reading of that access point out, said only to Meraki.
                guard layout.sensor(SensorID(sensor)) != nil else {
                    throw reader.error(value, "api.meraki.access_points.\(mac)", "'\(sensor)' is not a sensor of the store; use one of \(layout.sensors.map(\.id.rawValue).joined(separator: ", "))")
                }
                settings.accessPoints[mac] = sensor
            }
        }
        return settings
    }

    private static func parseIdentity(_ node: Node, _ reader: YAMLReader) throws -> IdentitySettings {
        let map = try reader.mapping(node, "identity", known: [
            "loyalty_uuids", "eddystone_namespaces", "globally_administered", "identity_map", "identity_keys", "retention_days",
            "anonymous_events",
        ])
        var settings = IdentitySettings()
        if let n = map["loyalty_uuids"] {
            settings.loyaltyUUIDs = try reader.sequence(n, "identity.loyalty_uuids").enumerated().map { offset, item in
                let field = "identity.loyalty_uuids[\(offset)]"
                let text = try reader.string(item, field).lowercased()
                guard UUID(uuidString: text) != nil else {
                    throw reader.error(item, field, "'\(text)' is not a UUID like f7826da6-4fa2-4e98-8024-bc5b71e0893e")
                }
                return text
            }
        }
        if let n = map["eddystone_namespaces"] {
            settings.eddystoneNamespaces = try reader.sequence(n, "identity.eddystone_namespaces").enumerated().map { offset, item in
                let field = "identity.eddystone_namespaces[\(offset)]"
                let text = try reader.string(item, field).lowercased()
                guard text.count == 20, text.allSatisfy(\.isHexDigit) else {
                    throw reader.error(item, field, "'\(text)' is not a 10-byte namespace in hex (20 digits)")
                }
                return text
            }
        }
        if let n = map["globally_administered"] { settings.globallyAdministered = try reader.bool(n, "identity.globally_administered") }
        if let n = map["identity_map"] { settings.identityMap = try reader.string(n, "identity.identity_map") }
        if let n = map["identity_keys"] { settings.identityKeys = try reader.string(n, "identity.identity_keys") }
        if let n = map["retention_days"] { settings.retentionDays = try reader.positive(n, "identity.retention_days", unit: "days", atMost: 3650) }
        if let n = map["anonymous_events"] { settings.anonymousEvents = try reader.bool(n, "identity.anonymous_events") }
        return settings
    }

    private static func parseComponents(_ node: Node, _ reader: YAMLReader, _ section: String) throws -> [ComponentSettings] {
        try reader.sequence(node, section).enumerated().map { index, item in
            let field = "\(section)[\(index)]"
            guard case .mapping(let mapping) = item else { throw reader.error(item, field, "expected a mapping with `type:`") }
            var options: [String: String] = [:]
            var lines: [String: Int] = [:]
            var mappings: [String: [String: String]] = [:]
            var mappingLines: [String: [String: Int]] = [:]
            var type: String?
            for (key, value) in mapping {
                let name = try reader.string(key, field)
                lines[name] = value.mark?.line ?? key.mark?.line
                if case .mapping(let entries) = value, name != "type" {
                    // `sensors:` of an mqtt source: node names to store sensors.
                    for (entryKey, entryValue) in entries {
                        let entry = try reader.string(entryKey, "\(field).\(name)")
                        mappings[name, default: [:]][entry] = try reader.string(entryValue, "\(field).\(name).\(entry)")
                        mappingLines[name, default: [:]][entry] = entryKey.mark?.line
                    }
                    continue
                }
                let text = try reader.string(value, "\(field).\(name)")
                if name == "type" { type = text } else { options[name] = text }
            }
            guard let type else { throw reader.error(item, "\(field).type", "is missing; say which kind this is") }
            return ComponentSettings(
                type: type, options: options, line: item.mark?.line, optionLines: lines, mappings: mappings, mappingLines: mappingLines)
        }
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        case .duplicatedKeysInMapping(_, let context):
            return context.mark.line
        default:
            return nil
        }
    }

    /// The error of a store or fitted file that is not YAML: the line at fault and what to do.
    func configurationError(file: String, text: String) -> ConfigurationError {
        ConfigurationError(
            file: file, line: repeatedKeyLine(in: text) ?? line, field: "",
            message: "is not valid YAML: \(problemText)\(fix.map { "; \($0)" } ?? "")")
    }

    /// For a key given twice, the line of its second appearance, which the parser does not give
    /// (it names the mapping): the first line at or after it that holds the key, at the key's
    /// own indentation, after one that does.
    func repeatedKeyLine(in text: String) -> Int? {
        guard case .duplicatedKeysInMapping(let duplicates, let context) = self, let key = duplicates.first else { return nil }
        let lines = text.textLines
        var indentation: Int?
        var seen = false
        for index in max(context.mark.line - 1, 0)..<lines.count {
            let line = lines[index]
            let content = line.drop { $0 == " " }
            let indent = line.count - content.count
            guard content.hasPrefix("\(key):") || content.hasPrefix("\"\(key)\":") || content.hasPrefix("'\(key)':") else { continue }
            if let indentation, indent != indentation { continue }
            if seen { return index + 1 }
            seen = true
            indentation = indent
        }
        return nil
    }

    /// What to do about a syntax error: the parser names where it noticed it, which for an
    /// unclosed bracket or quote is past the line at fault.
    /// (The message of a key given twice says what to do already.)
    var fix: String? {
        let problem = problemText
        if problem.contains("tab character") { return "indent with spaces, not tabs" }
        if case .duplicatedKeysInMapping = self { return nil }
        if problem.contains("another document") { return "a store file is one document: remove the `---` line and what follows, or merge it" }
        return "check this line and the ones before it for an unclosed bracket or quote, or indentation out of step"
    }

    var problemText: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "the key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appear\(duplicates.count == 1 ? "s" : "") twice in one mapping; keep one"
        case .reader(let problem, _, _, _):
            return problem
        default:
            // Never the whole document: only the first line of the library's message.
            return String("\(self)".split(separator: "\n").first ?? "")
        }
    }
}

extension StoreConfiguration {
    /// A path written in the store file `file`: an absolute one as it is, `-` (standard output)
    /// as it is, any other relative to the folder of the store file, not to wherever the
    /// program was started (systemd starts the daemon in /).
    public static func path(_ path: String, writtenIn file: String) -> String {
        guard !path.isEmpty, path != "-", !path.hasPrefix("/") else { return path }
        return ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
    }
}
