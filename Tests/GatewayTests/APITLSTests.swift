import AsyncHTTPClient
import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Logging
import NIOCore
import NIOSSL
import Testing

/// Issue #16: the API over https (`api.tls`) with certificates made by `openssl` in the test,
/// a renewed certificate taken on SIGHUP without a restart, and a sensor gateway's uplink that
/// trusts only the certificate it is given (`upstream.ca_file`).
@Suite struct APITLSTests {
    /// A client that trusts only `certificate`.
    static func client(trusting certificate: TestCertificate, tls12Ciphers: String? = nil) -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(certificate.certificate)
        if let tls12Ciphers {
            tls.maximumTLSVersion = .tlsv12
            tls.cipherSuites = tls12Ciphers
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool.retryConnectionEstablishment = false
        // One connection a request: each request sees the certificate served at that moment.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1
        configuration.connectionPool.idleTimeout = .milliseconds(1)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The status of `GET /healthz` over https, or nil when the request failed (TLS refused).
    static func health(_ client: HTTPClient, port: Int) async -> Int? {
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/healthz")
        request.headers.add(name: "Connection", value: "close")
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 1 << 16)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }

    /// Replaces the file at `path` whole (written beside it, then renamed), as a renewal does.
    static func replace(_ path: String, with source: String) throws {
        let temporary = path + ".new"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: source, toPath: temporary)
        _ = rename(temporary, path)
    }

    @Test func theAPIServesHTTPSTakesARenewedCertificateOnSIGHUPAndTheUplinkTrustsOnlyItsGateway() async throws {
        let directory = Fixtures.temporaryDirectory("tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try TestCertificate.make("first", in: directory)
        let renewed = try TestCertificate.make("renewed", in: directory)
        let served = directory.appendingPathComponent("api.crt").path, key = directory.appendingPathComponent("api.key").path
        try Self.replace(served, with: first.certificate)
        try Self.replace(key, with: first.key)
        let store = try DaemonSourceTests.store(
            sources: "  - type: simulate\n",
            api: "api:\n  listen: 127.0.0.1:0\n  tokens: [t]\n  sensor_tokens:\n    s1: sensor-one\n  tls:\n    certificate: \(served)\n    key: \(key)\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (daemon, client) = try await DaemonSourceTests.start(store)
        defer { daemon.kill() }
        #expect(daemon.log.contains("scheme=https"))
        let port = client.port
        let trustsFirst = Self.client(trusting: first), trustsRenewed = Self.client(trusting: renewed)

        #expect(await Self.health(trustsFirst, port: port) == 200)
        #expect(await Self.health(trustsRenewed, port: port) == nil, "a client trusting another certificate was answered")
        // TLS 1.2 only with forward secrecy and an AEAD: a client offering static RSA or CBC
        // with SHA-1 is refused.
        for (ciphers, answered) in [("AES128-SHA:AES256-GCM-SHA384", false), ("ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA", false),
                                    ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", true)] {
            let offering = Self.client(trusting: first, tls12Ciphers: ciphers)
            #expect(await Self.health(offering, port: port) == (answered ? 200 : nil), "TLS 1.2 offering \(ciphers)")
            try await offering.shutdown()
        }
        // Plain http on the https port gets no answer.
        let plain = try? await client.get("/healthz")
        #expect(plain?.status != 200)
        // `footfall status` over https, trusting the certificate given, the token from the
        // environment rather than the command line; trusting another, it says why not.
        let status = try await FootfallProcess.run(
            ["status", "--url", "https://127.0.0.1:\(port)", "--ca-file", first.certificate], environment: ["FOOTFALL_TOKEN": "t"])
        #expect(status.status == 0, "\(status.standardError)")
        #expect(status.standardOutput.contains(": healthy"), "\(status.standardOutput)")
        // With --config: https because the store file has api.tls, its certificate trusted
        // whatever name it was made for, the first of api.tokens sent.
        let copy = try String(contentsOfFile: store.config, encoding: .utf8)
            .replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(port)")
        let copyPath = store.directory.appendingPathComponent("asked.yaml").path
        try copy.write(toFile: copyPath, atomically: true, encoding: .utf8)
        let byConfig = try await FootfallProcess.run(["status", "--config", copyPath])
        #expect(byConfig.status == 0, "\(byConfig.standardError)")
        #expect(byConfig.standardOutput.contains(": healthy"), "\(byConfig.standardOutput)")
        let distrust = try await FootfallProcess.run(
            ["status", "--url", "https://127.0.0.1:\(port)", "--ca-file", renewed.certificate], environment: ["FOOTFALL_TOKEN": "t"])
        #expect(distrust.status != 0)
        #expect(distrust.standardError.contains("no gateway answers at https://127.0.0.1:\(port)"), "\(distrust.standardError)")

        // Renewed: the files replaced and SIGHUP, the same process serves the new certificate.
        try Self.replace(served, with: renewed.certificate)
        try Self.replace(key, with: renewed.key)
        _ = kill(daemon.pid, SIGHUP)
        var reloaded = false
        // The daemon logs the reload just after it swaps the certificate: wait for both.
        _ = await waitUntil(timeout: .seconds(120), every: .milliseconds(100)) {
            reloaded = await Self.health(trustsRenewed, port: port) == 200
            return (reloaded && daemon.log.contains("reloaded the API's certificate")) || !daemon.isRunning
        }
        #expect(reloaded, "\(daemon.log.suffix(1_500))")
        #expect(daemon.isRunning)
        #expect(daemon.log.contains("reloaded the API's certificate"))
        #expect(await Self.health(trustsFirst, port: port) == nil, "the old certificate is still served")

        // A sensor gateway's uplink trusting the old certificate refuses the gateway; trusting
        // the one served, it delivers.
        func uplink(trusting certificate: TestCertificate) -> ObservationUplink {
            ObservationUplink(
                options: .init(
                    url: "https://127.0.0.1:\(port)", tokens: ["s1": "sensor-one"], batchSize: 10, flushInterval: .milliseconds(20),
                    backoff: Backoff(base: .milliseconds(50), cap: .milliseconds(200)), caFile: certificate.certificate),
                logger: Logger(label: "test"))
        }
        let observation = Observation(time: Date().timeIntervalSince1970, sensor: "s1", device: "ble:c0:ff:ee:00:00:01", rssi: -60)
        let refusing = uplink(trusting: first)
        let refusingRun = Task { await refusing.run() }
        refusing.append(observation)
        _ = await waitUntil(timeout: .seconds(300)) { refusing.status.lastFailure != nil }
        #expect(refusing.status.lastFailure != nil)
        #expect(refusing.status.sent == 0)
        refusing.finish()
        await refusingRun.value

        let trusting = uplink(trusting: renewed)
        let trustingRun = Task { await trusting.run() }
        trusting.append(observation)
        trusting.finish()
        await trustingRun.value
        #expect(trusting.status.sent == 1, "\(String(describing: trusting.status.lastFailure))")

        try await trustsFirst.shutdown()
        try await trustsRenewed.shutdown()
    }
}
