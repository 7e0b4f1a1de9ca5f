import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The datagram socket systemd gives a `Type=notify` service in `NOTIFY_SOCKET`, bound by a test
/// so it can read what the daemon tells systemd (`READY=1`, `STOPPING=1`).
public final class NotifySocket: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    /// Every message received so far, in order.
    public private(set) var messages: [String] = []

    public init(in directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw NotifySocketError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw NotifySocketError("\(path) is too long for a socket address")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw NotifySocketError("bind \(path): \(reason)")
        }
    }

    deinit { close(fd) }

    /// Waits until a message received contains `text` (as systemd would) or `timeout` passes.
    public func wait(for text: String, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            drain()
            if messages.contains(where: { $0.split(separator: "\n").contains(Substring(text)) }) { return true }
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count > 0 else { return }
            messages.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
    }
}

public struct NotifySocketError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
