import FootfallCore
import Foundation
import Presence
import Testing

/// The per-device state machine, transition by transition, on a 10 × 10 m store with two zones.
@Suite struct DeviceVisitTests {
    static let layout = StoreLayout(
        id: "box", outline: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10)),
        zones: [
            Zone(id: "front", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 5)), dwellAfter: 30),
            Zone(id: "back", polygon: Polygon(rectangleFrom: Point(x: 0, y: 5), to: Point(x: 10, y: 10)), dwellAfter: 30),
        ])
    static let settings = StoreConfiguration.PresenceSettings()

    var visit = DeviceVisit()

    func estimate(_ t: Double, zone: String?, inside: Bool = true) -> PositionEstimate {
        PositionEstimate(time: t, device: "d", position: Point(x: 5, y: zone == "back" ? 8 : 2), uncertainty: 1, zone: zone, insideStore: inside)
    }

    mutating func feed(_ times: some Sequence<Double>, zone: String?, inside: Bool = true) -> [DeviceVisit.Transition] {
        var all: [DeviceVisit.Transition] = []
        for t in times {
            all += visit.observe(estimate(t, zone: zone, inside: inside), layout: Self.layout, settings: Self.settings)
            all += visit.tick(t, layout: Self.layout, settings: Self.settings)
        }
        return all
    }

    @Test mutating func aDeviceInsideForFifteenSecondsEntersStampedWithItsFirstInsideTime() {
        let transitions = feed(stride(from: 100.0, through: 115, by: 1), zone: "front")
        #expect(transitions.first == .entered(at: 100))
        // In the front zone since it was first placed there, not since the visit was decided.
        #expect(transitions.contains(.zoneEntered("front", at: 100)))
        #expect(visit.isVisiting)
    }

    @Test mutating func fourteenSecondsInsideIsNotYetAVisit() {
        let transitions = feed(stride(from: 100.0, through: 114, by: 1), zone: "front")
        #expect(transitions.isEmpty)
        #expect(!visit.isVisiting)
    }

    @Test mutating func aDeviceNeverInsideLongEnoughIsAPasserByOnceGone() {
        _ = feed(stride(from: 0.0, through: 10, by: 1), zone: nil, inside: true)
        _ = feed(stride(from: 11.0, through: 40, by: 1), zone: nil, inside: false)
        let gone = visit.tick(40 + 120, layout: Self.layout, settings: Self.settings)
        #expect(gone == [.passedBy(lastHeard: 40)])
        #expect(visit.isFinished)
    }

    @Test mutating func aBriefOutsideEstimateDoesNotRestartTheEntryCountdownButALongOneDoes() {
        _ = feed(stride(from: 0.0, through: 8, by: 1), zone: "front")
        _ = feed([10.0, 12], zone: nil, inside: false)  // 4 s outside: within tolerance
        #expect(feed(stride(from: 13.0, through: 15, by: 1), zone: "front").first == .entered(at: 0))

        var other = DeviceVisitTests()
        _ = other.feed(stride(from: 0.0, through: 8, by: 1), zone: "front")
        _ = other.feed(stride(from: 9.0, through: 20, by: 1), zone: nil, inside: false)  // 12 s outside
        let restarted = other.feed(stride(from: 21.0, through: 36, by: 1), zone: "front")
        #expect(restarted.first == .entered(at: 21))
    }

    /// The box with a door in the middle of its south wall.
    static let withDoor: StoreLayout = {
        var box = layout
        box.entrances = [Point(x: 5, y: 0)]
        return box
    }()

    mutating func feed(_ t: Double, at position: Point, uncertainty: Double = 1, inside: Bool = true) -> [DeviceVisit.Transition] {
        let estimate = PositionEstimate(time: t, device: "d", position: position, uncertainty: uncertainty, zone: nil, insideStore: inside)
        return visit.observe(estimate, layout: Self.withDoor, settings: Self.settings) + visit.tick(t, layout: Self.withDoor, settings: Self.settings)
    }

    @Test mutating func aDeviceFirstPlacedInsideNineMetresFromTheDoorCameInAtLeastThreeAndAHalfSecondsBefore() {
        // Heard outside from 0 s, placed inside at 10 s, 9 m from the door with a 1 m
        // uncertainty: it walked at least 9 − 2·1 = 7 m at 2 m/s, so it has been inside since 6.5 s.
        for t in stride(from: 0.0, through: 9, by: 1) { #expect(feed(t, at: Point(x: 5, y: -2), inside: false).isEmpty) }
        var transitions: [DeviceVisit.Transition] = []
        for t in stride(from: 10.0, through: 21, by: 1) { transitions += feed(t, at: Point(x: 5, y: 9)) }
        #expect(transitions.isEmpty, "15 s after 6.5 s is 21.5 s")
        #expect(feed(22, at: Point(x: 5, y: 9)) == [.entered(at: 6.5)])
    }

    mutating func feed(_ t: Double, at position: Point, probability: Double, inside: Bool) -> [DeviceVisit.Transition] {
        var estimate = PositionEstimate(time: t, device: "d", position: position, uncertainty: 1, zone: nil, insideStore: inside)
        estimate.insideProbability = probability
        return visit.observe(estimate, layout: Self.withDoor, settings: Self.settings) + visit.tick(t, layout: Self.withDoor, settings: Self.settings)
    }

    @Test mutating func aDeviceIsEnteredFromWhenItWasInHindsightMoreProbablyInsideThanOut() {
        // The locate stage's inside probability hesitates from 5 s (0.2 … 0.48) and is sure at
        // 10 s. Smoothed with what came after, 5 s is already more probably inside (0.74): the
        // visit starts there, and is decided 15 s later instead of at 25 s.
        for t in stride(from: 0.0, through: 4, by: 1) { #expect(feed(t, at: Point(x: 5, y: -3), probability: 0.02, inside: false).isEmpty) }
        for (t, p) in [(5.0, 0.2), (6, 0.3), (7, 0.4), (8, 0.45), (9, 0.48)] {
            #expect(feed(t, at: Point(x: 5, y: -1), probability: p, inside: false).isEmpty)
        }
        var transitions: [DeviceVisit.Transition] = []
        for t in stride(from: 10.0, through: 19, by: 1) { transitions += feed(t, at: Point(x: 5, y: 3), probability: 0.9, inside: true) }
        #expect(transitions.isEmpty)
        #expect(feed(20, at: Point(x: 5, y: 3), probability: 0.9, inside: true) == [.entered(at: 5)])
    }

    /// Placed inside, but never two of its uncertainties clear of the wall with the door:
    /// where a passer-by on the pavement is placed as it walks past. It waits
    /// `storefront_wait` (45 s), not `enter_after`; one that walks further in does not.
    @Test mutating func aRunPlacedOnlyJustBehindTheStorefrontWaitsTheStorefrontWait() {
        for t in stride(from: 0.0, through: 9, by: 1) { #expect(feed(t, at: Point(x: 5, y: -3), inside: false).isEmpty) }
        var transitions: [DeviceVisit.Transition] = []
        for t in stride(from: 10.0, through: 54, by: 1) { transitions += feed(t, at: Point(x: 5, y: 1.5)) }
        #expect(transitions.isEmpty, "1.5 m behind the storefront with a 1 m uncertainty is not clear of it")
        #expect(feed(55, at: Point(x: 5, y: 1.5)) == [.entered(at: 10)])

        // The same start, then 4 m in (two uncertainties clear) from 15 s: decided at 10 + 15 s.
        var walksIn = DeviceVisitTests()
        for t in stride(from: 0.0, through: 9, by: 1) { _ = walksIn.feed(t, at: Point(x: 5, y: -3), inside: false) }
        transitions = []
        for t in stride(from: 10.0, through: 14, by: 1) { transitions += walksIn.feed(t, at: Point(x: 5, y: 1.5)) }
        for t in stride(from: 15.0, through: 24, by: 1) { transitions += walksIn.feed(t, at: Point(x: 5, y: 4)) }
        #expect(transitions.isEmpty)
        #expect(walksIn.feed(25, at: Point(x: 5, y: 4)) == [.entered(at: 10)])

        // A passer-by placed just inside for 30 s, then on the pavement and gone: no visit.
        var passes = DeviceVisitTests()
        for t in stride(from: 0.0, through: 9, by: 1) { _ = passes.feed(t, at: Point(x: 0, y: -3), inside: false) }
        transitions = []
        for t in stride(from: 10.0, through: 39, by: 1) { transitions += passes.feed(t, at: Point(x: t / 4, y: 1)) }
        for t in stride(from: 40.0, through: 60, by: 1) { transitions += passes.feed(t, at: Point(x: 10, y: -3), inside: false) }
        #expect(transitions.isEmpty)
        #expect(passes.visit.tick(60 + 120, layout: Self.withDoor, settings: Self.settings) == [.passedBy(lastHeard: 60)])

        // With `storefront_wait` at most `enter_after`, the storefront is not waited for.
        var noWait = Self.settings
        noWait.storefrontWait = 0
        var plain = DeviceVisit()
        transitions = []
        for t in stride(from: 10.0, through: 25, by: 1) {
            let estimate = PositionEstimate(time: t, device: "d", position: Point(x: 8, y: 1.5), uncertainty: 1, zone: nil, insideStore: true)
            transitions += plain.observe(estimate, layout: Self.withDoor, settings: noWait)
        }
        #expect(transitions == [.entered(at: 10)])
    }

    /// The storefront wait and the hindsight together: a run just behind the glass waits 45 s,
    /// and is still dated from when it was, in hindsight, more probably inside than out.
    @Test mutating func aRunJustBehindTheStorefrontIsStillDatedInHindsight() {
        for t in stride(from: 0.0, through: 4, by: 1) { _ = feed(t, at: Point(x: 5, y: -3), probability: 0.02, inside: false) }
        for (t, p) in [(5.0, 0.2), (6, 0.3), (7, 0.4), (8, 0.45), (9, 0.48)] { _ = feed(t, at: Point(x: 5, y: -1), probability: p, inside: false) }
        var transitions: [DeviceVisit.Transition] = []
        for t in stride(from: 10.0, through: 49, by: 1) { transitions += feed(t, at: Point(x: 5, y: 1), probability: 0.9, inside: true) }
        #expect(transitions.isEmpty)
        #expect(feed(50, at: Point(x: 5, y: 1), probability: 0.9, inside: true) == [.entered(at: 5)])
    }

    /// A visit kept by a gateway of the version before the storefront wait (no key for it) is
    /// taken back, and goes on as before.
    @Test mutating func aVisitKeptBeforeTheStorefrontWaitIsTakenBack() throws {
        for t in stride(from: 0.0, through: 20, by: 1) { _ = feed(t, at: Point(x: 5, y: 6)) }
        #expect(visit.isVisiting)
        // Through JSON as the daemon keeps it (`KeptOpenVisits`: a fresh visit's times are -inf).
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(visit)) as? [String: Any])
        object["clearedStorefront"] = nil
        var older = try decoder.decode(DeviceVisit.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.isVisiting)
        let estimate = PositionEstimate(time: 21, device: "d", position: Point(x: 5, y: 6), uncertainty: 1, zone: nil, insideStore: true)
        #expect(older.observe(estimate, layout: Self.withDoor, settings: Self.settings).isEmpty)
    }

    @Test mutating func aPasserByPlacedInsideForTwoSecondsIsNotEnteredInHindsight() {
        for t in stride(from: 0.0, through: 9, by: 1) { _ = feed(t, at: Point(x: 5, y: -3), probability: 0.02, inside: false) }
        _ = feed(10, at: Point(x: 5, y: 1), probability: 0.6, inside: true)
        _ = feed(11, at: Point(x: 5, y: 1), probability: 0.6, inside: true)
        var transitions: [DeviceVisit.Transition] = []
        for t in stride(from: 12.0, through: 40, by: 1) { transitions += feed(t, at: Point(x: 9, y: -3), probability: 0.05, inside: false) }
        #expect(transitions.isEmpty)
        #expect(visit.tick(40 + 120, layout: Self.withDoor, settings: Self.settings) == [.passedBy(lastHeard: 40)])
    }

    @Test mutating func theEarliestBoundOfTheRunOfInsideEstimatesWins() {
        for t in stride(from: 0.0, through: 9, by: 1) { _ = feed(t, at: Point(x: 5, y: -2), inside: false) }
        // At the door (no bound), then 9 m in: since min(10, 11 − 3.5) = 7.5 s.
        _ = feed(10, at: Point(x: 5, y: 1))
        var transitions: [DeviceVisit.Transition] = []
        for t in stride(from: 11.0, through: 22, by: 1) { transitions += feed(t, at: Point(x: 5, y: 9)) }
        #expect(transitions.isEmpty)
        #expect(feed(23, at: Point(x: 5, y: 9)) == [.entered(at: 7.5)])
    }

    @Test mutating func aVisitNeverStartsBeforeTheDeviceWasFirstHeardNorNearTheDoorOrWhenUncertain() {
        // First heard deep inside (an address that rotated mid-visit): counted from then.
        var transitions: [DeviceVisit.Transition] = []
        for t in stride(from: 100.0, through: 115, by: 1) { transitions += feed(t, at: Point(x: 5, y: 9)) }
        #expect(transitions == [.entered(at: 100)])
        // Two metres from the door, or 9 m with a 4.5 m uncertainty: no head start.
        var near = DeviceVisitTests(), vague = DeviceVisitTests()
        for t in stride(from: 0.0, through: 9, by: 1) {
            _ = near.feed(t, at: Point(x: 5, y: -2), inside: false)
            _ = vague.feed(t, at: Point(x: 5, y: -2), inside: false)
        }
        for t in stride(from: 10.0, through: 25, by: 1) {
            transitions = near.feed(t, at: Point(x: 5, y: 2)) + vague.feed(t, at: Point(x: 5, y: 9), uncertainty: 4.5)
            #expect(t < 25 ? transitions.isEmpty : transitions == [.entered(at: 10), .entered(at: 10)])
        }
    }

    @Test mutating func dwellFiresOncePerStayAtTheThresholdAndZoneExitCarriesTheStay() {
        _ = feed(stride(from: 0.0, through: 15, by: 1), zone: "front")
        let stay = feed(stride(from: 16.0, through: 80, by: 1), zone: "front")
        #expect(stay == [.zoneDwell("front", at: 30, threshold: 30)])
        let moved = feed([81.0], zone: "back")
        #expect(moved == [.zoneExited("front", at: 81, dwell: 81), .zoneEntered("back", at: 81)])
        // A short stay in the back: no dwell.
        let back = feed(stride(from: 82.0, through: 95, by: 1), zone: "back")
        #expect(back.isEmpty)
    }

    /// An estimate in `zone`, where the locate stage says the device has been since `since`.
    mutating func observe(_ t: Double, zone: String, since: Double) -> [DeviceVisit.Transition] {
        var e = estimate(t, zone: zone)
        e.zoneSince = since
        return visit.observe(e, layout: Self.layout, settings: Self.settings)
    }

    @Test mutating func aMoveTheLocateStageConfirmedLateIsDatedFromWhenItBegan() {
        // A visit from t = 0, decided at t = 15, in the front zone since t = 0.
        _ = feed(stride(from: 0.0, through: 40, by: 1), zone: "front")
        // Confirmed in the back at t = 41, probably there since t = 31.
        let moved = observe(41, zone: "back", since: 31)
        #expect(moved == [.zoneExited("front", at: 31, dwell: 31), .zoneEntered("back", at: 31)])
        // The dwell clock runs from the stay's start: 30 s after t = 31.
        var dwell: [DeviceVisit.Transition] = []
        for t in stride(from: 42.0, through: 70, by: 1) {
            dwell += observe(t, zone: "back", since: 31) + visit.tick(t, layout: Self.layout, settings: Self.settings)
        }
        #expect(dwell == [.zoneDwell("back", at: 61, threshold: 30)])
        // A start after the estimate is no start: the move is dated by the estimate.
        #expect(observe(71, zone: "front", since: 80) == [
            .zoneExited("back", at: 71, dwell: 40), .zoneEntered("front", at: 71),
        ])
    }

    /// A store that counts a visitor after a minute inside (docs/configuration.md): long enough
    /// for a stay before the visit is decided.
    static let aMinute: StoreConfiguration.PresenceSettings = {
        var settings = StoreConfiguration.PresenceSettings()
        settings.enterAfter = 60
        return settings
    }()

    /// Estimates from `times` in `zone` (none: outside), a visit waiting a minute.
    mutating func observe(_ times: some Sequence<Double>, zone: (Double) -> String?) -> [DeviceVisit.Transition] {
        times.flatMap { t in
            let z = zone(t)
            return visit.observe(estimate(t, zone: z, inside: z != nil), layout: Self.layout, settings: Self.aMinute)
        }
    }

    @Test mutating func theZonesPassedThroughBeforeAVisitIsDecidedAreToldWhenItIs() {
        #expect(observe(stride(from: 0.0, through: 59, by: 1)) { $0 <= 40 ? "front" : "back" }.isEmpty)
        #expect(observe([60.0]) { _ in "back" } == [
            .entered(at: 0), .zoneEntered("front", at: 0),
            .zoneDwell("front", at: 30, threshold: 30), .zoneExited("front", at: 41, dwell: 41), .zoneEntered("back", at: 41),
        ])
        // The run's zones are told once: the next estimate goes on from the back.
        #expect(observe([61.0]) { _ in "back" }.isEmpty)
        #expect(visit.zone == "back")
    }

    @Test mutating func aRunOfInsideEstimatesBrokenByALongStretchOutsideForgetsItsZones() {
        let transitions = observe(stride(from: 0.0, through: 101, by: 1)) { t in
            t <= 20 ? "back" : t <= 40 ? nil : "front"
        }
        #expect(transitions == [
            .entered(at: 41), .zoneEntered("front", at: 41), .zoneDwell("front", at: 71, threshold: 30),
        ])
    }

    @Test mutating func aMoveIsNeverDatedBeforeThePreviousOne() {
        _ = feed(stride(from: 0.0, through: 40, by: 1), zone: "front")
        _ = observe(41, zone: "back", since: 35)
        #expect(observe(42, zone: "front", since: 20) == [
            .zoneExited("back", at: 35, dwell: 0), .zoneEntered("front", at: 35),
        ])
    }

    @Test mutating func aVisitEndsExitAfterItsLastInsideTimeWithTheZonesVisited() {
        _ = feed(stride(from: 0.0, through: 40, by: 1), zone: "front")
        _ = feed(stride(from: 41.0, through: 60, by: 1), zone: "back")
        // The device vanishes mid-visit: nothing more is heard.
        #expect(visit.tick(179, layout: Self.layout, settings: Self.settings).isEmpty)
        let end = visit.tick(180, layout: Self.layout, settings: Self.settings)
        #expect(end.count == 2)
        #expect(end[0] == .zoneExited("back", at: 60, dwell: 19))
        guard case .exited(let start, let last, let zones) = end[1] else {
            Issue.record("expected an exit, got \(end)")
            return
        }
        #expect(start == 0 && last == 60)
        #expect(zones.map(\.zone) == ["front", "back"])
        #expect(zones.map(\.dwellSeconds) == [41, 19])
        #expect(visit.isFinished)
    }

    @Test mutating func anEstimateOlderThanTheLastIsIgnored() {
        _ = feed(stride(from: 0.0, through: 20, by: 1), zone: "front")
        #expect(visit.observe(estimate(5, zone: "back"), layout: Self.layout, settings: Self.settings).isEmpty)
        #expect(visit.zone == "front")
    }

    @Test mutating func aDevicePresentOverSixHoursADayBecomesStaff() {
        var settings = Self.settings
        settings.maxPresence = 60
        var transitions: [DeviceVisit.Transition] = []
        for t in stride(from: 0.0, through: 70, by: 1) {
            transitions += visit.observe(estimate(t, zone: "front"), layout: Self.layout, settings: settings)
        }
        #expect(transitions.contains(.becameStaff))
        #expect(visit.isStaff)
    }

    /// A night shift from 20:00 to 04:00 UTC is one stay across midnight: found as staff after
    /// `max_presence` as a day shift is; a break of `exit_after` starts the count again.
    @Test func aStayAcrossMidnightIsOneStayAndABreakStartsTheCountAgain() throws {
        var settings = Self.settings
        settings.maxPresence = 6 * 3600
        let evening = 1_767_643_200.0  // 2026-01-05T20:00:00Z
        var night = DeviceVisit()
        var found: Double?
        for t in stride(from: evening, through: evening + 8 * 3600, by: 2) {
            if night.observe(estimate(t, zone: "front"), layout: Self.layout, settings: settings).contains(.becameStaff) { found = t }
            _ = night.tick(t, layout: Self.layout, settings: settings)
        }
        let at = try #require(found, "found as staff")
        #expect(at - evening == 6 * 3600 + 2, "\(at - evening)")
        // Four hours, a break of exit_after, four hours: neither stay is six hours long.
        var split = DeviceVisit()
        var staff = false
        for t in stride(from: evening, through: evening + 4 * 3600, by: 2) {
            staff = staff || split.observe(estimate(t, zone: "front"), layout: Self.layout, settings: settings).contains(.becameStaff)
        }
        let back = evening + 4 * 3600 + settings.exitAfter + 10
        for t in stride(from: back, through: back + 4 * 3600, by: 2) {
            staff = staff || split.observe(estimate(t, zone: "front"), layout: Self.layout, settings: settings).contains(.becameStaff)
        }
        #expect(!staff)
    }
}
