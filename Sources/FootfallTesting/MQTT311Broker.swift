import Foundation
import Synchronization

/// A broker that speaks MQTT 3.1.1 only, as brokers made before MQTT 5 do (and some hosted ones
/// still): it answers a CONNECT of any other protocol level with CONNACK return code 1,
/// "unacceptable protocol version", and closes the connection (MQTT 3.1.1, 3.1.2.2); at level 4
/// it accepts, acknowledges each QoS 1 PUBLISH (PUBACK) and answers pings. Debian's mosquitto
/// speaks MQTT 5 and has no setting to refuse it, so a test of a client falling back to 3.1.1
/// needs this: real packets on a real socket, one connection at a time, on 127.0.0.1.
public final class MQTT311Broker: Sendable {
    public let port: Int
    public var url: String { "mqtt://127.0.0.1:\(port)" }
    private let listener: Int32
    private let seen = Mutex(Seen())
    private let stopping = Atomic<Bool>(false)

    struct Seen {
        var levels: [Int] = []
        var published: [(topic: String, payload: [UInt8])] = []
    }

    /// The protocol level of each CONNECT, in order (5: MQTT 5, 4: MQTT 3.1.1).
    public var connectLevels: [Int] { seen.withLock { $0.levels } }
    /// The topics of the messages published to it, in order.
    public var publishedTopics: [String] { seen.withLock { $0.published.map(\.topic) } }

    public init() throws {
        let (listener, port) = try RefusingPort.bindLoopback()
        guard listen(listener, 4) == 0 else {
            close(listener)
            throw DaemonClientError("cannot listen on 127.0.0.1: errno \(errno)")
        }
        self.listener = listener
        self.port = port
        let thread = Thread { [self] in serve() }
        thread.name = "mqtt 3.1.1 broker"
        thread.start()
    }

    /// Stops accepting; a connection being served ends at its next read.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        _ = Foundation.shutdown(listener, Int32(SHUT_RDWR))
    }

    deinit {
        stop()
        close(listener)
    }

    private func serve() {
        while !stopping.load(ordering: .relaxed) {
            guard wait(for: listener) else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            talk(connection)
            close(connection)
        }
    }

    /// Whether `socket` has something to read within a tenth of a second.
    private func wait(for socket: Int32) -> Bool {
        var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 100) > 0
    }

    private func talk(_ connection: Int32) {
        while !stopping.load(ordering: .relaxed) {
            guard wait(for: connection) else { continue }
            guard let (header, body) = readPacket(connection) else { return }
            switch header >> 4 {
            case 1:  // CONNECT: protocol name (2-byte length, then the name), then its level.
                guard body.count >= 3 else { return }
                let nameLength = Int(body[0]) << 8 | Int(body[1])
                guard body.count > 2 + nameLength else { return }
                let level = Int(body[2 + nameLength])
                seen.withLock { $0.levels.append(level) }
                guard level == 4 else {
                    write(connection, [0x20, 0x02, 0x00, 0x01])
                    return
                }
                write(connection, [0x20, 0x02, 0x00, 0x00])
            case 3:  // PUBLISH: topic (2-byte length), a packet id at QoS 1 or 2, the payload.
                let qos = (header >> 1) & 3
                guard body.count >= 2 else { return }
                let topicLength = Int(body[0]) << 8 | Int(body[1])
                var at = 2 + topicLength
                guard body.count >= at + (qos > 0 ? 2 : 0) else { return }
                let topic = String(decoding: body[2..<at], as: UTF8.self)
                var id: [UInt8] = []
                if qos > 0 {
                    id = Array(body[at..<at + 2])
                    at += 2
                }
                let payload = Array(body[at...])
                seen.withLock { $0.published.append((topic, payload)) }
                if qos == 1 { write(connection, [0x40, 0x02] + id) }
            case 12:  // PINGREQ
                write(connection, [0xD0, 0x00])
            case 14:  // DISCONNECT
                return
            default:
                return
            }
        }
    }

    /// One packet: its first byte and the rest after the remaining length; nil when the
    /// connection ends.
    private func readPacket(_ connection: Int32) -> (UInt8, [UInt8])? {
        guard let first = read(connection, count: 1)?.first else { return nil }
        var length = 0
        var shift = 0
        while true {
            guard let byte = read(connection, count: 1)?.first, shift <= 21 else { return nil }
            length |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        guard let body = read(connection, count: length) else { return nil }
        return (first, body)
    }

    private func read(_ connection: Int32, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes[got...].withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            got += n
        }
        return bytes
    }

    private func write(_ connection: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Foundation.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
