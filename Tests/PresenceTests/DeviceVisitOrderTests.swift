import FootfallCore
import FootfallTesting
import Presence
import Testing

/// Issue #16: the events of a visit are dated in the order they happened, whatever the locate
/// stage reports in hindsight, and a dwell is never told of a stay that turns out shorter than
/// its threshold. The box store of `DeviceVisitTests`: two zones with a 30 s dwell threshold.
@Suite struct DeviceVisitOrderTests {
    static let layout = DeviceVisitTests.layout
    static let settings = StoreConfiguration.PresenceSettings()

    var visit: DeviceVisit

    init(zoneHindsight: Double = 10) { visit = DeviceVisit(zoneHindsight: zoneHindsight) }

    /// An estimate at `t` inside the store, in `zone` since `since` (as the locate stage says;
    /// the front zone since the visit's start unless told).
    mutating func observe(_ t: Double, zone: String?, since: Double? = nil, inside: Bool = true) -> [DeviceVisit.Transition] {
        var estimate = PositionEstimate(
            time: t, device: "d", position: Point(x: 5, y: zone == "back" ? 8 : 2), uncertainty: 1, zone: zone, insideStore: inside)
        estimate.zoneSince = since ?? (zone == "front" ? 0 : nil)
        return visit.observe(estimate, layout: Self.layout, settings: Self.settings)
            + visit.tick(t, layout: Self.layout, settings: Self.settings)
    }

    mutating func stay(_ times: some Sequence<Double>, zone: String?, since: Double? = nil, inside: Bool = true) -> [DeviceVisit.Transition] {
        times.flatMap { observe($0, zone: zone, since: since, inside: inside) }
    }

    static func times(_ transitions: [DeviceVisit.Transition]) -> [Double] {
        transitions.compactMap {
            switch $0 {
            case .entered(let at), .zoneEntered(_, let at), .zoneDwell(_, let at, _), .zoneExited(_, let at, _): at
            case .exited(_, let end, _): end
            case .passedBy, .becameStaff: nil
            }
        }
    }

    @Test mutating func aDwellIsDecidedTheHindsightAfterItsThresholdAndCarriesTheThresholdMoment() {
        // In the front zone from t = 0 (the visit decided at 15): threshold at 30, decided at 40.
        let early = stay(stride(from: 0.0, through: 39, by: 1), zone: "front")
        #expect(!early.contains { if case .zoneDwell = $0 { true } else { false } })
        #expect(observe(40, zone: "front") == [.zoneDwell("front", at: 30, threshold: 30)])
    }

    /// An estimate in the front zone that the locate stage says is settled until `settled`.
    mutating func observe(_ t: Double, settled: Double) -> [DeviceVisit.Transition] {
        var estimate = PositionEstimate(time: t, device: "d", position: Point(x: 5, y: 2), uncertainty: 1, zone: "front")
        estimate.zoneSince = 0
        estimate.zoneSettledUntil = settled
        return visit.observe(estimate, layout: Self.layout, settings: Self.settings)
            + visit.tick(t, layout: Self.layout, settings: Self.settings)
    }

    @Test mutating func aDwellIsDecidedAsSoonAsTheLocateStageSaysTheStayIsSettledPastItsThreshold() {
        // Each estimate in the zone, none straying: settled to its own time. The dwell is
        // decided at the threshold, not the hindsight later, while the shopper is still there.
        let early = (0...29).flatMap { observe(Double($0), settled: Double($0)) }
        #expect(!early.contains { if case .zoneDwell = $0 { true } else { false } })
        #expect(observe(30, settled: 30) == [.zoneDwell("front", at: 30, threshold: 30)])
    }

    @Test mutating func aStrayPendingAcrossTheBorderHoldsTheDwellBackUntilItIsOverOrTheHindsightHasPassed() {
        _ = (0...27).flatMap { observe(Double($0), settled: Double($0)) }
        // From 28 the estimates stray across the border within the margin: a move confirmed
        // later would be dated 28, before the threshold.
        let straying = (28...39).flatMap { observe(Double($0), settled: 28) }
        #expect(!straying.contains { if case .zoneDwell = $0 { true } else { false } })
        // The hindsight (10 s) has passed since the threshold: no move can be dated before it.
        #expect(observe(40, settled: 30) == [.zoneDwell("front", at: 30, threshold: 30)])
    }

    @Test mutating func aStrayConfirmedAsAMoveAfterTheThresholdEndsTheStayWithoutADwell() {
        _ = (0...27).flatMap { observe(Double($0), settled: Double($0)) }
        _ = (28...33).flatMap { observe(Double($0), settled: 28) }
        let moved = observe(34, zone: "back", since: 28)
        #expect(moved == [.zoneExited("front", at: 28, dwell: 28), .zoneEntered("back", at: 28)])
    }

