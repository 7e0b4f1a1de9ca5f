import Foundation

/// A plain TCP connection to 127.0.0.1 that writes exactly what a test says and reads what
/// comes back: for clients no HTTP library would be, a slow header, a body that never ends.
/// Blocking calls: use it from a thread of its own (`onAThreadOfItsOwn`).
public final class RawConnection: @unchecked Sendable {
    let socket: Int32

    public init(port: Int) throws {
        socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw DaemonClientError("cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    deinit { close(socket) }

    /// 127.0.0.1:`port` (0: any free port, for a bind).
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    /// Ends the connection both ways now (the descriptor is closed with the object).
    public func hangUp() { _ = Foundation.shutdown(socket, Int32(SHUT_RDWR)) }

    public func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw DaemonClientError("send failed: errno \(errno)") }
            sent += n
        }
    }

    /// What the peer sends until it closes the connection or `timeout` passes, and whether it
    /// closed it.
    public func readUntilClosed(timeout: Duration) -> (text: String, closed: Bool) {
        read(timeout: timeout) { _ in false }
    }

    /// What the peer sends until `done` holds for it, it closes, or `timeout` passes.
    public func read(timeout: Duration, until done: (String) -> Bool) -> (text: String, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        // One look after the deadline, as `waitUntil` takes: a thread starved past it by a
        // loaded run still sees what came in time.
        var lastLook = false
        while !lastLook {
            let left = deadline - ContinuousClock.now
            lastLook = left <= .zero
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let milliseconds = lastLook ? 0 : Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&descriptor, 1, milliseconds) > 0 else { continue }
            let n = recv(socket, &buffer, buffer.count, 0)
            if n <= 0 { return (String(decoding: data, as: UTF8.self), true) }
            data += buffer[0..<n]
            if done(String(decoding: data, as: UTF8.self)) { break }
        }
        return (String(decoding: data, as: UTF8.self), false)
    }
}
