import Crypto
import FootfallCore
import Foundation
import Presence
import Storage

/// The gateway's data directory: the database and the secret key its pseudonyms are made with.
public struct GatewayData: Sendable {
    public let directory: String
    public let database: GatewayDatabase
    /// 32 random bytes made on first use and kept (mode 0600); losing it unlinks every pseudonym.
    public let key: [UInt8]

    public static let databaseName = "gateway.sqlite"
    public static let keyName = "identity.key"

    /// What is odd about the directory as found, for the daemon's log: its key with no database
    /// beside it (the database of an earlier run deleted or moved).
    public private(set) var warnings: [String] = []

    public init(directory: String, durability: GatewayDatabase.Durability = .full) throws {
        self.directory = directory
        try Self.makeDirectory(directory)
        let databasePath = (directory as NSString).appendingPathComponent(Self.databaseName)
        let keyPath = (directory as NSString).appendingPathComponent(Self.keyName)
        if FileManager.default.fileExists(atPath: keyPath), !FileManager.default.fileExists(atPath: databasePath) {
            warnings.append(
                "\(keyPath) is here but \(Self.databaseName) is not: the database of an earlier run (its outbox, visit history and analytics) is missing, and a new one is made; if it was moved, stop the gateway and put it back")
        }
        do {
            database = try GatewayDatabase(path: databasePath, durability: durability)
        } catch let newer as GatewayDatabase.NewerSchema {
            throw GatewayDataError(newer.description)
        } catch {
            // SQLite names neither the file nor why ("unable to open database file").
            for path in [databasePath, databasePath + "-wal", databasePath + "-shm"] { Self.closeToOthers(path) }
            throw GatewayDataError("cannot open \(databasePath): \(error)\(Self.remedy(for: [directory, databasePath, databasePath + "-wal", databasePath + "-shm"]) ?? "; check the disk has space and the data directory is the footfall user's")")
        }
        // Opened in WAL mode, SQLite has made its -wal and -shm beside it by now, each with the
        // umask's mode; those that come later take the database file's.
        for path in [databasePath, databasePath + "-wal", databasePath + "-shm"] { Self.closeToOthers(path) }
        key = try Self.loadOrCreateKey(at: keyPath)
        Self.giveToDirectoryOwner([databasePath, databasePath + "-wal", databasePath + "-shm", keyPath], in: directory)
    }

    /// As root in a data directory another user owns (an operator's `sudo footfall visits show
    /// --data /var/lib/footfall`, or a first `footfall run` by hand in the directory the package
    /// made), the database, its `-wal` and `-shm` and the key would be made root's, 0600 or
    /// 0640, and the service's own user could no longer open them; each of `paths` there is
    /// given to the directory's owner and group, as the lock file is. Only a regular file with a
    /// single link, opened without following a link: a link the directory's owner planted must
    /// not turn root's chown onto another file.
    public static func giveToDirectoryOwner(_ paths: [String], in directory: String) {
        guard geteuid() == 0 else { return }
        var folder = stat()
        guard stat(directory, &folder) == 0, folder.st_uid != 0 else { return }
        for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var found = stat()
            guard fstat(fd, &found) == 0, found.st_mode & S_IFMT == S_IFREG, found.st_nlink == 1,
                found.st_uid != folder.st_uid || found.st_gid != folder.st_gid
            else { continue }
            _ = fchown(fd, folder.st_uid, folder.st_gid)
        }
    }

    public static let reserveName = "reserve"
    /// Bytes kept free for the last writes of a gateway whose disk fills: the batch that failed
    /// and the visits in progress, kept for the next start.
    public static let reserveBytes = 8 << 20