    @Test mutating func aMoveConfirmedLateAndDatedBeforeTheThresholdEndsTheStayWithoutADwell() {
        _ = stay(stride(from: 0.0, through: 35, by: 1), zone: "front")
        // At t = 36 the locate stage confirms the back zone, where the device has been since 27.
        let moved = observe(36, zone: "back", since: 27)
        #expect(moved == [.zoneExited("front", at: 27, dwell: 27), .zoneEntered("back", at: 27)])
    }

    @Test mutating func aStayPastItsThresholdThatEndsBeforeItsDwellIsDecidedDwellsJustBeforeItsExit() {
        _ = stay(stride(from: 0.0, through: 35, by: 1), zone: "front")
        let moved = observe(36, zone: "back", since: 33)
        #expect(moved == [
            .zoneDwell("front", at: 30, threshold: 30), .zoneExited("front", at: 33, dwell: 33), .zoneEntered("back", at: 33),
        ])
    }

    @Test mutating func aMoveDatedBeforeTheVisitsLatestEventIsDatedAtItSoTheStayStillLastedItsThreshold() {
        // Decided at 40 for the moment 30; then a move reported at 50 as begun at 20, far more
        // hindsight than the locate stage is said to take: it cannot be told before the dwell.
        _ = stay(stride(from: 0.0, through: 49, by: 1), zone: "front")
        let moved = observe(50, zone: "back", since: 20)
        #expect(moved == [.zoneExited("front", at: 30, dwell: 30), .zoneEntered("back", at: 30)])
    }

    @Test mutating func aDevicePlacedOutsideLeavesItsZoneWhenItWasLastInsideNotAfterItsVisitEnds() {
        _ = stay(stride(from: 0.0, through: 20, by: 1), zone: "front")
        let out = stay(stride(from: 21.0, through: 30, by: 1), zone: nil, inside: false)
        #expect(out == [.zoneExited("front", at: 20, dwell: 20)])
        let end = visit.tick(20 + 120, layout: Self.layout, settings: Self.settings)
        guard case .exited(_, let last, _) = end.last else {
            Issue.record("expected the visit to end, got \(end)")
            return
        }
        #expect(last == 20)
    }

    @Test mutating func aDeviceUnplacedSinceBeforeItsThresholdNeverDwells() {
        // Placed in the front zone until t = 27, then silent until its visit ends.
        _ = stay(stride(from: 0.0, through: 27, by: 1), zone: "front")
        var rest: [DeviceVisit.Transition] = []
        for t in stride(from: 28.0, through: 27 + 120, by: 1) { rest += visit.tick(t, layout: Self.layout, settings: Self.settings) }
        #expect(rest.first == .zoneExited("front", at: 27, dwell: 27))
        #expect(!rest.contains { if case .zoneDwell = $0 { true } else { false } })
    }

    /// A locate stage that dates every move back by a random amount, up to twice the hindsight
    /// the presence stage allows for, and flips between the zones and the street: every
    /// transition's time is at or after the one before, and every dwell is followed by a stay
    /// at least as long as its threshold.
    @Test mutating func whateverTheLocateStageReportsTimesNeverRunBackwardsAndNoDwellIsContradicted() {
        var random = SplitMix64(seed: 16)
        var all: [DeviceVisit.Transition] = []
        var zone: String? = "front"
        var since = 0.0
        var t = 0.0
        while t < 3_000 {
            if random.next() % 25 == 0 {
                let choices: [String?] = ["front", "back", nil]
                let next = choices[Int(random.next() % 3)]
                if next != zone {
                    zone = next
                    since = t - Double(random.next() % 21)
                }
            }
            let outside = random.next() % 40 == 0
            all += observe(t, zone: outside ? nil : zone, since: since, inside: !outside)
            t += 1
        }
        all += visit.tick(t + 200, layout: Self.layout, settings: Self.settings)
        let times = Self.times(all)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "times run backwards: \(times)")
        var dwelt: [String: Double] = [:]
        for transition in all {
            if case .zoneDwell(let zone, _, let threshold) = transition { dwelt[zone] = threshold }
            if case .zoneExited(let zone, _, let dwell) = transition, let threshold = dwelt.removeValue(forKey: zone) {
                #expect(dwell >= threshold, "a dwell was told of a \(dwell) s stay in \(zone)")
            }
        }
        #expect(all.contains { if case .zoneDwell = $0 { true } else { false } })
    }
}
