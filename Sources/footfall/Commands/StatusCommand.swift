import ArgumentParser
import AsyncHTTPClient
import FootfallCore
import Forwarding
import Foundation
import Gateway
import NIOCore
import NIOSSL

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running gateway's health, sources and counters (through its API)."
    )

    @Option(help: "The store configuration; its api.listen and first token are used.")
    var config: String?

    @Option(help: "The gateway's API, e.g. http://127.0.0.1:8080 (instead of --config).")
    var url: String?

    @Option(help: "A bearer token for the API (or FOOTFALL_TOKEN in the environment, which `ps` does not show).")
    var token: String?

    @Option(name: .customLong("ca-file"), help: "PEM certificates to trust for an https --url: the gateway's own, or its CA's.")
    var caFile: String?

    func validate() throws {
        // Here, not in run: ArgumentParser then names this command's help, not footfall's.
        guard config != nil || url != nil else { throw ValidationError("give --config or --url") }
        if let url { try Self.checkURL(url, given: "--url '\(url)'") }
    }

    /// A URL the client cannot use is the user's to fix, not a gateway that does not answer.
    static func checkURL(_ base: String, given: String) throws {
        guard let parsed = URL(string: base), let scheme = parsed.scheme, ["http", "https"].contains(scheme.lowercased()), parsed.host != nil else {
            throw ValidationError("\(given) is not an http(s) URL; give the gateway's API, e.g. http://127.0.0.1:8080")
        }
    }

    func run() async throws {
        var base = url
        let environmentToken = ProcessInfo.processInfo.environment["FOOTFALL_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var bearer = token ?? environmentToken
        var trusted = caFile
        // With --config and api.tls, the API's own certificate is the one trusted, whatever name
        // it was made for: the gateway asked is the one the store file describes.
        var pinned = false
        if let config {
            let configuration = try StoreConfiguration.load(path: config)
            if let tls = configuration.api.tls, url == nil {
                base = "https://\(configuration.api.listen)"
                trusted = trusted ?? StoreConfiguration.path(tls.certificate, writtenIn: configuration.file)
                pinned = caFile == nil
            }
            base = base ?? "http://\(configuration.api.listen)"
            bearer = bearer ?? configuration.api.tokens.first
        }
        guard let base else { throw ValidationError("give --config or --url") }
        try Self.checkURL(base, given: url != nil ? "--url '\(base)'" : "'\(base)' (from api.listen in \(config ?? ""))")
        let client: HTTPClient
        if let trusted {
            // Beside the system's roots: a certificate a public CA issued verifies through them
            // (the file then holds the leaf, not the root), a store's own through the file.
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = [.file(trusted)]
            if pinned { tls.certificateVerification = .noHostnameVerification }
            client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(tlsConfiguration: tls))
        } else {
            client = HTTPClient.shared
        }
        func get(_ path: String) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: base + path)
            if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
            do {
                let response = try await client.execute(request, timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 1 << 20)
                return (Int(response.status.code), String(buffer: body))
            } catch {
                throw CommandFailure("no gateway answers at \(base) (\(HTTPTransport.describe(error))); is `footfall run` running, and is api.listen right?")
            }
        }
        // A client made here is shut down before it goes (AsyncHTTPClient requires it).
        func both() async throws -> (health: (Int, String), status: (Int, String)) {
            do {
                let answers = (try await get("/healthz"), try await get("/api/status"))
                if trusted != nil { try? await client.shutdown() }
                return answers
            } catch {
                if trusted != nil { try? await client.shutdown() }
                throw error
            }
        }
        let answers = try await both()
        let (healthCode, healthBody) = answers.health
        let (code, body) = answers.status
        guard code == 200, let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            guard code == 401 else { throw CommandFailure("the gateway answered \(code): \(body)") }
            guard bearer != nil else {
                throw CommandFailure("the gateway at \(base) wants a token and none was given; pass --token, or --config with the store file whose api.tokens the gateway runs with")
            }
            let from = token != nil ? "--token" : environmentToken != nil ? "FOOTFALL_TOKEN" : "the first of api.tokens in \(config ?? "the store file")"
            throw CommandFailure("the gateway at \(base) refused the token (\(from)); give one of the api.tokens it runs with")
        }
        print("gateway \(object["gateway"] ?? "?") of store \(object["store"] ?? "?"): \(healthCode == 200 ? "healthy" : "FAILING \(healthBody)")")
        print("ready: \((object["ready"] as? Bool) ?? false); devices tracked \(object["devices_tracked"] ?? 0), visitors present \(object["visitors_present"] ?? 0), dropped inputs \(object["dropped_inputs"] ?? 0)")
        if let started = object["started_at"] as? Double { print("up since \(RFC3339.string(started))") }
        if let last = object["last_input_at"] as? Double { print("last input at \(RFC3339.string(last))") }
        for (title, key) in [
            ("observations by sensor", "observations_by_sensor"),
            ("of those, left unplaced, too late or too far ahead (a sensor's clock off, a sensor gateway catching up)", "observations_late_by_sensor"),
            ("events by type", "events_by_type"), ("components", "components"),
        ] {
            guard let map = object[key] as? [String: Any], !map.isEmpty else { continue }
            print("\(title):")
            for name in map.keys.sorted() { print("  \(name): \(map[name]!)") }
        }
        if let points = object["survey_points"] as? Int {
            print(points > 0 ? "radio map: a survey of \(points) points" : "radio map: the path-loss models (no survey: `footfall calibrate fit` names one)")
        }
        if let ended = object["visits_ended"] as? Int, let short = object["visits_under_a_minute"] as? Int,
           let line = ReplaySummary.shortVisitsLine(ended: ended, underAMinute: short)
        {
            print(line)
        }
        if let radio = try? JSONDecoder().decode(LearntRadio.self, from: Data(body.utf8)) {
            if let line = ReplaySummary.gainsLine(radio.gains) { print(line) }
            if let line = ReplaySummary.exponentLine(radio.exponent) { print(line) }
        }
        if healthCode != 200 { throw ExitCode(1) }
    }
}
