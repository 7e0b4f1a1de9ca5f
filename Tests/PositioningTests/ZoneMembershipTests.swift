import FootfallCore
import Positioning
import Testing

@Suite struct ZoneMembershipTests {
    let zones = [
        Zone(id: "produce", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 5, y: 5)), enterAfter: 3, exitAfter: 5),
        Zone(id: "checkout", polygon: Polygon(rectangleFrom: Point(x: 5, y: 0), to: Point(x: 10, y: 5)), enterAfter: 2, exitAfter: 4),
    ]

    @Test func hysteresisHoldsAZoneThroughABriefExcursionOfTwoSecondsWhenExitTakesFive() {
        var membership = ZoneMembership()
        var zonesSeen: [String?] = []
        for t in 0...30 {
            let time = Double(t)
            // Inside produce, except a 2 s excursion (t = 15, 16) into no zone.
            let inside = !(15...16).contains(t)
            zonesSeen.append(membership.update(probabilities: ["produce": inside ? 0.9 : 0.05], zones: zones, at: time))
        }
        #expect(zonesSeen[2] == nil)
        #expect(zonesSeen[3] == "produce")
        #expect(zonesSeen[3...].allSatisfy { $0 == "produce" })
    }

    @Test func aStayOutsideLongerThanTheExitTimeEndsTheZone() {
        var membership = ZoneMembership()
        for t in 0...10 { _ = membership.update(probabilities: ["produce": 0.9], zones: zones, at: Double(t)) }
        var last: String? = "produce"
        for t in 11...16 { last = membership.update(probabilities: ["produce": 0.1], zones: zones, at: Double(t)) }
        #expect(last == nil)
    }

    @Test func movingIntoTheNextZoneSwitchesAfterItsEnterTime() {
        var membership = ZoneMembership()
        for t in 0...10 { _ = membership.update(probabilities: ["produce": 0.9], zones: zones, at: Double(t)) }
        let one = membership.update(probabilities: ["produce": 0.1, "checkout": 0.9], zones: zones, at: 11)
        let two = membership.update(probabilities: ["produce": 0.1, "checkout": 0.9], zones: zones, at: 13)
        #expect(one == "produce")
        #expect(two == "checkout")
    }

    @Test func aConfirmedZoneIsDatedFromWhenTheDeviceWasFirstProbablyThere() {
        var membership = ZoneMembership()
        for t in 0...10 { _ = membership.update(probabilities: ["produce": 0.9], zones: zones, at: Double(t)) }
        #expect(membership.since == 0)
        // Probably in checkout from t = 11; the 10 s switching time confirms it at t = 20.
        var seen: [String?] = []
        for t in 11...25 {
            seen.append(membership.update(probabilities: ["produce": 0.1, "checkout": 0.9], zones: zones, at: Double(t), switchAfter: 10))
        }
        #expect(seen[8] == "produce" && seen[9] == "checkout")
        #expect(membership.since == 11)
        // Out of every zone for longer than the exit time: no zone, no start.
        for t in 26...40 { _ = membership.update(probabilities: ["checkout": 0.0], zones: zones, at: Double(t), switchAfter: 10) }
        #expect(membership.current == nil && membership.since == nil)
    }

    @Test func aZoneListedFirstWinsInsideAnOverlappingZoneAfterItsEnterTime() {
        let nested = [
            Zone(id: "till", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 2, y: 2)), enterAfter: 1),
            Zone(id: "floor", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10)), enterAfter: 1),
        ]
        var membership = ZoneMembership()
        var seen: [String?] = []
        for t in 0...4 { seen.append(membership.update(probabilities: ["floor": 1], zones: nested, at: Double(t))) }
        for t in 5...8 { seen.append(membership.update(probabilities: ["floor": 1, "till": 0.9], zones: nested, at: Double(t))) }
        #expect(seen[4] == "floor")
        #expect(seen[5] == "floor")
        #expect(seen[6] == "till")
        #expect(seen[8] == "till")
    }

    @Test func theProbabilityOfAPointDeepInsideIsOneAndOnAStraightBorderAboutAHalf() {
        let square = Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10))
        #expect(abs(ZoneMembership.probability(inside: square, position: Point(x: 5, y: 5), sigma: 1) - 1) < 1e-9)
        let border = ZoneMembership.probability(inside: square, position: Point(x: 10, y: 5), sigma: 1)
        #expect(abs(border - 0.5) < 0.15)
        #expect(ZoneMembership.probability(inside: square, position: Point(x: 20, y: 5), sigma: 1) == 0)
    }
}
