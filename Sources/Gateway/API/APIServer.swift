import Capture
import FootfallCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Storage

/// The daemon's HTTP API (docs/api.md): health and metrics open; everything else behind the
/// configuration's bearer tokens; remote sensors behind their own tokens.
public enum APIServer {
    public struct Dependencies: Sendable {
        public var configuration: StoreConfiguration
        public var live: LiveState
        public var metrics: GatewayMetrics
        public var bus: InputBus
        /// Wall-clock seconds: the daemon's `Timing.now`, so tests check clock skew
        /// deterministically.
        public var now: @Sendable () -> Double
        public var status: @Sendable () async -> [String: String]
        /// The gateway database the analytics are read from; nil on a sensor gateway, which
        /// counts nothing.
        public var database: GatewayDatabase?
        /// The points of the survey the locator's radio map is made of (0: the path-loss models
        /// alone).
        public var surveyPoints = 0
        /// Meraki posts being read (`MerakiWebhook.mostBodiesAtOnce`).
        let merakiBodies = Admissions(most: MerakiWebhook.mostBodiesAtOnce)
        /// Which of each sensor gateway's observations were taken (`POST /api/observations`).
        let repeats: SensorBatchSequence

        public init(
            configuration: StoreConfiguration, live: LiveState, metrics: GatewayMetrics, bus: InputBus,
            now: @escaping @Sendable () -> Double,
            status: @escaping @Sendable () async -> [String: String] = { [:] }, database: GatewayDatabase? = nil,
            onInterleaved: (@Sendable (SensorID) -> Void)? = nil
        ) {
            self.database = database
            self.repeats = SensorBatchSequence(factory: metrics.factory, onInterleaved: onInterleaved)
            self.configuration = configuration
            self.live = live
            self.metrics = metrics
            self.bus = bus
            self.now = now
            self.status = status
        }

        /// The name the sensor gateways' batch marks (`repeats`) are kept under across a stop.
        public static let batchMarksName = "sensor_batch_marks"

        /// Takes back the batch marks kept at the last stop: a batch taken just before the stop
        /// whose answer was lost, sent again now, is not taken twice. True when some were. They
        /// stay kept until the next stop replaces them (a start that fails after this, an
        /// address in use, loses none; marks read twice are only lower than the truth).
        @discardableResult
        public func takeBackBatchMarks() throws -> Bool {
            guard let database, let kept = try database.keptState(Self.batchMarksName) else { return false }
            try repeats.restore(kept.value)
            return true
        }

        /// Keeps the batch marks for the next start (after the API stopped taking batches).
        public func keepBatchMarks(at time: Double) throws {
            guard let database else { return }
            try database.keepState(Self.batchMarksName, value: repeats.kept(), at: time)
        }
    }

    /// The methods each path of the API takes (HEAD wherever GET is): a path asked with another
    /// is answered `405` with these (`HardeningMiddleware`). Every route below is here
    /// (`APITests.everyPathAnswersItsMethodsAndHEADAndRefusesOthersWith405`).
    public static let methods: [String: [HTTPRequest.Method]] = {
        let get: [HTTPRequest.Method] = [.get, .head]
        var methods = Dictionary(uniqueKeysWithValues: [
            "/healthz", "/readyz", "/metrics", "/", "/analytics", "/api/layout", "/api/occupancy", "/api/devices", "/api/visits",
            "/api/analytics", "/api/status", "/api/stream",
        ].map { ($0, get) })
        methods["/api/observations"] = [.post]
        methods["/api/meraki"] = get + [.post]
        return methods
    }()

