import ArgumentParser
import FootfallCore
import Foundation
import Gateway
import Storage

/// `footfall report`: the store analytics kept on the gateway (docs/analytics.md) as a table
/// or CSV, for a store manager's spreadsheet.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Visitors, passers-by, capture rate, dwell, zones and returning shoppers by hour or day, from the gateway's analytics.")

    @OptionGroup var data: VisitsCommand.DataOption

    // Taken whatever they look like (`-1` is a value here, refused by the range's own check).
    @Option(parsing: .unconditional, help: ArgumentHelp("Start of the range: \(AnalyticsTime.accepted). Default: six days before --to's day.", valueName: "time"))
    var from: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("End of the range (excluded), as --from. Default: the end of today (UTC).", valueName: "time"))
    var to: String?

    @Option(help: "hour or day. Default: hour for up to two days, day beyond.")
    var bucket: String?

    @Flag(help: "Print CSV (one row per bucket, a total row, zones as columns) instead of a table.")
    var csv = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Report as of this Unix time (default: now).", visibility: .hidden))
    var now: Double?

    func validate() throws {
        _ = try query()
    }

    func query() throws -> AnalyticsQuery {
        do {
            return try AnalyticsQuery(from: from, to: to, bucket: bucket, now: now ?? Date().timeIntervalSince1970)
        } catch let invalid as AnalyticsQuery.Invalid {
            throw ValidationError("--\(invalid.parameter) \(invalid.problem)")
        }
    }

    func run() throws {
        let query = try query()
        let gateway = try data.open()
        let zones = try data.loadConfiguration()?.layout.zones.map(\.id) ?? []
        let counts = try gateway.database.analyticsCounts(from: query.from, to: query.to)
        let summary = AnalyticsSummary(counts: counts, from: query.from, to: query.to, bucket: query.bucket, zones: zones)
        print(csv ? AnalyticsTable.csv(summary) : AnalyticsTable.text(summary), terminator: "")
    }
}
