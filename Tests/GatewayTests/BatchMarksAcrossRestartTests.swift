import FootfallTesting
import Foundation
import Testing

/// A sensor gateway's batch taken just before the locating gateway stopped, whose answer was
/// lost, is sent again once the gateway is back: the daemon kept its batch numbers at the stop
/// and leaves the batch out (audit: the numbers lived in memory only, and it was taken twice).
/// The real daemon, stopped by SIGTERM as systemd stops it, started again on the same data.
@Suite struct BatchMarksAcrossRestartTests {
    static func batch(sentAt: Double) -> String {
        let items = (0..<3).map { #"{"time":\#(sentAt - 2 + Double($0) / 2),"device":"ble-rpa:40:00:00:00:00:0\#($0)","rssi":\#(-60 - $0)}"# }
        return #"{"sensor":"s1","stream":"gw-a","seq":0,"sent_at":\#(sentAt),"observations":[\#(items.joined(separator: ","))]}"#
    }

    @Test func aBatchSentAgainToTheDaemonStartedAgainIsTakenOnce() async throws {
        let store = try DaemonSourceTests.store(
            sources: "  - type: simulate\n    speed: 20\n",
            api: "api:\n  listen: 127.0.0.1:0\n  tokens: [t]\n  sensor_tokens:\n    s1: sensor-one\n")
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let (first, client) = try await DaemonSourceTests.start(store)
        defer { first.kill() }
        let taken = try await DaemonClient(port: client.port, token: "sensor-one")
            .post("/api/observations", body: Self.batch(sentAt: Date().timeIntervalSince1970))
        #expect(taken.status == 202 && taken.json?["accepted"] as? String == "3", "\(taken.body)")
        #expect(await first.killOnItsOwnThread(SIGTERM), "\(first.log.suffix(1_500))")

        let (second, restarted) = try await DaemonSourceTests.start(store)
        defer { second.kill() }
        // Sent again as the sensor gateway sends it: the same stream and numbers.
        let again = try await DaemonClient(port: restarted.port, token: "sensor-one")
            .post("/api/observations", body: Self.batch(sentAt: Date().timeIntervalSince1970))
        #expect(again.status == 202, "\(again.body)")
        #expect(again.json?["accepted"] as? String == "0" && again.json?["repeated"] as? String == "3", "\(again.body)\n\(second.log.suffix(1_500))")
        #expect(await second.killOnItsOwnThread(SIGTERM))
    }
}
