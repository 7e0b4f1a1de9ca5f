import Foundation

/// A file that holds secrets (tokens, keys): created readable by its owner and group only, and
/// written beside its path and renamed into place, so a failed write leaves what was there.
enum PrivateFile {
    static func write(_ text: String, to path: String) throws {
        try makeFolders((path as NSString).deletingLastPathComponent)
        let partial = path + ".partial-\(getpid())"
        let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw failure(path) }
        // Group-readable whatever the umask: in /etc/footfall the group is the service's user.
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard fchmod(fd, 0o640) == 0, written == bytes.count, fsync(fd) == 0 else {
            let error = failure(path)
            close(fd)
            unlink(partial)
            throw error
        }
        close(fd)
        guard rename(partial, path) == 0 else {
            let error = failure(path)
            unlink(partial)
            throw error
        }
    }

    private static func failure(_ path: String) -> CommandFailure {
        CommandFailure("\(path) cannot be written (\(String(cString: strerror(errno)))); choose a folder you may write, or run as root for /etc/footfall")
    }

    /// `mkdir -p`, with the reason of a failure in the message.
    private static func makeFolders(_ folder: String) throws {
        var current = folder.hasPrefix("/") ? "/" : ""
        for component in folder.split(separator: "/") {
            current += (current.isEmpty || current.hasSuffix("/") ? "" : "/") + component
            guard mkdir(current, 0o755) != 0, errno != EEXIST else { continue }
            throw CommandFailure("\(current) cannot be created (\(String(cString: strerror(errno)))); choose a folder you may write, or run as root for /etc/footfall")
        }
    }
}
