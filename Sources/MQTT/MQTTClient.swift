internal import CMosquitto
import FootfallCore
import Foundation
import Synchronization

/// A connection to an MQTT broker through libmosquitto, kept up by a thread of its own: it
/// connects, resubscribes, and after a refusal or a lost connection tries again with back-off
/// (FootfallCore's `Backoff`, doubling from `reconnectFirst` to `reconnectMaximum`), reporting
/// each change as an `Event`.
/// QoS 1 publishes are awaited until the broker acknowledges them. With
/// `MQTTSettings.prefersMQTT5` the client speaks MQTT 5, whose PUBACK says when the broker
/// refused a message (its ACL, its size limit), and speaks 3.1.1 from then on to a broker that
/// answers the first CONNECT with "unacceptable protocol version" (MQTT 3.1.1, 3.1.2.2).
///
/// Events are delivered on the client's thread, in order; a handler should return quickly.
/// Messages come as they are read from the socket, each as soon as it is whole; `caughtUp`
/// follows once those that had arrived are all delivered and `batchWindow` has passed since the
/// first of them, so a handler may gather messages and hand them on together (one hand-off for
/// the dozens that arrive within a few milliseconds under load, instead of one each).
public final class MQTTClient: Sendable {
    public enum Event: Sendable {
        /// The broker accepted the connection; `sessionPresent` when it kept the session (and
        /// the messages queued for it) from before.
        case connected(sessionPresent: Bool)
        /// A connection attempt failed or an open connection was lost; `retryIn` is the wait
        /// before the next attempt.
        case disconnected(reason: String, retryIn: Duration)
        case message(MQTTMessage)
        /// The messages that had arrived are all delivered (at least one since the last
        /// `caughtUp`, the first of them `batchWindow` ago or more, or the connection ended).
        case caughtUp
        /// A subscription could not be made (libmosquitto refused the filter) or the broker
        /// refused it (SUBACK 0x80: its ACL): nothing of `filter` will come.
        case subscriptionRefused(filter: String, reason: String)
    }

    public let settings: MQTTSettings
    /// Topic filters subscribed to on every connection, at QoS `subscriptionQoS`.
    public let subscriptions: [String]
    public let subscriptionQoS: Int
    /// How long after a message `caughtUp` may wait for more (zero: once those read are delivered).
    public let batchWindow: Duration
    let onEvent: @Sendable (Event) -> Void
    /// libmosquitto's client; its calls are thread-safe with `mosquitto_threaded_set`.
    nonisolated(unsafe) let handle: OpaquePointer
    let state = Mutex(State())
    /// A message was delivered since the last `caughtUp` (touched on the client's thread only).
    private let delivered = Atomic<Bool>(false)

    struct State {
        var started = false
        var stopping = false
        var connected = false
        /// Why the broker refused the last CONNECT (CONNACK code), for the next report.
        var refusal: String?
        var sessionPresent = false
        /// Message ids of the batch being published that the broker has not acknowledged.
        var outstanding: Set<Int32> = []
        /// Acknowledgments that arrived before `mosquitto_publish` returned their id, with
        /// their reason codes.
        var early: [Int32: Int32] = [:]
        /// The MQTT 5 reason codes of failure the batch's acknowledgments carried, by message id.
        var refused: [Int32: Int32] = [:]
        /// Speaking MQTT 5 (false from the start without `prefersMQTT5`, or once the broker
        /// refused it).
        var mqtt5 = false
        /// The broker refused MQTT 5: the next attempt speaks 3.1.1, at once.
        var fallBack = false
        /// It did, and no one has said so yet (`fallBackToReport`).
        var fallBackUnreported = false
        var waiter: CheckedContinuation<Result<Void, MQTTError>, Never>?
        /// Why the batch being published failed before anyone waited for it.
        var failure: String?
        /// Why the last connection attempt failed or the connection was lost.
        var lastFailure: String?
        /// The filter of each SUBSCRIBE not yet answered, by message id.
        var subscribing: [Int32: String] = [:]
    }

    private static let library: Void = { _ = mosquitto_lib_init() }()