    /// Sets aside `reserveBytes` of the data directory's disk (the file `reserve`, its blocks
    /// allocated at each start: a sparse copy from a backup holds none). Throws when the disk
    /// has no room for it: a gateway started on a disk that full would take back the visits kept
    /// at its last stop and then lose them, and the events it failed to store, at its first
    /// write (review); it is refused until space is freed, as a full disk fails every start.
    public func makeReserve() throws {
        let path = (directory as NSString).appendingPathComponent(Self.reserveName)
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw GatewayDataError("cannot make \(path) (\(String(cString: strerror(errno)))), the space set aside for a full disk's last writes\(Self.remedy(for: [directory, path], error: errno) ?? "; check the data directory is the footfall user's")")
        }
        defer { close(fd) }
        Self.giveToDirectoryOwner([path], in: directory)
        var found = stat()
        guard fstat(fd, &found) == 0, found.st_mode & S_IFMT == S_IFREG else {
            throw GatewayDataError("\(path) is not a regular file; remove it (the gateway sets \(Self.reserveBytes >> 20) MiB aside there)")
        }
        let result = posix_fallocate(fd, 0, off_t(Self.reserveBytes))
        guard result == 0 else {
            throw GatewayDataError(
                "the data directory's disk has no room for the \(Self.reserveBytes >> 20) MiB the gateway sets aside for a full disk's last writes (\(String(cString: strerror(result)))); free space on it (nothing is lost meanwhile: what was stored is kept, and the sources' data waits)")
        }
    }

    /// Frees the space set aside (`makeReserve`); false when there was none.
    public func releaseReserve() -> Bool {
        unlink((directory as NSString).appendingPathComponent(Self.reserveName)) == 0
    }

    /// Makes the data directory if it is missing, after `checkDirectory`: nobody's but the
    /// gateway's user's and group's, whatever the umask (the packaged unit's is 027; a shell's
    /// 022), since it holds the visit history, customer ids and the pseudonyms' key.
    public static func makeDirectory(_ directory: String) throws {
        try checkDirectory(directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw GatewayDataError("cannot create the data directory \(directory) (\((error as NSError).localizedDescription)); check the path and that the footfall user may write its parent")
        }
    }

