import FootfallTesting
import Foundation
import GRDB
import Testing

@testable import Storage

/// A database a newer version migrated is refused at open, naming what this version lacks: an
/// older binary installed over it (a downgrade) had started, answered as ready, and failed a
/// second later on a table the newer version had renamed, or written rows it would misread.
@Suite struct SchemaVersionTests {
    @Test func aDatabaseANewerVersionMigratedIsRefusedAtOpen() throws {
        let directory = Fixtures.temporaryDirectory("schema")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gateway.sqlite").path
        do {
            let database = try GatewayDatabase(path: path)
            try database.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')") }
        }
        #expect {
            _ = try GatewayDatabase(path: path)
        } throws: { error in
            let text = "\(error)"
            return error is GatewayDatabase.NewerSchema && text.contains("\(path) was migrated by a newer version of footfall (v9-from-the-future")
                && text.contains("install that version again")
        }
        // This version's own database opens again and again.
        let own = directory.appendingPathComponent("own.sqlite").path
        _ = try GatewayDatabase(path: own)
        _ = try GatewayDatabase(path: own)
    }
}
