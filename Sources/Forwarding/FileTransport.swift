import Foundation
import Synchronization
import Storage

#if canImport(Glibc)
import Glibc
#endif

/// Appends JSON lines to a file (or standard output for `-`) with an fsync policy.
public final class FileTransport: SinkTransport, Sendable {
    public enum FsyncPolicy: String, Sendable, CaseIterable {
        /// fsync after every batch, before the events count as delivered: power loss loses nothing acknowledged.
        case always
        /// fsync at most once a second: power loss may lose the last second of lines.
        case batch
        /// leave it to the kernel.
        case never
    }

    public let path: String
    public let fsync: FsyncPolicy
    private let state: Mutex<State>
    private let now: @Sendable () -> Double

    struct State {
        var descriptor: Int32 = -1
        var lastSync: Double = 0
    }

    /// `now` is a clock in seconds, monotonic where it matters (`Timing.monotonicSeconds`, as
    /// sinks make it): `fsync: batch` syncs at most once a second by it.
    public init(path: String, fsync: FsyncPolicy, now: @escaping @Sendable () -> Double) {
        self.now = now
        self.path = path
        self.fsync = fsync
        state = Mutex(State())
    }

    deinit {
        state.withLock { if $0.descriptor > 2 { _ = close($0.descriptor) } }
    }

    public func send(_ body: [UInt8], contentType: String) async -> DeliveryOutcome {
        state.withLock { state in
            do {
                if state.descriptor < 0 {
                    if path == "-" {
                        state.descriptor = STDOUT_FILENO
                    } else {
                        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                        guard fd >= 0 else { throw FileError(operation: "open", errno: errno) }
                        state.descriptor = fd
                        try endLastLine(fd)
                    }
                }
                // A batch not acknowledged (its write cut short by the disk, or its fsync failed)
                // is taken back out, so the batch sent again starts a line of its own rather than
                // finishing a broken one or repeating itself.
                let before = path == "-" ? -1 : lseek(state.descriptor, 0, SEEK_END)  // -1 on a pipe: nothing to take back
                do {
                    try writeAll(body, to: state.descriptor)
                    let now = self.now()
                    // A clock stepped back (NTP, by hand) counts as a second gone: the last sync's time
                    // lies ahead of it, and would hold every sync off for the step's length.
                    let due = fsync == .always || (fsync == .batch && (now - state.lastSync >= 1 || now < state.lastSync))
                    if due && path != "-" {
                        guard Glibc.fsync(state.descriptor) == 0 else { throw FileError(operation: "fsync", errno: errno) }
                        state.lastSync = now
                    }
                } catch {
                    if before >= 0 { _ = ftruncate(state.descriptor, before) }
                    throw error
                }
                return .delivered
            } catch {
                if state.descriptor > 2 { _ = close(state.descriptor) }
                state.descriptor = -1
                return .retry(reason: "\(path): \(error)", after: nil)
            }
        }
    }

    /// A file whose last line was cut off (another program's, or a crash of ours mid-write)
    /// gets the line ended, so the lines appended after it each read as JSON.
    private func endLastLine(_ fd: Int32) throws {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return }
        // Read through a descriptor of its own: the one appended to is write-only (a file the
        // gateway may write but not read, a FIFO, stay usable); unreadable, it is left as it is.
        let reader = open(path, O_RDONLY | O_CLOEXEC)
        guard reader >= 0 else { return }
        defer { close(reader) }
        var last: UInt8 = 0
        guard pread(reader, &last, 1, info.st_size - 1) == 1 else { return }
        if last != UInt8(ascii: "\n") { try writeAll([UInt8(ascii: "\n")], to: fd) }
    }

    private func writeAll(_ bytes: [UInt8], to fd: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "write", errno: errno)
            }
            offset += written
        }
    }

    struct FileError: Error, CustomStringConvertible {
        var operation: String
        var errno: Int32
        var description: String {
            let remedy = switch errno {
            case ENOSPC, EDQUOT: "; free space on the sink's file system (it is retried, nothing lost)"
            case EROFS: "; the sink's file system is read-only: remount it read-write, or give the sink another path (under the footfall service only /var/lib/footfall and /var/log/footfall are writable)"
            case EMFILE, ENFILE: "; the gateway is out of open files: raise LimitNOFILE, or lower api.max_connections"
            default: ""
            }
            return "\(operation) failed: \(String(cString: strerror(errno)))\(remedy)"
        }
    }
}