    /// Makes the client (nothing is sent until `start`); throws for settings libmosquitto refuses
    /// (an unreadable certificate or key).
    public init(
        settings: MQTTSettings, subscriptions: [String] = [], subscriptionQoS: Int = 1, batchWindow: Duration = .zero,
        onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) throws(MQTTError) {
        Self.library
        guard let handle = mosquitto_new(settings.clientID, settings.cleanSession, nil) else {
            throw MQTTError.invalid("libmosquitto could not make a client: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        self.settings = settings
        self.subscriptions = subscriptions
        self.subscriptionQoS = subscriptionQoS
        self.batchWindow = batchWindow
        self.onEvent = onEvent
        mosquitto_threaded_set(handle, true)
        _ = mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(settings.prefersMQTT5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311))
        state.withLock { $0.mqtt5 = settings.prefersMQTT5 }
        _ = mosquitto_max_inflight_messages_set(handle, UInt32(settings.maxInflight))
        if let username = settings.username {
            try check(mosquitto_username_pw_set(handle, username, settings.password), "the user name or password")
        }
        if settings.tls {
            if settings.caFile == nil {
                try check(mosquitto_int_option(handle, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "the system's trust roots")
            }
            // Always, the system's folder of roots standing for a CA file: libmosquitto sets TLS
            // up again at every reconnect from what this gave it, and with the system's roots
            // alone (no CA file or folder) each reconnect failed with MOSQ_ERR_INVAL, so a
            // connection without `ca_file` never came back after its first drop (audit).
            let roots: String? = settings.caFile == nil ? Self.systemRootsFolder.withLock { $0 } : nil
            try check(
                mosquitto_tls_set(handle, settings.caFile, roots, settings.certFile, settings.keyFile, nil),
                "the TLS files (ca_file, cert_file, key_file)")
        }
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_connect_with_flags_callback_set(handle) { _, context, code, flags in
            MQTTClient.from(context).connected(code: code, sessionPresent: flags & 1 == 1)
        }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let message, let topic = message.pointee.topic else { return }
            let length = Int(max(0, message.pointee.payloadlen))
            let payload = message.pointee.payload.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
            let client = MQTTClient.from(context)
            client.delivered.store(true, ordering: .relaxed)
            client.onEvent(.message(MQTTMessage(topic: String(cString: topic), payload: payload)))
        }
        // Called for 3.1.1 too (reason code 0).
        mosquitto_publish_v5_callback_set(handle) { _, context, mid, reasonCode, _ in
            MQTTClient.from(context).acknowledged(mid, reasonCode: reasonCode)
        }
        mosquitto_subscribe_callback_set(handle) { _, context, mid, count, granted in
            var refused = false
            if let granted {
                for index in 0..<Int(max(0, count)) where granted[index] & 0x80 != 0 { refused = true }
            }
            MQTTClient.from(context).subscribed(mid, refused: refused)
        }
    }

    deinit { mosquitto_destroy(handle) }

    /// The folder of the system's trust roots (hashed, as `openssl rehash` makes it), used
    /// without `ca_file`; a test points it at a folder holding its own CA.
    static let systemRootsFolder = Mutex("/etc/ssl/certs")

    /// Whether a publish is waiting for the broker's acknowledgments.
    public var isAwaitingAcknowledgment: Bool { state.withLock { $0.waiter != nil } }

    static func from(_ context: UnsafeMutableRawPointer?) -> MQTTClient {
        Unmanaged<MQTTClient>.fromOpaque(context!).takeUnretainedValue()
    }

    private func check(_ code: Int32, _ what: String) throws(MQTTError) {
        guard code == MOSQ_ERR_SUCCESS.rawValue else {
            throw MQTTError.invalid("libmosquitto refused \(what): \(Self.describe(code))")
        }
    }

    /// Starts the client's thread, which connects and stays connected until `stop`.
    public func start() {
        let first = state.withLock { state in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        // The thread holds the client until it ends, so the handle outlives every callback.
        let thread = Thread { [self] in run() }
        thread.name = "mqtt \(settings.clientID)"
        thread.start()
    }

    /// Disconnects cleanly and ends the thread (it does not wait for it to end).
    public func stop() {
        let waiter = state.withLock { state in
            state.stopping = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: .failure(.publish("the client was stopped")))
        _ = mosquitto_disconnect(handle)
    }

    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Whether the connection speaks MQTT 5 (its acknowledgments carry reason codes).
    public var speaksMQTT5: Bool { state.withLock { $0.mqtt5 } }

    /// True once after the client fell back to MQTT 3.1.1 (the broker refused MQTT 5), for its
    /// owner to say so: a broker's refusal of a message can no longer be told.
    public func fallBackToReport() -> Bool {
        state.withLock { state in
            defer { state.fallBackUnreported = false }
            return state.fallBackUnreported
        }
    }

    /// Why the last attempt to connect failed, while not connected.
    public var lastFailure: String? { state.withLock { $0.connected ? nil : $0.lastFailure } }

    /// Waits up to `timeout` for the connection; true when connected.
    public func connected(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isConnected {
            guard ContinuousClock.now < deadline, !stopping else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    private var stopping: Bool { state.withLock { $0.stopping } }

    // MARK: The client's thread

    private func run() {
        // The one back-off (FootfallCore): the ceiling itself, as for any local retry; a broker
        // has no crowd of this gateway's clients to spread.
        let backoff = Backoff(base: settings.reconnectFirst, cap: settings.reconnectMaximum)
        var attempt = 1
        var attempted = false
        while !stopping {
            let code = attempted
                ? mosquitto_reconnect(handle)
                : mosquitto_connect(handle, settings.host, Int32(settings.port), Int32(settings.keepAlive))
            attempted = true
            if code == MOSQ_ERR_SUCCESS.rawValue {
                var loop = MOSQ_ERR_SUCCESS.rawValue
                // When the first message not yet followed by `caughtUp` was delivered.
                var gathering: ContinuousClock.Instant?
                while loop == MOSQ_ERR_SUCCESS.rawValue, !stopping {
                    // Waits no longer than the batch window has left.
                    let wait = gathering.map { max(1, Int((($0 + batchWindow - .now) / .milliseconds(1)).rounded(.up))) } ?? 100
                    loop = mosquitto_loop(handle, Int32(min(wait, 100)), 1)
                    if loop == MOSQ_ERR_SUCCESS.rawValue { loop = drain() }
                    if delivered.exchange(false, ordering: .relaxed), gathering == nil { gathering = .now }
                    if let first = gathering, ContinuousClock.now - first >= batchWindow {
                        gathering = nil
                        onEvent(.caughtUp)
                    }
                }
                if gathering != nil { onEvent(.caughtUp) }
                if stopping { break }
                let (wasConnected, refusal) = state.withLock { state in
                    defer { state.connected = false; state.refusal = nil }
                    return (state.connected, state.refusal)
                }
                // A connection that worked starts the back-off again.
                if wasConnected { attempt = 1 }
                failPublishes("the connection to \(settings.url) was lost")
                if fallBack() {
                    onEvent(.disconnected(reason: "\(settings.url): the broker does not speak MQTT 5; speaking MQTT 3.1.1 to it, whose acknowledgments cannot say a message was refused", retryIn: .zero))
                    continue
                }
                let reason = refusal ?? (wasConnected ? "connection lost: " : "") + Self.describe(loop)
                state.withLock { $0.lastFailure = reason }
                onEvent(.disconnected(reason: "\(settings.url): \(reason)", retryIn: backoff.ceiling(attempt: attempt)))
            } else {
                let reason = Self.describe(code)
                state.withLock { $0.lastFailure = reason }
                onEvent(.disconnected(reason: "\(settings.url): \(reason)", retryIn: backoff.ceiling(attempt: attempt)))
            }
            pause(backoff.ceiling(attempt: attempt))
            attempt += 1
        }
        state.withLock { $0.connected = false }
    }

    /// Reads what else has arrived, packet by packet, until the socket has nothing whole left
    /// (at most `limit` packets), then sends what that queued (QoS 1 acknowledgments):
    /// `mosquitto_loop` reads one packet a call, each after a `select`.
    private func drain(limit: Int = 1000) -> Int32 {
        for _ in 0..<limit {
            errno = 0
            let code = mosquitto_loop_read(handle, 1)
            guard code == MOSQ_ERR_SUCCESS.rawValue else { return code }
            // libmosquitto's socket is non-blocking: a read that found nothing (or half a
            // packet, kept for the next call) ends the drain.
            if errno == EAGAIN || errno == EWOULDBLOCK { break }
        }
        return mosquitto_want_write(handle) ? mosquitto_loop_write(handle, 1) : MOSQ_ERR_SUCCESS.rawValue
    }

    /// After the broker refused MQTT 5: the client speaks 3.1.1 from now on (true once).
    private func fallBack() -> Bool {
        let now = state.withLock { state in
            defer { state.fallBack = false }
            if state.fallBack {
                state.mqtt5 = false
                state.fallBackUnreported = true
            }
            return state.fallBack
        }
        if now { _ = mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311)) }
        return now
    }

    /// Sleeps in short steps so `stop` is noticed within a tenth of a second.
    private func pause(_ duration: Duration) {
        let end = ContinuousClock.now + duration
        while !stopping, ContinuousClock.now < end {
            Thread.sleep(forTimeInterval: min(0.1, max(0, (end - ContinuousClock.now) / .seconds(1))))
        }
    }

    private func connected(code: Int32, sessionPresent: Bool) {
        guard code == 0 else {
            state.withLock { state in
                // 0x84 (MQTT 5's Unsupported Protocol Version), which libmosquitto also reports
                // for a 3.1.1 broker's "unacceptable protocol version".
                if state.mqtt5, code == 0x84 { state.fallBack = true }
                state.refusal = Self.refusal(code)
            }
            return
        }
        state.withLock { state in
            state.connected = true
            state.sessionPresent = sessionPresent
        }
        onEvent(.connected(sessionPresent: sessionPresent))
        for filter in subscriptions {
            var mid: Int32 = 0
            let code = mosquitto_subscribe(handle, &mid, filter, Int32(subscriptionQoS))
            if code == MOSQ_ERR_SUCCESS.rawValue {
                state.withLock { $0.subscribing[mid] = filter }
            } else {
                onEvent(.subscriptionRefused(filter: filter, reason: Self.describe(code)))
            }
        }
    }

    private func subscribed(_ mid: Int32, refused: Bool) {
        guard let filter = state.withLock({ $0.subscribing.removeValue(forKey: mid) }), refused else { return }
        onEvent(.subscriptionRefused(filter: filter, reason: "the broker refused the subscription (its ACL does not let this user read it)"))
    }

    // MARK: Publishing

    /// Publishes `messages` and returns once the broker has acknowledged every one (QoS 1), or
    /// throws when one cannot be sent, the connection drops, or `timeout` passes first. Then
    /// some may have arrived: publish them all again (a receiver deduplicates by its own ids).
    /// One batch at a time per client.
    ///
    /// Returns the messages that did not arrive though acknowledged, by their index in
    /// `messages`: those the broker refused (MQTT 5) and any larger than the broker's Maximum
    /// Packet Size (never sent). Empty over 3.1.1 but for the latter.
    @discardableResult
    public func publish(_ messages: [MQTTMessage], qos: Int = 1, timeout: Duration) async throws(MQTTError) -> [Int: MQTTRefusal] {
        guard isConnected else { throw MQTTError.publish("not connected to \(settings.url)") }
        state.withLock { state in
            state.early.removeAll()
            state.refused.removeAll()
            state.outstanding.removeAll()
            state.failure = nil
        }
        var refusals: [Int: MQTTRefusal] = [:]
        var indexes: [Int32: Int] = [:]
        for (index, message) in messages.enumerated() {
            var mid: Int32 = 0
            let code = message.payload.withUnsafeBytes { bytes in
                mosquitto_publish(handle, &mid, message.topic, Int32(bytes.count), bytes.baseAddress, Int32(qos), false)
            }
            if code == MOSQ_ERR_OVERSIZE_PACKET.rawValue {
                // Over the Maximum Packet Size the broker gave in its CONNACK: it can never go.
                refusals[index] = MQTTRefusal(reasonCode: 0x95, topic: message.topic)
                continue
            }
            guard code == MOSQ_ERR_SUCCESS.rawValue else {
                throw MQTTError.publish("\(settings.url): cannot publish to \(message.topic): \(Self.describe(code))")
            }
            if qos > 0 {
                indexes[mid] = index
                state.withLock { state in
                    if let reason = state.early.removeValue(forKey: mid) {
                        if reason >= 0x80 { state.refused[mid] = reason }
                    } else {
                        state.outstanding.insert(mid)
                    }
                }
            }
        }
        guard qos > 0 else { return refusals }
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.failPublishes("\(messages.count) messages not all acknowledged by \(self?.settings.url ?? "the broker") within \(timeout)")
        }
        defer { timer.cancel() }
        // A stop does not wait out `timeout`: cancelled (the gateway stopping), the batch fails
        // now and is sent again at the next start (audit: a stop took twice `timeout_ms`).
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, MQTTError>, Never>) in
                let now = state.withLock { state -> Result<Void, MQTTError>? in
                    if state.outstanding.isEmpty { return .success(()) }
                    if let failure = state.failure { return .failure(.publish(failure)) }
                    if state.stopping || !state.connected { return .failure(.publish("the connection to \(settings.url) was lost")) }
                    state.waiter = continuation
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: { [weak self] in
            self?.failPublishes("\(messages.count) messages not all acknowledged when the gateway stopped; they are sent again at its next start")
        }
        try result.get()
        for (mid, reason) in state.withLock({ $0.refused }) {
            guard let index = indexes[mid] else { continue }
            refusals[index] = MQTTRefusal(reasonCode: Int(reason), topic: messages[index].topic)
        }
        return refusals
    }

    private func acknowledged(_ mid: Int32, reasonCode: Int32) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<Void, MQTTError>, Never>? in
            guard state.outstanding.remove(mid) != nil else {
                state.early[mid] = reasonCode
                return nil
            }
            if reasonCode >= 0x80 { state.refused[mid] = reasonCode }
            guard state.outstanding.isEmpty else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: .success(()))
    }

    private func failPublishes(_ reason: String) {
        let waiter = state.withLock { state in
            state.failure = reason
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: .failure(.publish(reason)))
    }

    // MARK: Messages

    static func describe(_ code: Int32) -> String {
        if code == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)).lowercased() }
        if code == MOSQ_ERR_CONN_LOST.rawValue { return "the broker closed the connection" }
        if code == MOSQ_ERR_NO_CONN.rawValue { return "not connected" }
        if code == MOSQ_ERR_TLS.rawValue { return "TLS failed (check the broker's certificate against ca_file, and cert_file/key_file)" }
        if code == MOSQ_ERR_EAI.rawValue { return "the broker's host name does not resolve" }
        return String(cString: mosquitto_strerror(code))
    }

    /// A CONNACK refusal (MQTT 3.1.1's return codes 1–5, 3.2.2.3, or MQTT 5's reason codes of
    /// 0x80 and more, 3.2.2.2) with what to do about it.
    static func refusal(_ code: Int32) -> String {
        switch code {
        case 1, 0x84: "the broker refused the connection: it does not speak MQTT 3.1.1"
        case 2, 0x85: "the broker refused the client id; set another client_id"
        case 3, 0x88: "the broker refused the connection: server unavailable"
        case 4, 0x86: "the broker refused the connection: bad user name or password; check username and the password file or variable"
        case 5, 0x87: "the broker refused the connection: not authorised; check username and the password file or variable, and the broker's ACL"
        case 0x8A: "the broker refused the connection: this client is banned there"
        case 0x89, 0x9F: "the broker refused the connection: busy (\(String(cString: mosquitto_reason_string(code))))"
        case 0x80...0xFF: "the broker refused the connection: \(String(cString: mosquitto_reason_string(code)))"
        default: "the broker refused the connection: \(String(cString: mosquitto_connack_string(code)))"
        }
    }
}
