import FootfallCore
import Positioning
import Testing

@Suite struct ZoneMembershipTests {
    let zones = [
        Zone(id: "produce", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 5, y: 5))),
        Zone(id: "checkout", polygon: Polygon(rectangleFrom: Point(x: 5, y: 0), to: Point(x: 10, y: 5))),
    ]

    /// Feeds one probability map a second from `from` to `to` (inclusive) and returns the zones reported.
    func feed(_ membership: inout ZoneMembership, _ probabilities: [String: Double], from: Int, to: Int, zones: [Zone]? = nil, stay: Double = 20) -> [String?] {
        (from...to).map { membership.update(probabilities: probabilities, zones: zones ?? self.zones, at: Double($0), stay: stay) }
    }

    @Test func aDeviceClearlyInAZoneHasItFromItsFirstEstimate() {
        var membership = ZoneMembership()
        let seen = feed(&membership, ["produce": 0.9], from: 0, to: 5)
        #expect(seen.allSatisfy { $0 == "produce" })
        #expect(membership.since == 0)
    }

    @Test func aTwoSecondStrayOfTheEstimateIntoTheNextZoneDoesNotChangeIt() {
        var membership = ZoneMembership()
        var seen = feed(&membership, ["produce": 0.9], from: 0, to: 60)
        // A position error across the border: the estimate says checkout, but only barely.
        seen += feed(&membership, ["produce": 0.35, "checkout": 0.65], from: 61, to: 62)
        seen += feed(&membership, ["produce": 0.9], from: 63, to: 80)
        #expect(seen.allSatisfy { $0 == "produce" })
    }

    @Test func walkingIntoTheNextZoneIsFollowedWithinAFewSeconds() {
        var membership = ZoneMembership()
        _ = feed(&membership, ["produce": 0.9], from: 0, to: 60)
        let seen = feed(&membership, ["produce": 0.05, "checkout": 0.95], from: 61, to: 70)
        let first = try! #require(seen.firstIndex { $0 == "checkout" })
        #expect(first <= 3, "checkout reported \(first + 1) s after the move")
        #expect(seen[first...].allSatisfy { $0 == "checkout" })
        // Dated from the first estimate that favoured it.
        #expect(membership.since == 61)
    }

    @Test func theLongerAShopperTypicallyStaysTheLongerAnAmbiguousMoveTakesToConfirm() {
        func delay(stay: Double) -> Int {
            var membership = ZoneMembership()
            _ = feed(&membership, ["produce": 0.9], from: 0, to: 60, stay: stay)
            let seen = feed(&membership, ["produce": 0.3, "checkout": 0.7], from: 61, to: 200, stay: stay)
            return seen.firstIndex { $0 == "checkout" } ?? 1000
        }
        #expect(delay(stay: 5) < delay(stay: 60))
        #expect(delay(stay: 60) < 140)
    }

    @Test func aDeviceBetweenTwoZonesKeepsTheOneItWasInRatherThanGoingBlank() {
        var membership = ZoneMembership()
        _ = feed(&membership, ["produce": 0.9], from: 0, to: 30)
        // Astride the border, half in each: no zone has the majority, and neither does "none".
        let seen = feed(&membership, ["produce": 0.5, "checkout": 0.5], from: 31, to: 90)
        #expect(seen.allSatisfy { $0 == "produce" })
    }

    @Test func leavingEveryZoneEndsTheZone() {
        var membership = ZoneMembership()
        _ = feed(&membership, ["produce": 0.9], from: 0, to: 30)
        let seen = feed(&membership, ["produce": 0.02], from: 31, to: 40)
        #expect(seen.last! == nil)
        #expect(membership.current == nil && membership.since == nil)
    }

    @Test func aZonesOwnEnterTimeAppliesOnTopOfTheModel() {
        let slow = [
            Zone(id: "produce", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 5, y: 5))),
            Zone(id: "checkout", polygon: Polygon(rectangleFrom: Point(x: 5, y: 0), to: Point(x: 10, y: 5)), enterAfter: 8),
        ]
        var membership = ZoneMembership()
        _ = feed(&membership, ["produce": 0.9], from: 0, to: 30, zones: slow)
        let seen = feed(&membership, ["produce": 0.05, "checkout": 0.95], from: 31, to: 45, zones: slow)
        let first = try! #require(seen.firstIndex { $0 == "checkout" })
        #expect(first >= 8)
    }

    @Test func aZoneListedFirstWinsInsideAnOverlappingZone() {
        let nested = [
            Zone(id: "till", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 2, y: 2))),
            Zone(id: "floor", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10))),
        ]
        var membership = ZoneMembership()
        let before = feed(&membership, ["floor": 0.9], from: 0, to: 30, zones: nested)
        // Each place counts for the first zone listed that holds it: by the till, the till.
        let after = feed(&membership, ["floor": 0.05, "till": 0.9], from: 31, to: 40, zones: nested)
        #expect(before.last! == "floor")
        #expect(after.last! == "till")
    }

    @Test func overlappingZonesShareTheirProbabilityTheFirstListedFirst() {
        let till = Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 2, y: 2))
        let floor = Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10))
        var p = ZoneMembership.probabilities(of: [till, floor], position: Point(x: 1, y: 1), sigma: 0.1)
        #expect(p[0] > 0.99 && p[1] < 0.01)
        p = ZoneMembership.probabilities(of: [till, floor], position: Point(x: 6, y: 6), sigma: 1)
        #expect(p[0] == 0 && p[1] > 0.99)
    }

    @Test func theProbabilityOfAPointDeepInsideIsOneAndOnAStraightBorderAboutAHalf() {
        let square = Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10))
        #expect(abs(ZoneMembership.probability(inside: square, position: Point(x: 5, y: 5), sigma: 1) - 1) < 1e-9)
        let border = ZoneMembership.probability(inside: square, position: Point(x: 10, y: 5), sigma: 1)
        #expect(abs(border - 0.5) < 0.15)
        #expect(ZoneMembership.probability(inside: square, position: Point(x: 20, y: 5), sigma: 1) == 0)
    }
}
