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
}
