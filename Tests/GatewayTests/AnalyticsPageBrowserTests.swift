import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Storage
import Testing

/// The analytics page at `/analytics` in real headless Chromium, at a tablet's width, against
/// the real daemon: every chart drawn with data, no script error, nothing fetched from anywhere
/// but the daemon; its screenshot is docs/analytics.png, which README shows.
@Suite(.timeLimit(.minutes(10))) struct AnalyticsPageBrowserTests {
    /// What the test reads off the rendered page.
    struct Snapshot: Decodable {
        var status: String
        var kpis: [String: String]
        var visitorBars: [Double]
        var passerBars: [Double]
        var capturePoints: Int
        var dwellBars: [Double]
        var returningBars: [Double]
        var heatRows: [String]
        var heatCells: [Double]
        var heatNote: String
        var statusClass: String
        var stale: Bool
        var title: String
    }

    static let snapshotScript = #"""
        (() => {
          const values = selector => [...document.querySelectorAll(selector)].map(e => Number(e.getAttribute("data-value")));
          const kpis = {};
          for (const dd of document.querySelectorAll("#kpis dd")) kpis[dd.id] = dd.textContent;
          return JSON.stringify({
            status: document.getElementById("status")?.textContent ?? "",
            kpis,
            visitorBars: values("#traffic rect.bar-visitors"),
            passerBars: values("#traffic rect.bar-passers"),
            capturePoints: Number(document.querySelector("#traffic polyline.capture")?.getAttribute("data-points") ?? 0),
            dwellBars: values("#dwell rect.bar-dwell"),
            returningBars: values("#returning rect"),
            heatRows: [...new Set([...document.querySelectorAll("#heatmap rect.cell")].map(e => e.getAttribute("data-zone")))],
            heatCells: values("#heatmap rect.cell"),
            heatNote: document.getElementById("heatmap-note")?.textContent ?? "",
            statusClass: document.getElementById("status")?.className ?? "",
            stale: document.querySelector("main")?.className === "stale",
            title: document.getElementById("title")?.textContent ?? "",
          });
        })()
        """#

    /// 2026-01-05, the simulated trace's day (it starts at 09:00).
    static let day = 1_767_571_200.0

    /// The other opening hours of the trace's day, so the screenshot shows a whole day: the
    /// daemon counts 09:00 from the simulated trace itself; these are written beforehand
    /// through the same store, as a gateway that ran all day would have written them.
    static func seedTheRestOfTheDay(dataDirectory: String, zones: [String], day: Double = day) throws {
        let visitorsByHour: [Int: Int] = [8: 9, 10: 18, 11: 26, 12: 31, 13: 28, 14: 22, 15: 20, 16: 24, 17: 29, 18: 21, 19: 8]
        var tally = AnalyticsTally(engagedAfter: 300)
        for (hour, visitors) in visitorsByHour {
            let at = day + Double(hour) * 3600
            tally.add(.visitors, at: at, count: visitors)
            tally.add(.passersBy, at: at, count: visitors * 3 / 2 + hour % 4)
            tally.add(.engagedVisitors, at: at, count: visitors / 2)
            for (bucket, share) in zip(AnalyticsMetric.dwellBuckets, [0.15, 0.25, 0.35, 0.15, 0.07, 0.03]) {
                tally.add(bucket, at: at, count: Int((Double(visitors) * share).rounded()))
            }
            tally.add(.identifiedFirstTime, at: at, count: visitors / 6)
            tally.add(.identifiedWeekly, at: at, count: visitors / 8)
            tally.add(.identifiedMonthly, at: at, count: visitors / 10)
            tally.add(.identifiedDaily, at: at, count: visitors / 20)
            for (index, zone) in zones.enumerated() {
                let weight = Double((index * 7 + hour * 3) % 10 + 1) / 10
                tally.add(.zoneEntries, zone: zone, at: at, count: Int(Double(visitors) * weight))
                tally.add(.zoneSeconds, zone: zone, at: at, count: Int(Double(visitors) * weight * 240))
                tally.add(.zoneDwells, zone: zone, at: at, count: Int(Double(visitors) * weight / 3))
            }
        }
        let data = try GatewayData(directory: dataDirectory)
        try data.database.addAnalytics(tally)
    }

    @Test func theAnalyticsPageDrawsEveryChartWithDataOnATablet() async throws {
        _ = try Chromium.locate()
        let layout = try StoreConfiguration.load(path: Fixtures.store("demo-store").path).layout
        let receiver = try await HTTPReceiver.start()
        let setup = try await onAThreadOfItsOwn { try DaemonTests.setup(receiver: receiver, speed: 0) }
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        try await onAThreadOfItsOwn {
            try Self.seedTheRestOfTheDay(dataDirectory: setup.data, zones: layout.zones.map(\.id))
            // A day more than a week before the trace's: the daemon compacts it into a day row.
            try Self.seedTheRestOfTheDay(dataDirectory: setup.data, zones: layout.zones.map(\.id), day: Self.day - 16 * 86_400)
        }
        let daemon = try FootfallProcess.start(["run", "--config", setup.config, "--data", setup.data], logFile: setup.directory.appendingPathComponent("daemon.log"))
        defer { daemon.kill() }
        let client = try await DaemonClient(daemon, token: "map-token")
        // The trace's 09:00 counted (its visits end a few minutes after the trace does).
        var nine = 0
        _ = try await waitUntil(timeout: .seconds(60), every: .milliseconds(250)) {
            let answer = try await client.get("/api/analytics?from=2026-01-05T09:00:00Z&to=2026-01-05T10:00:00Z&bucket=hour")
            nine = ((answer.json?["totals"] as? [String: Any])?["dwell_histogram"] as? [Int])?.reduce(0, +) ?? 0
            return nine >= 5
        }
        #expect(nine >= 5, "the daemon counted \(nine) ended visits at 09:00\n\(daemon.log.suffix(1500))")

        let browser = try Chromium.launch(
            userDataDirectory: setup.directory.appendingPathComponent("chromium-profile"),
            logFile: setup.directory.appendingPathComponent("chromium.log"))
        defer { browser.close() }
        let page = try await browser.open("about:blank")
        // A 10-inch tablet held sideways, at twice its density: as wide as the page is laid out for.
        _ = try await browser.send(
            "Emulation.setDeviceMetricsOverride", ["width": 1024, "height": 1180, "deviceScaleFactor": 1, "mobile": false], session: page.sessionID)
        _ = try await browser.send(
            "Page.navigate", ["url": "http://127.0.0.1:\(client.port)/analytics?token=map-token&from=2026-01-05&to=2026-01-05"], session: page.sessionID)

        var snapshot: Snapshot?
        var lastError: (any Error)?
        _ = await waitUntil(timeout: .seconds(120), every: .milliseconds(250)) {
            do {
                let s = try await page.evaluate(Self.snapshotScript, as: Snapshot.self)
                if s.status.hasPrefix("ready") { snapshot = s; return true }
            } catch { lastError = error }
            return false
        }
        let diagnosis = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-analytics-\(UUID().uuidString).png")
        guard let s = snapshot else {
            Issue.record("the page was not ready in 120 s: \(lastError.map { "\($0)" } ?? "") \(await page.saveScreenshot(to: diagnosis))")
            try await receiver.stop()
            return
        }
        // Visitors and passers-by for each of the day's 24 hours, with the capture rate.
        #expect(s.visitorBars.count == 24 && s.passerBars.count == 24 && s.capturePoints == 24)
        #expect(s.visitorBars[9] >= 5 && s.visitorBars[12] == 31 && s.visitorBars[3] == 0, "\(s.visitorBars)")
        // 09:00's passers-by come with the traffic interval's end, which the 6-minute trace never reaches.
        #expect(s.passerBars.filter { $0 > 0 }.count >= 11)
        #expect(s.dwellBars.count == 6 && s.dwellBars.filter { $0 > 0 }.count >= 4, "\(s.dwellBars)")
        #expect(s.returningBars.count == 6 && s.returningBars.filter { $0 > 0 }.count >= 4, "\(s.returningBars)")
        #expect(Set(s.heatRows) == Set(layout.zones.map(\.id)) && s.heatCells.count == 24 * layout.zones.count)
        #expect(s.heatCells.filter { $0 > 0 }.count >= 12 * layout.zones.count, "every zone has time of day")
        #expect(Int(s.kpis["kpi-visitors"] ?? "") ?? 0 >= 236 + 5 && (s.kpis["kpi-capture"] ?? "").hasSuffix("%"), "\(s.kpis)")

        let events = page.events
        let exceptions = events.filter { $0.method == "Runtime.exceptionThrown" }.map { String(decoding: $0.params, as: UTF8.self) }
        let requests = events.filter { $0.method == "Network.requestWillBeSent" }
            .compactMap { try? $0.decode(MapPageBrowserTests.RequestSent.self).request.url }
        // data: URLs are the browser's own (the date input's calendar icon), not fetched.
        let outside = requests.filter { !$0.hasPrefix("data:") }
            .filter { URLComponents(string: $0).map { $0.host != "127.0.0.1" || $0.port != client.port } ?? true }
        #expect(exceptions.isEmpty, "script exceptions: \(exceptions)")
        #expect(outside.isEmpty, "requests outside the daemon: \(outside)")
        #expect(requests.contains { $0.contains("/api/analytics?") })
        // The screenshot README shows: a PNG of the page, written over docs/analytics.png only
        // when asked (FOOTFALL_SCREENSHOTS=1), since every rendering differs by a few bytes and
        // would leave the committed file changed after each test run.
        let screenshot = try await page.screenshot()
        #expect(screenshot.count > 10_000 && screenshot.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(screenshot.count) bytes, not a PNG of the page")
        if ProcessInfo.processInfo.environment["FOOTFALL_SCREENSHOTS"] == "1" {
            try screenshot.write(to: Fixtures.packageRoot.appendingPathComponent("docs/analytics.png"))
        }

        // A day older than a week is kept without its time of day: shown by day, not as one
        // busy midnight hour, and left out of the zones by time of day, which says so.
        @Sendable func show(_ query: String, until done: @escaping @Sendable (Snapshot) -> Bool) async throws -> Snapshot? {
            _ = try await browser.send(
                "Page.navigate", ["url": "http://127.0.0.1:\(client.port)/analytics?token=map-token&\(query)"], session: page.sessionID)
            var shown: Snapshot?
            _ = await waitUntil(timeout: .seconds(120), every: .milliseconds(250)) {
                shown = try? await page.evaluate(Self.snapshotScript, as: Snapshot.self)
                return shown.map(done) ?? false
            }
            return shown
        }
        let old = try await show("from=2025-12-20&to=2025-12-20") { $0.status.hasPrefix("ready") && $0.title.contains("2025-12-20") }
        #expect(old?.visitorBars.count == 1 && old?.visitorBars.first == 236, "one day's bar: \(String(describing: old))")
        #expect(old?.heatCells.allSatisfy { $0 == 0 } == true && old?.heatNote.contains("kept for the last 7 days") == true, "\(String(describing: old))")
        // A range the gateway refuses is said beside the dates; the figures left are greyed out.
        // (Each waited for by its own message: until the new page has loaded, the last one answers.)
        let refused = try await show("from=2020-01-01&to=2026-01-05") { $0.statusClass == "error" && $0.status.contains("400 days") }
        #expect(refused?.stale == true && refused?.status.contains("400 days") == true, "\(String(describing: refused))")
        let notADate = try await show("from=yesterday&to=2026-01-05") { $0.statusClass == "error" && $0.status.contains("pick a start") }
        #expect(notADate?.status.contains("pick a start and an end date") == true, "\(String(describing: notADate))")
        // Stopping, the daemon counts the passers-by of the traffic interval the trace ended in.
        await daemon.killOnItsOwnThread(SIGTERM)
        let passersAtNine = try await onAThreadOfItsOwn {
            try GatewayData(directory: setup.data).database.analyticsCounts(from: Self.day + 9 * 3600, to: Self.day + 10 * 3600)
                .filter { $0.metric == .passersBy }.map(\.value).reduce(0, +)
        }
        #expect(passersAtNine > 0, "\(daemon.log.suffix(1000))")
        try await receiver.stop()
    }
}