    public static func buildRouter(_ d: Dependencies) -> Router<BasicRequestContext> {
        // HEAD is answered as GET without the body (an uptime check's `curl -I /healthz`).
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: HardeningMiddleware(loopbackHostOnly: d.configuration.api.tokens.isEmpty && !d.configuration.api.allowUnauthenticated))
        router.get("healthz") { _, _ -> Response in
            if let fault = await d.live.fault { return json(["status": "failing", "fault": fault], status: .serviceUnavailable) }
            return json(["status": "ok"])
        }
        router.get("readyz") { _, _ -> Response in
            await d.live.ready ? json(["status": "ready"]) : json(["status": "starting"], status: .serviceUnavailable)
        }
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: d.metrics.text())))
        }
        router.post("api/observations") { request, context -> Response in
            try await RemoteObservations.accept(request, context: context, d)
        }
        // Meraki cannot send a bearer token: its posts are checked by the shared secret.
        router.get("api/meraki") { _, _ -> Response in MerakiWebhook.validate(d) }
        router.post("api/meraki") { request, context -> Response in
            try await MerakiWebhook.accept(request, context: context, d)
        }

        let guarded = router.group().add(middleware: BearerAuthMiddleware(tokens: Set(d.configuration.api.tokens)))
        guarded.get("/") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: MapPage.html)))
        }
        guarded.get("analytics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: AnalyticsPage.html)))
        }
        guarded.get("api/layout") { _, _ -> Response in encode(LayoutDocument(d.configuration)) }
        guarded.get("api/occupancy") { _, _ -> Response in
            let snapshot = await d.live.snapshotOccupancy()
            return encode(OccupancyDocument(zones: snapshot.zones, visitors: snapshot.visitors, devices: snapshot.devices, inside: snapshot.inside))
        }
        guarded.get("api/devices") { _, _ -> Response in encode(await d.live.snapshotDevices()) }
        guarded.get("api/visits") { _, _ -> Response in encode(await d.live.snapshotVisits()) }
        guarded.get("api/analytics") { request, _ -> Response in try await AnalyticsAPI.answer(request, d) }
        guarded.get("api/status") { _, _ -> Response in
            let counters = await d.live.counters()
            let visits = await d.live.visitLengths
            let occupancy = await d.live.snapshotOccupancy()
            let radio = await d.live.learntRadio
            let status = StatusDocument(
                store: d.configuration.layout.id, gateway: d.configuration.gatewayID, ready: await d.live.ready,
                fault: await d.live.fault, startedAt: counters.startedAt, lastInputAt: counters.lastInputAt,
                observationsBySensor: counters.observations, observationsLateBySensor: counters.late, eventsByType: counters.events,
                visitsEnded: visits.ended, visitsUnderAMinute: visits.underAMinute,
                devicesTracked: occupancy.devices, visitorsPresent: occupancy.visitors, droppedInputs: d.bus.droppedCount,
                components: await d.status(), surveyPoints: d.surveyPoints, sensorGains: radio?.sensorGains ?? [],
                pathLossExponent: radio?.pathLossExponent)
            return encode(status)
        }
        // HEAD of the stream: its head alone, no subscription (a HEAD made from the GET would
        // subscribe, and never read it).
        guarded.head("api/stream") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers)
        }
        guarded.get("api/stream") { _, _ -> Response in
            let subscription = await d.live.subscription()
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": footfall live stream\n\n"))
                // The stream has no end of its own: on shutdown it ends, and so does the
                // response, so that the server can close the connection and the daemon exit.
                try await withGracefulShutdownHandler {
                    for await message in subscription.stream { try await writer.write(ByteBuffer(string: message)) }
                } onGracefulShutdown: {
                    subscription.end()
                }
                try await writer.finish(nil)
            })
        }
        return router
    }

    /// Whether the request's `Content-Length` already says its body is over `limit`: refused
    /// before a byte of it is read, rather than after `limit` bytes.
    static func announcesMoreThan(_ limit: Int, _ request: Request) -> Bool {
        guard let length = request.headers[.contentLength].flatMap({ Int($0) }) else { return false }
        return length > limit
    }

    static func json(_ object: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return bytes(data, status: status)
    }

    static func encode<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return bytes((try? encoder.encode(value)) ?? Data(), status: status)
    }

    static func bytes(_ data: Data, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
