import FootfallCore
import Foundation

extension MQTTSettings {
    /// The connection options an `mqtt` source and an `mqtt` sink share (docs/configuration.md).
    public static let optionNames: Set<String> = [
        "url", "client_id", "keep_alive", "username", "password_file", "password_env", "ca_file", "cert_file", "key_file",
    ]

    /// The broker settings of a `sources:` or `sinks:` item. `fail(option, message)` makes the
    /// error naming the option's line; paths are relative to the store file; the password is
    /// read here (from `password_file` or the variable `password_env` names) and never echoed.
    public init(
        options: [String: String], storeFile: String, defaultClientID: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fail: (_ option: String, _ message: String) -> ConfigurationError
    ) throws(ConfigurationError) {
        guard let url = options["url"] else { throw fail("url", "is missing; give the broker, e.g. mqtt://127.0.0.1:1883 or mqtts://broker.example.com:8883") }
        do {
            // The default is made of the store's and gateway's ids, which may hold spaces: those
            // become `_` rather than refuse an option the user never wrote.
            try self.init(url: url, clientID: options["client_id"] ?? Self.usable(defaultClientID))
        } catch {
            throw fail("url", error.description)
        }
        guard !clientID.isEmpty, clientID.utf8.count <= 256, !clientID.contains(where: \.isWhitespace) else {
            throw fail("client_id", "'\(clientID)' is not a usable client id; use a short name without spaces, unique at the broker")
        }
        if let text = options["keep_alive"] {
            guard let seconds = Int(text), (5...3600).contains(seconds) else {
                throw fail("keep_alive", "'\(text)' is not a whole number of seconds from 5 to 3600")
            }
            keepAlive = seconds
        }
        username = options["username"]
        switch (options["password_file"], options["password_env"]) {
        case (.some, .some):
            throw fail("password_env", "give the password one way: password_file or password_env, not both")
        case (.some(let file), nil):
            let path = StoreConfiguration.path(file, writtenIn: storeFile)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw fail("password_file", "\(path) cannot be read; create it readable by the footfall user only (chmod 0640, group footfall) with the password on one line")
            }
            password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        case (nil, .some(let variable)):
            guard let value = environment[variable] else {
                throw fail("password_env", "the environment has no \(variable); set it for the daemon (for the service in /etc/default/footfall, root's alone: mode 0600) or use password_file")
            }
            password = value
        case (nil, nil):
            break
        }
        if password != nil, username == nil {
            throw fail("username", "is missing; a password is sent with a user name")
        }
        for (option, keyPath) in [("ca_file", \MQTTSettings.caFile), ("cert_file", \.certFile), ("key_file", \.keyFile)] {
            guard let file = options[option] else { continue }
            let path = StoreConfiguration.path(file, writtenIn: storeFile)
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw fail(option, "\(path) cannot be read; give a PEM file readable by the footfall user")
            }
            self[keyPath: keyPath] = path
        }
        if caFile != nil || certFile != nil, !tls {
            throw fail(caFile != nil ? "ca_file" : "cert_file", "certificates are for TLS; use an mqtts:// URL")
        }
        if (certFile == nil) != (keyFile == nil) {
            throw fail(certFile == nil ? "cert_file" : "key_file", "a client certificate needs both cert_file and key_file")
        }
    }

    /// `id` with whitespace and control characters as `_`, cut to 256 bytes: a default client id
    /// every broker takes.
    static func usable(_ id: String) -> String {
        var usable = String(id.map { $0.isWhitespace || $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } ? "_" : $0 })
        while usable.utf8.count > 256 { usable.removeLast() }
        return usable
    }
}
