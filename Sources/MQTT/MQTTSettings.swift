/// How to reach a broker and who to be there: everything `MQTTClient` needs, already checked.
/// A password is held here only; nothing prints it (`description` leaves it out).
public struct MQTTSettings: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// `mqtts://`: TLS, verified against `caFile` or, without one, the system's trust roots.
    public var tls: Bool
    /// The session's name at the broker: with `cleanSession` false the broker keeps the
    /// subscriptions and queues QoS 1 messages for it while it is away, so it must be stable.
    public var clientID: String
    public var cleanSession = false
    /// Seconds between pings when nothing else is sent; the broker drops a client silent for 1.5 times this.
    public var keepAlive = 30
    public var username: String?
    public var password: String?
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    /// Waits between attempts to connect: doubling from the first to the last.
    public var reconnectFirst: Duration = .seconds(1)
    public var reconnectMaximum: Duration = .seconds(30)
    /// QoS 1 messages sent and not yet acknowledged at once (libmosquitto's default of 20 caps a
    /// batch's throughput on a long round trip). Over MQTT 5 the broker's Receive Maximum caps it
    /// too: mosquitto sends its `max_inflight_messages` (20 by default) as that.
    public var maxInflight = 1000
    /// Speak MQTT 5, whose acknowledgments say when the broker refused a message (its ACL, its
    /// size limit), and 3.1.1 to a broker that does not speak 5. Publishers ask for it; a
    /// subscriber keeps 3.1.1, whose persistent session lasts without a session expiry.
    public var prefersMQTT5 = false

    public init(host: String, port: Int, tls: Bool = false, clientID: String) {
        self.host = host
        self.port = port
        self.tls = tls
        self.clientID = clientID
    }

    /// `mqtt://host[:port]` (1883) or `mqtts://host[:port]` (8883); credentials never go in the URL.
    public init(url: String, clientID: String) throws(MQTTError) {
        let scheme: String
        if url.hasPrefix("mqtt://") { scheme = "mqtt" } else if url.hasPrefix("mqtts://") { scheme = "mqtts" } else {
            throw MQTTError.invalid("'\(url)' is not an mqtt:// or mqtts:// URL like mqtt://127.0.0.1:1883")
        }
        var rest = Substring(url.dropFirst(scheme.count + 3))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("@") else {
            throw MQTTError.invalid("'\(scheme)://…@…' carries credentials; give `username:` and `password_file:` (or `password_env:`) instead, so the password is never in the store file")
        }
        guard !rest.contains("/") else { throw MQTTError.invalid("'\(url)' has a path; a broker URL is only mqtt://host:port") }
        var host = rest
        var port = scheme == "mqtts" ? 8883 : 1883
        if rest.hasPrefix("[") {
            // An IPv6 literal, [::1]:1883.
            guard let close = rest.firstIndex(of: "]") else { throw MQTTError.invalid("'\(url)' has an unclosed [ in its host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65_535).contains(p) else { throw MQTTError.invalid("'\(url)' has no valid port (1 to 65535)") }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(p) else {
                throw MQTTError.invalid("'\(url)' has no valid port (1 to 65535)")
            }
            port = p
        }
        guard !host.isEmpty else { throw MQTTError.invalid("'\(url)' names no host") }
        self.init(host: String(host), port: port, tls: scheme == "mqtts", clientID: clientID)
    }

    /// The broker as a URL, for logs and status lines (no user, no password).
    public var url: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "\(tls ? "mqtts" : "mqtt")://\(shown):\(port)"
    }

    public var description: String {
        "\(url) as '\(clientID)'\(username.map { " (user \($0))" } ?? "")"
    }
}
