import FootfallCore
import FootfallTesting
import Forwarding
import Foundation
import Logging
import MQTT
import Storage
import Synchronization
import Testing

/// Publishers speak MQTT 5, whose PUBACK says when the broker refused a message: an event its
/// ACL refuses, or one over its size limit, was counted delivered over 3.1.1 and lost (audit).
/// Against a real mosquitto with an ACL and a `message_size_limit`, and a broker that speaks
/// 3.1.1 only.
@Suite(.serialized) struct MQTT5AcknowledgmentTests {
    /// Anonymous clients may read everything and write store.entered and zone.dwell events only.
    static let acl = [
        "topic read footfall/#",
        "topic write footfall/test-store/events/store.entered",
        "topic write footfall/test-store/events/zone.dwell",
    ]

    @Test func eventsTheBrokersACLRefusesAreDeadLettersAndTheRestAreDelivered() async throws {
        let broker = try await MosquittoBroker.start(acl: Self.acl)
        let subscriber = try await MQTTEventSubscriber(broker)
        defer { subscriber.client.stop() }
        let harness = try DeliveryHarness()
        // Five types in turn: store.entered, zone.entered, zone.dwell, zone.exited, store.exited.
        let events = TestEvents.make(count: 50)
        try harness.append(events)
        let (_, task) = harness.start([try MQTTSinkTests.sink(broker)])
        defer { task.cancel() }
        let allowed = events.filter { $0.type == .storeEntered || $0.type == .zoneDwell }
        #expect(await subscriber.wait(forIDs: allowed.count), "\(broker.log)")
        try await harness.waitUntilSettled()
        let status = try await harness.database.outboxStatus()
        #expect(status.first?.pending == 0 && status.first?.dead == events.count - allowed.count, "\(status)")
        let dead = try harness.database.letters(state: "dead")
        #expect(Set(dead.map(\.eventID)) == Set(events.filter { !allowed.contains($0) }.map(\.id)))
        #expect(dead.first?.reason.contains("not authorised") == true && dead.first?.reason.contains("footfall/test-store/events/") == true, "\(dead.first?.reason ?? "")")
        #expect(subscriber.ids == Set(allowed.map(\.id)))
    }

    @Test func aMessageOverTheBrokersSizeLimitIsRefusedByIndexAndTheOthersArrive() async throws {
        let broker = try await MosquittoBroker.start(messageSizeLimit: 200)
        let received = Mutex<[String]>([])
        let subscriber = try MQTTClient(settings: try MQTTSettings(url: broker.url, clientID: "size-listener"), subscriptions: ["footfall/t/#"]) { event in
            if case .message(let message) = event { received.withLock { $0.append(message.topic) } }
        }
        subscriber.start()
        defer { subscriber.stop() }
        try #require(await waitUntil { broker.hasSubscription(to: "footfall/t/#") }, "\(broker.log)")
        let client = try MQTTClient(settings: Self.speaking5(broker.url))
        client.start()
        defer { client.stop() }
        #expect(await client.connected(within: .seconds(60)))
        #expect(client.speaksMQTT5)
        let messages = [
            MQTTMessage(topic: "footfall/t/a", text: "small"),
            MQTTMessage(topic: "footfall/t/b", text: String(repeating: "x", count: 500)),
            MQTTMessage(topic: "footfall/t/c", text: "small too"),
        ]
        let refused: [Int: MQTTRefusal]
        do { refused = try await client.publish(messages, timeout: .seconds(60)) } catch {
            Issue.record("\(error): \(broker.log)")
            return
        }
        #expect(refused.keys.sorted() == [1], "\(refused)")
        #expect(refused[1]?.isFinal == true && refused[1]?.description.contains("larger than the broker takes") == true)
        #expect(await waitUntil { received.withLock { $0 }.count == 2 }, "the others arrive")
        #expect(received.withLock { $0 } == ["footfall/t/a", "footfall/t/c"])
    }

    @Test func aRefusalForNowRetriesTheBatchAndOneForGoodDeadLettersOnlyItsEvent() {
        let quota = MQTTRefusal(reasonCode: 0x97, topic: "footfall/s/events/zone.dwell")
        let acl = MQTTRefusal(reasonCode: 0x87, topic: "footfall/s/events/zone.exited")
        #expect(!quota.isFinal && acl.isFinal)
        guard case .retry(let reason, _) = MQTTTransport.outcome([0: acl, 3: quota]) else {
            Issue.record("a refusal for now is a retry of the batch")
            return
        }
        #expect(reason.contains("quota exceeded"))
        guard case .deliveredExcept(let dead) = MQTTTransport.outcome([2: acl]) else {
            Issue.record("a refusal for good is a dead letter of that event")
            return
        }
        #expect(dead.keys.sorted() == [2] && dead[2]?.reason.contains("not authorised") == true)
        #expect(MQTTTransport.outcome([:]) == .delivered)
    }

