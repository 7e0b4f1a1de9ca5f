import FootfallTesting
import Foundation
import Gateway
import Testing

/// The data directory given as `--data` or `data:`: made when missing, refused in one line when
/// it cannot be one.
@Suite struct GatewayDataTests {
    @Test func aFileGivenAsTheDataDirectoryIsRefusedInOneLine() throws {
        let directory = Fixtures.temporaryDirectory("gateway-data")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("hostname").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("gateway\n".utf8)))
        let error = try #require(throws: GatewayDataError.self) { try GatewayData(directory: file) }
        #expect(error.description == "\(file) is a file, not a data directory; give a directory (it is made if missing), e.g. /var/lib/footfall")
        let under = try #require(throws: GatewayDataError.self) { try GatewayData(directory: file + "/data") }
        #expect(under.description.hasPrefix("cannot create the data directory \(file)/data ("), "\(under)")
        #expect(!under.description.contains("\n") && !under.description.contains("UserInfo"), "\(under)")
        // A relative path under folders not yet made (make run's `.footfall/demo-store`) can
        // be made in the working directory; checking it makes nothing.
        let relative = "footfall-not-yet-\(UUID().uuidString)/demo-store"
        #expect(throws: Never.self) { try GatewayData.checkDirectory(relative) }
        #expect(!FileManager.default.fileExists(atPath: relative))
        let made = directory.appendingPathComponent("new/data").path
        _ = try GatewayData(directory: made)
        #expect(FileManager.default.fileExists(atPath: made + "/identity.key"))
        // The history and the key are not for every user, whatever the umask.
        func mode(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int ?? 0o777) & 0o777 }
        #expect(mode(made) & 0o007 == 0, "\(String(mode(made), radix: 8))")
        #expect(mode(made + "/identity.key") == 0o600, "\(String(mode(made + "/identity.key"), radix: 8))")
        #expect(mode(made + "/" + GatewayData.databaseName) & 0o007 == 0, "\(String(mode(made + "/" + GatewayData.databaseName), radix: 8))")
        // A key made by another program keeps working: 32 bytes are the key.
        let reopened = try GatewayData(directory: made)
        #expect(reopened.key.count == 32)
    }

    /// What an operator meets after a first start as root, run as the service's user (here
    /// `nobody`, through setpriv): one line naming the file, its owner and the chown that fixes
    /// it, never SQLite's bare "unable to open database file" or "File exists"; and from a
    /// working directory that user cannot look into (sudo -u from a 0700 home), a line, not a
    /// crash (`run --check` died of SIGILL walking up from `.footfall`).
    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func filesOfAnotherUserOrAFolderItCannotEnterAreSaidInOneLine() async throws {
        let directory = Fixtures.temporaryDirectory("gateway-data-owner")
        defer { try? FileManager.default.removeItem(at: directory) }
        chmod(directory.path, 0o755)
        let data = directory.appendingPathComponent("data").path
        _ = try GatewayData(directory: data)  // made by root, as a first start by hand makes it
        chmod(data, 0o777)
        let store = Fixtures.store("demo-store").path
        let nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        let database = try await FootfallProcess.run(
            ["run", "--config", store, "--data", data, "--listen", "127.0.0.1:0"], timeout: .seconds(300), launcher: nobody)
        #expect(database.status == 1)
        #expect(database.standardError.contains("cannot open \(data)/gateway.sqlite: SQLite error 14"), "\(database.standardError)")
        #expect(database.standardError.contains("is owned by root, not by nobody, which footfall runs as: give the data directory to it (sudo chown -R nobody: \(data))"), "\(database.standardError)")
        chown(data, 65534, 65534)
        chown(data + "/gateway.sqlite", 65534, 65534)
        let key = try await FootfallProcess.run(
            ["run", "--config", store, "--data", data, "--listen", "127.0.0.1:0"], timeout: .seconds(300), launcher: nobody)
        #expect(key.status == 1)
        #expect(key.standardError.contains("cannot read \(data)/identity.key (Permission denied); \(data)/identity.key is owned by root"), "\(key.standardError)")
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        chmod(home.path, 0o700)
        let check = try await FootfallProcess.run(["run", "--config", store, "--check"], currentDirectory: home, timeout: .seconds(300), launcher: nobody)
        #expect(check.status == 1, "\(check.standardError)")
        #expect(check.standardError.contains("cannot create the data directory .footfall: . cannot be looked into (Permission denied)"), "\(check.standardError)")
    }

    /// An operator's command as root in the data directory the package gave the service's user
    /// (`sudo footfall visits show --data /var/lib/footfall`, or a first start by hand): the files
    /// it makes there are the directory owner's, so the service can still open its database and
    /// read its key; a link planted there does not carry the chown onto another file.
    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func filesRootMakesInTheServicesDataDirectoryAreTheServices() async throws {
        let directory = Fixtures.temporaryDirectory("gateway-data-root")
        defer { try? FileManager.default.removeItem(at: directory) }
        chmod(directory.path, 0o755)
        let data = directory.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        #expect(chown(data, 65534, 65534) == 0)
        let outside = directory.appendingPathComponent("not-the-gateways").path
        #expect(FileManager.default.createFile(atPath: outside, contents: Data("root's\n".utf8)))
        #expect(link(outside, data + "/" + GatewayData.reserveName) == 0)
        func owner(_ path: String) -> uid_t? {
            var found = stat()
            return lstat(path, &found) == 0 ? found.st_uid : nil
        }
        do {
            // The lock `run` takes first, as `footfall run` takes it.
            let lock = try DataDirectoryLock.acquire(data)
            #expect(owner(data + "/" + DataDirectoryLock.fileName) == 65534)
            _ = lock
            let opened = try GatewayData(directory: data)
            for name in [GatewayData.databaseName, GatewayData.databaseName + "-wal", GatewayData.databaseName + "-shm", GatewayData.keyName] {
                #expect(owner(data + "/" + name) == 65534, "\(name)")
            }
            // The reserve's name is a second link to a file outside: refused or not, it stays root's.
            _ = try? opened.makeReserve()
            #expect(owner(outside) == 0)
            // The service's user, meanwhile, opens the same database and reads the same key.
            let nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            let status = try await FootfallProcess.run(["outbox", "status", "--data", data], timeout: .seconds(300), launcher: nobody)
            #expect(status.status == 0, "\(status.standardError)")
        }
        unlink(data + "/" + GatewayData.reserveName)
        let reopened = try GatewayData(directory: data)
        try reopened.makeReserve()
        #expect(owner(data + "/" + GatewayData.reserveName) == 65534)
        #expect(owner(data + "/" + GatewayData.keyName) == 65534)
    }
}
