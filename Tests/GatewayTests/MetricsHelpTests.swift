import Capture
import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Gateway
import Logging
import Storage
import Testing

/// Every metric the modules below Gateway make, as the daemon's registry exports it: with its
/// help text, in a form Prometheus's own checker accepts. The live daemon's /metrics
/// (OperatorViewTests) shows only the metrics of its own sources and sinks; this makes them all.
@Suite struct MetricsHelpTests {
    @Test func everyCaptureOutboxAndUplinkMetricHasHelpTextThatPromtoolAccepts() async throws {
        let promtool = try OperatorViewTests.promtool()
        let directory = Fixtures.temporaryDirectory("metrics")
        defer { try? FileManager.default.removeItem(at: directory) }
        let metrics = GatewayMetrics()
        let logger = Logger(label: "test")
        let database = try GatewayDatabase(path: directory.appendingPathComponent("gateway.sqlite").path)
        let health = ForwardingHealth()
        let writer = OutboxWriter(database: database, health: health, logger: logger, metricsFactory: metrics.factory)
        let forwarder = try Forwarder(
            configuration: try StoreConfiguration.load(path: Fixtures.store("demo-store").path), database: database, health: health,
            logger: logger, metricsFactory: metrics.factory)
        let uplink = ObservationUplink(options: .init(url: "http://127.0.0.1:9", tokens: [:]), logger: logger, metricsFactory: metrics.factory)
        let ble = BLECaptureMetrics(source: "h4", factory: metrics.factory)
        ble.advertisements.increment()
        let repeats = SensorBatchSequence(factory: metrics.factory)
        _ = repeats.take(sensor: "s1", stream: "a", seq: 0, count: 2)
        _ = repeats.take(sensor: "s1", stream: "a", seq: 0, count: 2)
        withExtendedLifetime((writer, forwarder, uplink)) {}

        let text = metrics.text()
        let check = try await onAThreadOfItsOwn { try OperatorViewTests.run(promtool, ["check", "metrics"], input: text) }
        #expect(check.status == 0 && check.output.isEmpty, "promtool check metrics:\n\(check.output)")
        for name in ForwardingMetricHelp.texts.keys.sorted() + BLECaptureMetrics.help.keys.sorted() + SensorBatchSequence.help.keys.sorted() {
            #expect(text.contains("# HELP \(name) "), "\(name) is exported with its help text")
        }
    }
}