    @Test func aBrokerThatSpeaks311OnlyIsSpokenTo311AfterItsRefusal() async throws {
        let broker = try MQTT311Broker()
        defer { broker.stop() }
        let disconnections = Mutex<[String]>([])
        let client = try MQTTClient(settings: Self.speaking5(broker.url)) { event in
            if case .disconnected(let reason, _) = event { disconnections.withLock { $0.append(reason) } }
        }
        client.start()
        defer { client.stop() }
        #expect(await client.connected(within: .seconds(60)), "\(disconnections.withLock { $0 })")
        #expect(broker.connectLevels == [5, 4])
        #expect(!client.speaksMQTT5)
        #expect(client.fallBackToReport() && !client.fallBackToReport(), "said once, by the client's owner")
        #expect(disconnections.withLock { $0 }.first?.contains("does not speak MQTT 5") == true)
        let refused = try await client.publish([MQTTMessage(topic: "footfall/t/a", text: "hello")], timeout: .seconds(60))
        #expect(refused.isEmpty)
        #expect(broker.publishedTopics == ["footfall/t/a"])
    }

    @Test func aSensorGatewaysBatchTheBrokerRefusesIsKeptWithTheSensorShownRefused() async throws {
        let broker = try await MosquittoBroker.start(acl: ["topic write footfall/test-store/sensors/s1"])
        let send = try ObservationUplink.publishing(
            to: MQTTSettings(url: broker.url, clientID: "uplink-test"), store: "test-store", timeout: .seconds(60))
        // Its first sends may come before the client has connected (it waits 5 s a send).
        #expect(await waitUntil { await send(SensorID("s1"), Array("{}".utf8), nil) == .delivered })
        guard case .rejected(let reason) = await send(SensorID("s2"), Array("{}".utf8), nil) else {
            Issue.record("a batch on a topic the broker refuses is not sent")
            return
        }
        #expect(reason.reason.contains("footfall/test-store/sensors/s2") && reason.reason.contains("not authorised"), "\(reason)")
    }

    /// A sensor gateway's batch over the broker's size limit is sent in smaller batches until
    /// they fit, as a 413 over HTTP is: refused as it was, the sensor's readings stopped for good.
    @Test func aSensorGatewaysBatchOverTheBrokersSizeLimitIsSplitUntilItFits() async throws {
        let broker = try await MosquittoBroker.start(messageSizeLimit: 700)
        let received = Mutex<Int>(0)
        let subscriber = try MQTTClient(settings: try MQTTSettings(url: broker.url, clientID: "locating"), subscriptions: ["footfall/test-store/sensors/#"]) { event in
            guard case .message(let message) = event,
                  let batch = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
                  let items = batch["observations"] as? [Any] else { return }
            received.withLock { $0 += items.count }
        }
        subscriber.start()
        defer { subscriber.stop() }
        try #require(await waitUntil { broker.hasSubscription(to: "footfall/test-store/sensors/#") }, "\(broker.log)")
        let uplink = ObservationUplink(
            options: .init(url: broker.url, tokens: [:], batchSize: 20, flushInterval: .milliseconds(20), backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(100))),
            logger: Logger(label: "test"),
            send: try ObservationUplink.publishing(to: MQTTSettings(url: broker.url, clientID: "sensor-gw"), store: "test-store", timeout: .seconds(60)))
        for i in 0..<20 {
            uplink.append(Observation(time: 1_767_603_600 + Double(i), sensor: "s1", device: DeviceID("ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:\(i)"), rssi: -70, radio: .ble))
        }
        let running = Task { await uplink.run() }
        #expect(await waitUntil { received.withLock { $0 } == 20 }, "\(uplink.status)")
        uplink.finish()
        await running.value
        #expect(uplink.status.sent == 20 && uplink.status.buffered == 0, "\(uplink.status)")
    }

    static func speaking5(_ url: String) throws -> MQTTSettings {
        var settings = try MQTTSettings(url: url, clientID: "mqtt5-test-\(UUID().uuidString.prefix(8))")
        settings.prefersMQTT5 = true
        return settings
    }
}
