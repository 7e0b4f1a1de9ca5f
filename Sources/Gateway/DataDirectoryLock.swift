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
        try GatewayData.checkDirectory(directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let path = (directory as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let error = errno
            throw GatewayDataError("cannot open \(path) (\(String(cString: strerror(error))))\(GatewayData.ownership(of: [directory, path]) ?? "; check the data directory is the footfall user's")")
        }
        // Made by root (an operator's `sudo footfall replay --data /var/lib/footfall`), it would
        // keep the service's own user out for good: it is the data directory owner's.
        var folder = stat()
        if geteuid() == 0, stat(directory, &folder) == 0 { _ = fchown(descriptor, folder.st_uid, folder.st_gid) }
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
            throw GatewayDataError(
                "another footfall\(holder.map { " (process \($0))" } ?? "") runs on the data directory \(directory); "
                    + "stop it first (sudo systemctl stop footfall, for the service), or give this one a --data of its own")
        }
        let text = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) } }
        return DataDirectoryLock(descriptor: descriptor)
    }

    /// The process holding the lock of `directory`, or nil when none does (or the lock file is
    /// not there or cannot be read by this user).
    public static func holder(of directory: String) -> Int32? {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) != 0, errno == EWOULDBLOCK else {
            flock(descriptor, LOCK_UN)
            return nil
        }
        // Held by a process whose id it wrote (0 when it had not yet).
        return readProcessID(descriptor) ?? 0
    }

    private static func readProcessID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
