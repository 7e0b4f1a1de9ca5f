import Calibration
import FootfallCore
import Testing

/// `zone.dwell` scored at the moment it fired: was the shopper in that zone then?
@Suite struct AccuracyScorerDwellTests {
    static let layout = StoreLayout(
        id: "two-rooms", outline: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 20, y: 10)),
        zones: [
            Zone(id: "west", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10)), dwellAfter: 30),
            Zone(id: "east", polygon: Polygon(rectangleFrom: Point(x: 10, y: 0), to: Point(x: 20, y: 10)), dwellAfter: 30),
        ])

    static func dwell(_ zone: String, occurredAt: Double) -> PresenceEvent {
        var event = PresenceEvent(id: "e-\(zone)-\(occurredAt)", type: .zoneDwell, occurredAt: occurredAt, storeID: "two-rooms", gatewayID: "g")
        event.zone = zone
        return event
    }

    /// In the west room from 0 to 100 s, then in the east room to 200 s, a sample a second.
    static func truth() -> [TruthSample] {
        (0...200).map { t in
            let p = t <= 100 ? Point(x: 5, y: 5) : Point(x: 15, y: 5)
            return TruthSample(time: Double(t), device: "phone", position: p, zone: t <= 100 ? "west" : "east")
        }
    }

    @Test func aDwellFiredWhileTheShopperIsInAnotherZoneOrGoneCountsAsOutsideItsZone() {
        var scorer = AccuracyScorer(layout: Self.layout, truth: Self.truth(), presence: .init())
        // Right: west, fired at 40 s while in the west room.
        scorer.add(Self.dwell("west", occurredAt: 30), device: "phone", decidedAt: 40)
        // Wrong: east fired at 90 s, while still in the west room (its stay began, in
        // hindsight, at 60 s: what counts is where the shopper is when it fires).
        scorer.add(Self.dwell("east", occurredAt: 90), device: "phone", decidedAt: 90)
        // Right: east at 150 s.
        scorer.add(Self.dwell("east", occurredAt: 131), device: "phone", decidedAt: 150)
        // Wrong: fired 10 s after the last truth sample (the shopper has gone).
        scorer.add(Self.dwell("east", occurredAt: 205), device: "phone", decidedAt: 210)
        // Wrong: a device with no truth at all.
        scorer.add(Self.dwell("west", occurredAt: 50), device: "stranger", decidedAt: 50)
        let dwell = scorer.report().dwell
        #expect(dwell.fired == 5)
        #expect(dwell.firedOutsideZone == 3)
        #expect(dwell.outsideZoneShare == 0.6)
        #expect(dwell.longStays == 2)
        #expect(dwell.firedForLongStays == 2)
        #expect(dwell.longStaysFired == 1)
    }

    @Test func theReportNamesDwellsFiredOutsideTheirZoneInTextAndJSON() {
        var scorer = AccuracyScorer(layout: Self.layout, truth: Self.truth(), presence: .init())
        scorer.add(Self.dwell("east", occurredAt: 90), device: "phone", decidedAt: 90)
        let report = scorer.report()
        #expect(report.text().contains("1 of 1 fired where the shopper was not in the zone"))
        #expect(report.json().contains("\"fired_outside_zone\":1"))
    }
}
