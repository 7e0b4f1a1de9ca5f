import FootfallTesting
import Foundation
import Testing

/// packaging/footfall.service's `ExecStart`, run as systemd runs a `Type=notify` service: with a
/// NOTIFY_SOCKET to say when it is ready, stopped with SIGTERM (its `KillSignal`).
@Suite struct ServiceUnitTests {
    /// The unit's `key=value` lines, in order.
    static func unit() throws -> [(key: String, value: String)] {
        let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("packaging/footfall.service"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    @Test func theServiceRunsAsItsOwnUserWithCaptureCapabilitiesOnly() throws {
        let unit = try Self.unit()
        func values(_ key: String) -> [String] { unit.filter { $0.key == key }.map(\.value) }
        #expect(values("Type") == ["notify"])
        #expect(values("User") == ["footfall"])
        #expect(values("Restart") == ["on-failure"])
        #expect(values("AmbientCapabilities") == ["CAP_NET_RAW CAP_NET_ADMIN"])
        #expect(values("CapabilityBoundingSet") == ["CAP_NET_RAW CAP_NET_ADMIN"])
        #expect(values("NoNewPrivileges") == ["yes"])
        #expect(values("ProtectSystem") == ["strict"])
        #expect(values("ReadWritePaths") == ["/var/lib/footfall"])
        // A jsonl sink's documented path (docs/delivery.md) is writable under ProtectSystem=strict.
        #expect(values("LogsDirectory") == ["footfall"])
        #expect(values("KillSignal") == ["SIGTERM"])
    }

    @Test func execStartRunsTheDemoStoreSaysReadyAnswersHealthzAndDrainsOnSIGTERM() async throws {
        let directory = Fixtures.temporaryDirectory("footfall-unit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("store.yaml")
        try FileManager.default.copyItem(at: Fixtures.store("demo-store"), to: store)
        let data = directory.appendingPathComponent("data")
        let execStart = try #require(Self.unit().first { $0.key == "ExecStart" }?.value)
        // The installed paths become this test's; FOOTFALL_OPTIONS (/etc/default/footfall) asks
        // for a free port instead of the demo store's 8080.
        let words = execStart.split(separator: " ").map(String.init)
        #expect(words.first == "/usr/bin/footfall")
        let arguments = words.dropFirst().flatMap { word -> [String] in
            switch word {
            case "/etc/footfall/store.yaml": return [store.path]
            case "/var/lib/footfall": return [data.path]
            case "$FOOTFALL_OPTIONS": return ["--listen", "127.0.0.1:0"]
            default: return [word]
            }
        }
        let notify = try NotifySocket(in: directory)
        let daemon = try FootfallProcess.start(
            arguments, currentDirectory: URL(fileURLWithPath: "/"), logFile: directory.appendingPathComponent("daemon.log"),
            environment: ["NOTIFY_SOCKET": notify.path])
        defer { if daemon.isRunning { daemon.kill() } }
        #expect(try await notify.wait(for: "READY=1", timeout: .seconds(120)), "\(daemon.log)")
        let client = try await DaemonClient(daemon, token: nil)
        // systemctl status shows the port bound, not the 0 asked for.
        #expect(notify.messages.contains { $0.contains("STATUS=listening on http://127.0.0.1:\(client.port)") }, "\(notify.messages)")
        let health = try await client.get("/healthz")
        #expect(health.status == 200, "\(health.body)")
        daemon.kill(SIGTERM)
        #expect(try await notify.wait(for: "STOPPING=1", timeout: .seconds(30)), "\(daemon.log)")
        #expect(daemon.process.terminationStatus == 0, "\(daemon.log)")
    }
}
