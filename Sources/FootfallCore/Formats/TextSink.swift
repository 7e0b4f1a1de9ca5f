import Foundation

/// A buffered text destination: a file (written in large blocks) or memory. A regular file is
/// written beside its path and takes its place on `close()`: a command that fails half-way
/// leaves what was there before, not a truncated file. Anything else (`/dev/stdout`, a pipe)
/// is written as it comes.
public final class TextSink {
    private var file: UnsafeMutablePointer<FILE>?
    private let path: String?
    /// Where a regular file is written until `close()`; nil when writing straight to `path`.
    private let partialPath: String?
    /// The file `close()` puts it in place of: `path`, or the file a symbolic link there names.
    private let target: String?
    private var buffer: [UInt8] = []
    public private(set) var text = ""

    /// An in-memory sink whose `text` collects what is written.
    public init() {
        file = nil
        path = nil
        partialPath = nil
        target = nil
    }

    public init(path: String) throws {
        var info = stat()
        let special = stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
        // A link is followed: the file it names is replaced, not the link.
        let target = special ? path : URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let partial = special ? nil : target + ".partial-\(getpid())"
        if !special { Self.removeAbandonedPartials(of: target) }
        guard let handle = fopen(partial ?? path, "wb") else {
            throw FormatError(file: path, line: 0, message: "cannot be created (\(String(cString: strerror(errno)))); check the directory exists and is writable")
        }
        self.path = path
        self.target = target
        partialPath = partial
        file = handle
        buffer.reserveCapacity(1 << 16)
    }

    /// Removes what an earlier command writing `target` left beside it when it was stopped by
    /// a signal (Ctrl-C, SIGTERM: no deinit runs): `<target>.partial-<pid>` of a process that
    /// no longer runs. A simulation stopped half-way left gigabytes.
    static func removeAbandonedPartials(of target: String) {
        let folder = (target as NSString).deletingLastPathComponent
        let prefix = (target as NSString).lastPathComponent + ".partial-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink((folder as NSString).appendingPathComponent(name))
        }
    }

    public func write(_ string: String) {
        guard file != nil else {
            text += string
            return
        }
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard let file, !buffer.isEmpty else { return }
        buffer.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, file) }
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws {
        flush()
        if let file, let path {
            let failed = ferror(file) != 0
            fclose(file)
            self.file = nil
            guard !failed else {
                if let partialPath { unlink(partialPath) }
                throw FormatError(file: path, line: 0, message: "could not be written completely (disk full?)")
            }
            if let partialPath, let target, rename(partialPath, target) != 0 {
                let reason = String(cString: strerror(errno))
                unlink(partialPath)
                throw FormatError(file: path, line: 0, message: "could not be written (\(reason)); check the directory is writable")
            }
        }
    }

    /// Never closed (the command failed): a regular file at `path` is left as it was.
    deinit {
        guard let file else { return }
        fclose(file)
        if let partialPath { unlink(partialPath) }
    }
}
