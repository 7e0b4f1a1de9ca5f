import Foundation
import MQTT

/// Everything published under `footfall/#`, as a profile store's bridge with its own persistent
/// session would see it: each message's event, with its topic.
public final class MQTTEventSubscriber: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [(topic: String, event: [String: Any])] = []
    private var seen: Set<String> = []
    /// What to do once so many different ids have arrived (`once(ids:_:)`).
    private var pending: (count: Int, action: @Sendable () -> Void)?
    public let client: MQTTClient

    public init(_ broker: MosquittoBroker) async throws {
        var settings = try MQTTSettings(url: broker.url, clientID: "cdp-bridge")
        settings.reconnectFirst = .milliseconds(100)
        let box = Box()
        client = try MQTTClient(settings: settings, subscriptions: ["footfall/#"]) { event in
            if case .message(let message) = event { box.subscriber?.append(message) }
        }
        box.subscriber = self
        client.start()
        guard await client.connected(within: .seconds(120)) else { throw MosquittoBroker.BrokerError("the subscriber did not connect") }
    }

    final class Box: @unchecked Sendable { weak var subscriber: MQTTEventSubscriber? }

    /// Each message is parsed once, on the client's thread: parsing them all again at every
    /// poll kept a cooperative thread busy for the whole test, starving other suites.
    func append(_ message: MQTTMessage) {
        guard let event = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any] else { return }
        let due: (@Sendable () -> Void)? = lock.withLock {
            received.append((message.topic, event))
            if let id = event["id"] as? String { seen.insert(id) }
            return takeDue()
        }
        due?()
    }

    /// Runs `action` once `count` different event ids have arrived, on the client's thread as
    /// the message that makes the count arrives (at once if they already have): what a test
    /// does at that moment happens before the next message, however starved the test is.
    public func once(ids count: Int, _ action: @escaping @Sendable () -> Void) {
        let due: (@Sendable () -> Void)? = lock.withLock {
            pending = (count, action)
            return takeDue()
        }
        due?()
    }

    /// The pending action, taken, when its count is reached; called under the lock.
    private func takeDue() -> (@Sendable () -> Void)? {
        guard let waiting = pending, seen.count >= waiting.count else { return nil }
        pending = nil
        return waiting.action
    }

    /// Each message's event, with its topic.
    public var events: [(topic: String, event: [String: Any])] { lock.withLock { received } }

    public var ids: Set<String> { lock.withLock { seen } }

    /// Waits until `count` different event ids have arrived; whether they did.
    public func wait(forIDs count: Int, timeout: Duration = .seconds(60)) async -> Bool {
        await waitUntil(timeout: timeout, every: .milliseconds(10)) { ids.count >= count }
    }
}
