import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The data directory's one writer: a gateway (`footfall run`) or a replay into it holds an
/// exclusive `flock` on `footfall.lock` there, with its process id in it, for as long as it
/// runs. A second one on the same directory is refused — two pipelines would each send every
/// event and count every visit twice — and `visits erase` knows whether a gateway holds visits
/// in progress in memory that it must ask for. The kernel drops the lock when the process ends,
/// however it ends, so a crash leaves nothing to clean up.
public final class DataDirectoryLock: Sendable {
    public static let fileName = "footfall.lock"
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Takes the lock of `directory` (made, as `GatewayData` makes it, if missing), before the
    /// data in it is opened, or says who holds it. Another command looking whether it is held
    /// (`holder`) holds it for a moment: that is waited out, for up to a second.
    public static func acquire(_ directory: String) throws -> DataDirectoryLock {
        try GatewayData.makeDirectory(directory)
        let path = (directory as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let error = errno
            throw GatewayDataError("cannot open \(path) (\(String(cString: strerror(error))))\(GatewayData.remedy(for: [directory, path], error: error) ?? "; check the data directory is the footfall user's")")
        }
        // Made by root (an operator's `sudo footfall replay --data /var/lib/footfall`), it would
        // keep the service's own user out for good: it is the data directory owner's.
        GatewayData.giveToDirectoryOwner([path], in: directory)
        let deadline = ContinuousClock.now + .seconds(1)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            if error == EWOULDBLOCK, ContinuousClock.now < deadline {
                usleep(20_000)
                continue
            }
            let holder = readProcessID(descriptor)
            close(descriptor)
            guard error == EWOULDBLOCK else {
                throw GatewayDataError("cannot lock \(path) (\(String(cString: strerror(error)))); check the file system supports locks")
            }
            throw Held(directory: directory, process: holder)
        }
        let text = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) } }
        return DataDirectoryLock(descriptor: descriptor)
    }

    /// The lock is another process's: a gateway or a replay runs on the directory.
    public struct Held: Error, CustomStringConvertible {
        public var directory: String
        /// The process it wrote into the lock file, when it had.
        public var process: Int32?
        public var description: String {
            "another footfall\(process.map { " (process \($0))" } ?? "") runs on the data directory \(directory); "
                + "stop it first (sudo systemctl stop footfall, for the service), or give this one a --data of its own"
        }
    }

    /// Who holds the lock of a directory, as far as this user can tell.
    public enum Holding: Equatable, Sendable {
        /// Nobody: no gateway or replay runs on it.
        case nobody
        /// A process (its id, 0 before it wrote it).
        case process(Int32)
        /// This user cannot tell: the lock file cannot be opened, or the file system locks nothing.
        case unknown
    }

    /// Who holds the lock of `directory`.
    public static func holding(_ directory: String) -> Holding {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno == ENOENT ? .nobody : .unknown }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) != 0 else {
            flock(descriptor, LOCK_UN)
            return .nobody
        }
        // Held by a process whose id it wrote (0 when it had not yet).
        return errno == EWOULDBLOCK ? .process(readProcessID(descriptor) ?? 0) : .unknown
    }

    /// The process holding the lock of `directory`, or nil when none does or this user cannot
    /// tell (`holding`).
    public static func holder(of directory: String) -> Int32? {
        if case .process(let process) = holding(directory) { return process }
        return nil
    }

    private static func readProcessID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
