import FootfallCore
import Foundation
import Hummingbird

/// `GET /api/analytics?from=&to=&bucket=hour|day` (docs/api.md, docs/analytics.md): the store
/// analytics kept on the gateway, every bucket of the range, zeros where nothing happened.
enum AnalyticsAPI {
    static func answer(_ request: Request, _ d: APIServer.Dependencies) async throws -> Response {
        guard let database = d.database else {
            return APIServer.json(["error": "this gateway sends its observations upstream and counts nothing; ask the locating gateway"], status: .notFound)
        }
        let parameters = request.uri.queryParameters
        let query: AnalyticsQuery
        do {
            query = try AnalyticsQuery(
                from: parameters.get("from"), to: parameters.get("to"), bucket: parameters.get("bucket"), now: d.now())
        } catch let invalid as AnalyticsQuery.Invalid {
            return APIServer.json(["error": invalid.description, "parameter": invalid.parameter], status: .badRequest)
        }
        let counts = try await database.analyticsCounts(from: query.from, to: query.to)
        let summary = AnalyticsSummary(
            counts: counts, from: query.from, to: query.to, bucket: query.bucket, zones: d.configuration.layout.zones.map(\.id))
        return APIServer.bytes(Data(summary.json().utf8), status: .ok)
    }
}
