import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// The live map at `/` in real headless Chromium, against the real daemon replaying a looped
/// simulated trace: the page must draw the store and move its shoppers, with no script error
/// and nothing fetched from anywhere but the daemon. It takes about 8 s; the limit only
/// catches a hang, with room for a full parallel run that starves it of threads.
@Suite(.timeLimit(.minutes(10))) struct MapPageBrowserTests {
    /// What the test reads off the rendered page (built by `snapshotScript`).
    struct Snapshot: Decodable {
        struct Zone: Decodable { var id: String; var fill: String }
        struct Device: Decodable {
            var id: String
            var x: Double
            var y: Double
            var radius: Double
            var trailPoints: Int
            var drawnWidth: Double
            var outside: Bool
            /// The dot's computed fill and the circle's, as the browser paints them.
            var dotFill: String
            var haloFill: String
        }
        var status: String
        var zones: [Zone]
        var zoneLabels: [String]
        var zoneList: [String]
        var sensors: Int
        var devices: [Device]
        var legend: [String]
        var counters: [String: String]
        var entrances: [String]
        var scaleMetres: Double?
        /// The scale bar's drawn length over the outline's drawn width, and the store's width in metres.
        var scaleWidth: Double
        var outlineWidth: Double

        /// Zones the page has shaded as occupied (more than the empty zone's 0.05 alpha).
        var shadedZones: [String] {
            zones.filter { zone in
                let alpha = zone.fill.split(separator: ",").last.flatMap { Double($0.dropLast().trimmingCharacters(in: .whitespaces)) }
                return (alpha ?? 0) > 0.05
            }.map(\.id)
        }
    }

    static let snapshotScript = #"""
        (() => {
          const attr = (e, name) => e ? e.getAttribute(name) : null;
          const dd = id => document.getElementById(id)?.textContent ?? "";
          return JSON.stringify({
            status: document.getElementById("status")?.textContent ?? "",
            zones: [...document.querySelectorAll("#map polygon.zone")].map(z => ({ id: attr(z, "data-zone"), fill: attr(z, "fill") })),
            zoneLabels: [...document.querySelectorAll("#map text.zone-label")].map(t => t.textContent),
            zoneList: [...document.querySelectorAll("#zones dt")].map(t => t.textContent),
            sensors: document.querySelectorAll("#map [data-sensor]").length,
            devices: [...document.querySelectorAll("#map g[data-device]")].map(g => {
              const dot = g.querySelector("circle.device"), halo = g.querySelector("circle.uncertainty"), trail = g.querySelector("polyline.trail");
              const fill = e => e ? getComputedStyle(e).fill : "";
              return {
                id: attr(g, "data-device"), x: Number(attr(dot, "cx")), y: Number(attr(dot, "cy")), radius: Number(attr(halo, "r")),
                trailPoints: (attr(trail, "points") ?? "").trim().split(/\s+/).filter(Boolean).length,
                drawnWidth: dot ? dot.getBoundingClientRect().width : 0,
                outside: g.classList.contains("outside"), dotFill: fill(dot), haloFill: fill(halo),
              };
            }),
            legend: [...document.querySelectorAll(".legend > div")].map(d => d.textContent.trim()),
            counters: { visitors: dd("visitors"), devices: dd("devices"), outside: dd("outside"), events: dd("events"), dwells: dd("dwells") },
            entrances: [...document.querySelectorAll("#map [data-entrance]")].map(e => attr(e, "data-entrance")),
            scaleMetres: Number(attr(document.querySelector("#map [data-scale-metres]"), "data-scale-metres")) || null,
            scaleWidth: document.querySelector("#map [data-scale-metres]")?.getBoundingClientRect().width ?? 0,
            outlineWidth: document.querySelector("#map polygon.outline")?.getBoundingClientRect().width ?? 0,
          });
        })()
        """#

    @Test func theLiveMapDrawsEveryZoneAndMovesDevicesInChromiumWithinThirtySeconds() async throws {
        _ = try Chromium.locate()
        let layout = try StoreConfiguration.load(path: Fixtures.store("demo-store").path).layout
        let receiver = try await HTTPReceiver.start()
        // Ten times recorded speed: shoppers walk about ten metres a second on the map.
        let setup = try await onAThreadOfItsOwn { try DaemonTests.setup(receiver: receiver, speed: 10, loop: true) }
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let daemon = try FootfallProcess.start(["run", "--config", setup.config, "--data", setup.data], logFile: setup.directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill() }
        let port = try await DaemonClient(daemon, token: "map-token").port

        let browser = try Chromium.launch(
            userDataDirectory: setup.directory.appendingPathComponent("chromium-profile"),
            logFile: setup.directory.appendingPathComponent("chromium.log"))
        defer { browser.close() }
        let page = try await browser.open("http://127.0.0.1:\(port)/?token=map-token")
        let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-map-\(UUID().uuidString).png")

        // Ready: the floor plan drawn, the side panel filled, the stream live, a device placed
        // and a zone shaded by occupancy.
        let zoneIDs = Set(layout.zones.map(\.id)), zoneNames = Set(layout.zones.map(\.name))
        func ready(_ s: Snapshot) -> Bool {
            Set(s.zones.map(\.id)) == zoneIDs && zoneNames.isSubset(of: Set(s.zoneLabels)) && Set(s.zoneList) == zoneNames
                && s.sensors == layout.sensors.count && s.legend.count == 5 && s.status == "live"
                && !s.devices.isEmpty && !s.shadedZones.isEmpty
        }
        var first: Snapshot?
        var lastError: (any Error)?
        // waitUntil looks once more after its deadline, so a test starved of threads past it by
        // a parallel run still judges the page as it is now.
        _ = await waitUntil(timeout: .seconds(120), every: .milliseconds(250)) {
            // While the document replaces about:blank an evaluation can meet a destroyed
            // context: that is "not ready yet", not a failure.
            do {
                let snapshot = try await page.evaluate(Self.snapshotScript, as: Snapshot.self)
                if ready(snapshot) { first = snapshot; return true }
            } catch { lastError = error }
            return false
        }
        guard let first else {
            let last = try? await page.evaluate(Self.snapshotScript)
            Issue.record("""
                the map was not ready within 120 s (every zone, sensor, legend entry, a live stream, a device, a shaded zone); \
                \(await page.saveScreenshot(to: screenshot))
                page: \(last ?? "unreadable: \(lastError.map { "\($0)" } ?? "")")
                daemon: \(daemon.log.suffix(1500))
                """)
            try await receiver.stop()
            return
        }

        // The store's counters are numbers, and devices carry their uncertainty circle.
        for (name, value) in first.counters { #expect(Int(value) != nil, "counter \(name) shows \(value)") }
        #expect(Int(first.counters["devices"] ?? "") ?? 0 > 0, "devices placed is counted")
        #expect(first.devices.allSatisfy { $0.radius >= 0.3 && $0.drawnWidth > 0 }, "every dot is drawn, with a circle of at least 0.3 m")
        // The street door is marked, and the scale bar is 5 m of the 40 m store's drawn width.
        #expect(first.entrances == layout.entrances.map { "\(DelimitedField.number($0.x)),\(DelimitedField.number($0.y))" })
        #expect(first.scaleMetres == 5)
        let storeWidth = layout.outline.vertices.map(\.x).max()! - layout.outline.vertices.map(\.x).min()!
        #expect(abs(first.scaleWidth / first.outlineWidth - 5 / storeWidth) < 0.01, "a 5 m bar is 5 m at the store's scale")
        // The store's count is of devices inside; passers-by are counted apart and drawn unlike
        // shoppers. At each refresh the map becomes the gateway's list of the devices it places
        // (`/api/devices`) and counts it: read right after one (no stream message can come
        // between), the counts are the devices drawn. Counted by the page alone, rings kept 30 s
        // of the browser's clock had shown 51 devices where the gateway placed 46.
        let refreshed = try await page.evaluate("refresh().then(() => \(Self.snapshotScript))", as: Snapshot.self)
        #expect(Int(refreshed.counters["devices"] ?? "") == refreshed.devices.filter { !$0.outside }.count, "\(refreshed.counters)")
        #expect(Int(refreshed.counters["outside"] ?? "") == refreshed.devices.filter(\.outside).count, "\(refreshed.counters)")

        // Moving: soon (the store runs ten times faster than real time) some device is
        // elsewhere by more than 10 cm, and trails have grown.
        let before = Dictionary(first.devices.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func movedDevices(_ snapshot: Snapshot) -> [Snapshot.Device] {
            snapshot.devices.filter { device in
                guard let earlier = before[device.id] else { return false }
                return hypot(device.x - earlier.x, device.y - earlier.y) > 0.1
            }
        }
        var second = first
        _ = await waitUntil(timeout: .seconds(120), every: .milliseconds(250)) {
            // A slow answer is "not yet", not a failure; the expectations below judge the last.
            guard let snapshot = try? await page.evaluate(Self.snapshotScript, as: Snapshot.self) else { return false }
            second = snapshot
            // Two or three passers-by walk the street at a time: one is on it in the first or
            // this snapshot.
            return !movedDevices(second).isEmpty && second.devices.contains { $0.trailPoints >= 2 }
                && (first.devices + second.devices).contains { $0.outside }
        }
        let moved = movedDevices(second)

        // Clean: no script error, nothing fetched from outside the daemon, and the data came
        // from the API and the event stream.
        let events = page.events
        let exceptions = events.compactMap { event in
            event.method == "Runtime.exceptionThrown" ? (try? event.decode(ExceptionThrown.self))?.text ?? "?" : nil
        }
        let consoleErrors = events.compactMap { event -> String? in
            switch event.method {
            case "Runtime.consoleAPICalled":
                guard let call = try? event.decode(ConsoleCall.self), ["error", "assert"].contains(call.type) else { return nil }
                return "console.\(call.type): " + call.args.map(\.text).joined(separator: " ")
            case "Log.entryAdded":
                guard let log = try? event.decode(LogEntry.self), log.entry.level == "error" else { return nil }
                return "\(log.entry.text) (\(log.entry.url ?? "page"))"
            default: return nil
            }
        }
        let requests = events.filter { $0.method == "Network.requestWillBeSent" }.compactMap { try? $0.decode(RequestSent.self).request.url }
        let outside = requests.filter { URLComponents(string: $0).map { $0.host != "127.0.0.1" || $0.port != port } ?? true }
        let paths = Set(requests.compactMap { URLComponents(string: $0)?.path })

        let passed = !moved.isEmpty && exceptions.isEmpty && consoleErrors.isEmpty
        let diagnosis = passed ? "" : await page.saveScreenshot(to: screenshot)
        #expect(!moved.isEmpty, "of \(second.devices.count) devices none moved within a minute; \(diagnosis)")
        #expect(second.devices.contains { $0.trailPoints >= 2 }, "trails are drawn")
        let shoppers = (first.devices + second.devices).filter { !$0.outside }, passers = (first.devices + second.devices).filter(\.outside)
        #expect(!passers.isEmpty, "a passer-by on the street is drawn; \(diagnosis)")
        for passer in passers {
            #expect(shoppers.allSatisfy { $0.dotFill != passer.dotFill && $0.haloFill != passer.haloFill }, "a passer-by looks unlike a shopper: \(passer)")
        }
        #expect(exceptions.isEmpty, "script exceptions: \(exceptions); \(diagnosis)")
        #expect(consoleErrors.isEmpty, "console errors: \(consoleErrors); \(diagnosis)")
        #expect(outside.isEmpty, "requests outside 127.0.0.1:\(port): \(outside)")
        #expect(paths.isSuperset(of: ["/", "/api/layout", "/api/devices", "/api/occupancy", "/api/stream"]), "requests: \(requests)")
        try await receiver.stop()
    }

    struct ExceptionThrown: Decodable {
        struct Details: Decodable {
            struct Exception: Decodable { var description: String? }
            var text: String
            var exception: Exception?
        }
        var exceptionDetails: Details
        var text: String { exceptionDetails.exception?.description ?? exceptionDetails.text }
    }
    struct ConsoleCall: Decodable {
        /// A console argument as text: its value if a string or number, else its description.
        struct Argument: Decodable {
            enum Keys: String, CodingKey { case value, description }
            var text: String
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Keys.self)
                text = (try? c.decode(String.self, forKey: .value)) ?? (try? c.decode(Double.self, forKey: .value)).map { "\($0)" }
                    ?? (try? c.decode(String.self, forKey: .description)) ?? "?"
            }
        }
        var type: String
        var args: [Argument]
    }
    struct LogEntry: Decodable {
        struct Entry: Decodable { var level: String; var text: String; var url: String? }
        var entry: Entry
    }
    struct RequestSent: Decodable {
        struct Request: Decodable { var url: String }
        var request: Request
    }
}
