import FootfallCore
import FootfallTesting
import Foundation
import MQTT
import Testing

/// `footfall calibrate record --source live`: the store file's own sources, as `footfall run`
/// starts them — here ESPresense nodes through a real mosquitto — heard for `--seconds` at a
/// survey point, and the survey phone's readings appended.
@Suite(.serialized) struct CalibrateLiveRecordTests {
    @Test func aPointIsRecordedFromTheStoresOwnLiveSources() async throws {
        let broker = try await MosquittoBroker.start()
        let store = try MQTTDaemonTests.store(broker: broker, format: .espresense, events: MQTTDaemonTests.eventsFile())
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let publisher = try await MQTTDaemonTests.publisher(broker)
        defer { publisher.stop() }
        let log = store.directory.appendingPathComponent("record.log")
        let running = try FootfallProcess.start(
            ["calibrate", "record", "--store", store.config, "--at", "4,4", "--seconds", "4", "--source", "live"], logFile: log)
        try #require(await waitUntil { broker.hasSubscription(to: "espresense/devices/+/+") }, "\(running.log)\(broker.log)")
        // The nodes report the phone, as they do, until the command has heard its seconds.
        while running.isRunning {
            try await publisher.publish(MQTTDaemonTests.reports(.espresense), timeout: .seconds(60))
            _ = await waitUntil(timeout: .milliseconds(200)) { !running.isRunning }
        }
        #expect(running.process.terminationStatus == 0, "\(running.log)")
        #expect(running.log.contains("appended") && running.log.contains("from 4 of 4 sensors at (4.0, 4.0) in front"), "\(running.log)")
        let survey = try SurveyCodec.readSurvey(path: store.directory.appendingPathComponent("survey.csv").path)
        #expect(survey.count >= 4 && Set(survey.map(\.sensor)) == ["s1", "s2", "s3", "s4"])
        #expect(survey.allSatisfy { $0.device.rawValue == "ibeacon:\(MQTTDaemonTests.uuid):1:7" && $0.point == Point(x: 4, y: 4) })
        for address in MQTTDaemonTests.addresses { #expect(!running.log.contains(address)) }
    }

    /// Sources that replay recordings are not live: said, with what to do instead.
    @Test func aStoreWhoseSourcesReplayARecordingIsToldToRecordFromIt() async throws {
        let directory = Fixtures.temporaryDirectory("record-live")
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("walk.csv").path
        try "time,sensor,device,rssi\n1,s1,phone,-60\n".write(toFile: trace, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("store.yaml").path
        try (try Fixtures.demoStoreWithoutSources() + "\nsources:\n  - type: trace\n    path: \(trace)\n").write(toFile: config, atomically: true, encoding: .utf8)
        let result = try await FootfallProcess.run(["calibrate", "record", "--store", config, "--at", "12.5,4", "--seconds", "1", "--source", "live"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("replay recordings; record from the recording itself (--source trace:FILE"), "\(result.standardError)")
    }
}
