import Foundation

/// A port on 127.0.0.1 that refuses every connection for as long as this object lives: a
/// socket bound to it that never listens, so no other test or program can take the port
/// meanwhile (as one could a port closed after use).
public final class RefusingPort: @unchecked Sendable {
    public let port: Int
    private let socket: Int32

    public init() throws {
        (socket, port) = try Self.bindLoopback()
    }

    /// A TCP socket bound to a free port on 127.0.0.1, not yet listening, and its port.
    static func bindLoopback() throws -> (socket: Int32, port: Int) {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = RawConnection.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(socket)
            throw DaemonClientError("cannot bind a port on 127.0.0.1: errno \(errno)")
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    deinit { close(socket) }
}