    /// Whether `directory` could be the data directory, without making it: a directory the
    /// process may write, or a path whose nearest existing folder it may write.
    public static func checkDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw GatewayDataError("\(directory) is a file, not a data directory; give a directory (it is made if missing), e.g. /var/lib/footfall")
            }
            if let problem = writeProblem(directory) { throw GatewayDataError("the data directory \(directory) \(problem)") }
            return
        }
        // Up to the nearest folder there is: a relative path ends at the working directory
        // (`.footfall/demo-store` at `.`), an absolute one at `/` at the latest. A folder this
        // user cannot look into (a home directory of 0700) is said, not taken as missing.
        var ancestor = directory
        var found: stat
        while true {
            let up = (ancestor as NSString).deletingLastPathComponent
            ancestor = up.isEmpty || up == ancestor ? (ancestor.hasPrefix("/") ? "/" : ".") : up
            found = stat()
            if stat(ancestor, &found) == 0 { break }
            let error = errno
            guard error == ENOENT, ancestor != "/", ancestor != "." else {
                throw GatewayDataError(
                    "cannot create the data directory \(directory): \(ancestor) cannot be looked into (\(String(cString: strerror(error)))); give --data a directory this user can reach, e.g. /var/lib/footfall")
            }
        }
        guard found.st_mode & S_IFMT == S_IFDIR else {
            throw GatewayDataError("cannot create the data directory \(directory) (\(ancestor) is not a folder); check the path")
        }
        if let problem = writeProblem(ancestor) {
            throw GatewayDataError("cannot create the data directory \(directory): \(ancestor) \(problem)")
        }
    }

    /// Why this process cannot write in `directory`, and what to do; nil when it can. Root may
    /// write anywhere but on a file system mounted read-only, whose fix is another.
    static func writeProblem(_ directory: String) -> String? {
        guard access(directory, W_OK) != 0 else { return nil }
        if errno == EROFS {
            return "is on a file system mounted read-only; remount it read-write or give a data directory on another"
        }
        return "is not writable by this user; give it to the user footfall runs as"
    }

    /// What to do when `paths` (the data directory first) cannot be opened for writing: a
    /// read-only file system (as a disk error leaves it), a file whose mode keeps its own user
    /// out, or another owner; nil when none of these is the cause.
    static func remedy(for paths: [String], error: Int32? = nil) -> String? {
        var system = statvfs()
        if error == EROFS || (statvfs(paths[0], &system) == 0 && system.f_flag & UInt(ST_RDONLY) != 0) {
            return "; the file system of \(paths[0]) is read-only (a disk error remounts it so: see `dmesg`); fix the disk, and remount it read-write"
        }
        if let owned = ownership(of: paths) { return owned }
        for path in paths.dropFirst() where access(path, F_OK) == 0 && access(path, W_OK) != 0 {
            var found = stat()
            let mode = stat(path, &found) == 0 ? String(found.st_mode & 0o777, radix: 8) : "?"
            return "; \(path) is mode \(mode), not writable by its own user: chmod u+w it"
        }
        return nil
    }

    /// "; it is owned by …" with the command that gives the files to this process's user, for
    /// the first of `paths` that is another user's (a first start as root, then the service);
    /// nil when they are all this user's (or this is root, which any owner suits).
    static func ownership(of paths: [String]) -> String? {
        let me = geteuid()
        guard me != 0 else { return nil }
        for path in paths {
            var found = stat()
            guard stat(path, &found) == 0, found.st_uid != me else { continue }
            let owner = getpwuid(found.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(found.st_uid)"
            let user = getpwuid(me).map { String(cString: $0.pointee.pw_name) } ?? "\(me)"
            let folder = paths[0]
            return "; \(path) is owned by \(owner), not by \(user), which footfall runs as: give the data directory to it (sudo chown -R \(user): \(folder))"
        }
        return nil
    }

    /// The 32-byte secret at `path`, made (0600 from its first byte) when there is none; one
    /// there but unreadable or of another size is an error, never replaced. `place` names the
    /// folder it lives in for the messages.
    public static func loadOrCreateKey(at path: String, place: String = "the data directory") throws -> [UInt8] {
        // A key that is there but cannot be read is said as such (it would otherwise be taken
        // as missing, and making a new one fail with "File exists").
        if access(path, F_OK) == 0, access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            let folder = (path as NSString).deletingLastPathComponent
            throw GatewayDataError("cannot read \(path) (\(reason))\(ownership(of: [folder, path]) ?? "; check its mode (0600) and owner")")
        }
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else {
                throw GatewayDataError("\(path) is \(data.count) bytes, not a 32-byte key; restore it from backup or remove it to start new pseudonyms")
            }
            return Array(data)
        }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        // Written whole, 0600 from its first byte, under another name, then linked into place:
        // a crash or a full disk leaves no key at all rather than a part of one.
        let temporary = path + ".new-\(getpid())"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GatewayDataError("cannot create \(temporary) (\(String(cString: strerror(errno)))); check \(place) is writable") }
        defer { unlink(temporary) }
        let written = key.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = written == key.count && fsync(fd) == 0
        let failure = errno
        close(fd)
        guard synced else {
            throw GatewayDataError("cannot write \(path) (\(String(cString: strerror(failure)))); check \(place)'s disk")
        }
        // link(2), not rename(2): a key another process made meanwhile is kept, not replaced.
        if link(temporary, path) != 0 {
            let linkError = errno  // before any other call sets it
            guard linkError == EEXIST, let data = FileManager.default.contents(atPath: path), data.count == 32 else {
                throw GatewayDataError("cannot create \(path) (\(String(cString: strerror(linkError)))); check \(place) is writable")
            }
            return Array(data)
        }
        return key
    }

    /// Takes away every permission of users outside the file's owner and group.
    static func closeToOthers(_ path: String) {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o007 != 0 else { return }
        _ = chmod(path, mode_t(mode & 0o770))
    }

    /// The visit history in this directory's database, as the presence stage reads it.
    public var visitHistory: SQLiteVisitHistory { SQLiteVisitHistory(database: database) }
}

public struct GatewayDataError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
