import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Storage
import Testing

/// `footfall report` through the binary, on a data directory holding one visit's counts.
@Suite struct ReportCommandTests {
    static func dataDirectory() throws -> URL {
        let directory = Fixtures.temporaryDirectory("report")
        let data = try GatewayData(directory: directory.path)
        let events = StoreAnalyticsTests.visitEvents()
        try data.database.addAnalytics(StoreAnalyticsTests.tally(events))
        return directory
    }

    @Test func aDayReadsAsOneCSVRowAnHourWithAZeroEveryQuietHourAndTheTotal() async throws {
        let directory = try await onAThreadOfItsOwn { try Self.dataDirectory() }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await FootfallProcess.run(
            ["report", "--data", directory.path, "--from", "2026-12-01", "--to", "2026-12-02", "--csv"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        // A heading, 24 hours, the total.
        #expect(lines.count == 26, "\(result.standardOutput)")
        let heading = lines[0].split(separator: ",").map(String.init)
        func column(_ name: String, _ line: String) -> String? {
            heading.firstIndex(of: name).map { line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)[$0] }
        }
        let nine = try #require(lines.first { $0.hasPrefix("2026-12-01T09:00") })
        #expect(column("visitors", nine) == "1" && column("passers_by", nine) == "3" && column("capture_rate", nine) == "0.2500")
        #expect(column("zone_fresh_entries", nine) == "1" && column("identified_returning", nine) == "1")
        let three = try #require(lines.first { $0.hasPrefix("2026-12-01T03:00") })
        #expect(column("visitors", three) == "0" && column("capture_rate", three) == "0.0000")
        #expect(column("start", lines[25]) == "total" && column("visitors", lines[25]) == "1")

        let table = try await FootfallProcess.run(["report", "--data", directory.path, "--from", "2026-12-01", "--to", "2026-12-08"])
        #expect(table.status == 0, "\(table.standardError)")
        #expect(table.standardOutput.contains("by day") && table.standardOutput.contains("2026-12-07") && table.standardOutput.contains("25.0 %"), "\(table.standardOutput)")
    }

    @Test func pruningTheVisitHistoryPrunesTheAnalyticsPastTheRetentionToo() async throws {
        let directory = try await onAThreadOfItsOwn { try Self.dataDirectory() }
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = Fixtures.store("demo-store").path
        let retention = try StoreConfiguration.load(path: store).identity.retentionDays * 86_400
        // The day before the counts pass the retention period: kept; the day after: gone.
        for (daysLater, left) in [(-1.0, 1), (1.0, 0)] {
            let now = StoreAnalyticsTests.midnight + 86_400 + retention + daysLater * 86_400
            let pruned = try await FootfallProcess.run(
                ["visits", "prune", "--config", store, "--data", directory.path, "--now", DelimitedField.number(now)])
            #expect(pruned.status == 0, "\(pruned.standardError)")
            let report = try await FootfallProcess.run(
                ["report", "--data", directory.path, "--from", "2026-12-01", "--to", "2026-12-02", "--bucket", "day", "--csv"])
            let total = report.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
            #expect(total.hasPrefix("total,\(left),"), "\(daysLater): \(pruned.standardOutput) \(report.standardOutput)")
        }
    }

    @Test func aBadArgumentIsOneLineNamingTheOption() async throws {
        let directory = try await onAThreadOfItsOwn { try Self.dataDirectory() }
        defer { try? FileManager.default.removeItem(at: directory) }
        for (arguments, option) in [
            (["--from", "yesterday"], "--from"), (["--from", "2026-12-02", "--to", "2026-12-01"], "--to"),
            (["--bucket", "week"], "--bucket"), (["--from", "2026-01-01", "--to", "2026-12-01", "--bucket", "hour"], "--bucket"),
        ] {
            let result = try await FootfallProcess.run(["report", "--data", directory.path] + arguments)
            #expect(result.status != 0)
            #expect(result.standardError.split(separator: "\n").count == 1 && result.standardError.contains(option), "\(arguments): \(result.standardError)")
        }
        let missing = try await FootfallProcess.run(["report", "--data", directory.appendingPathComponent("nowhere").path])
        #expect(missing.status != 0 && missing.standardError.contains("--data"), "\(missing.standardError)")
    }
}
