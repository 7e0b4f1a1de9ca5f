import FootfallCore
import Positioning
import Testing

@Suite struct ZoneMembershipTests {
    /// Two zones side by side, the border at x = 5.
    let zones = [
        Zone(id: "produce", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 5, y: 5))),
        Zone(id: "checkout", polygon: Polygon(rectangleFrom: Point(x: 5, y: 0), to: Point(x: 10, y: 5))),
    ]

    /// Feeds one estimate a second at `x` (y = 2.5) of a standing device from `from` to `to`
    /// (inclusive) and returns the zones reported. With the default settings the margin is
    /// the uncertainty: 1 m.
    func feed(
        _ membership: inout ZoneMembership, x: Double, from: Int, to: Int, uncertainty: Double = 1, zones: [Zone]? = nil,
        y: Double = 2.5
    ) -> [String?] {
        (from...to).map {
            membership.update(position: Point(x: x, y: y), uncertainty: uncertainty, zones: zones ?? self.zones, at: Double($0))
        }
    }

    @Test func aDeviceInAZoneHasItFromItsFirstEstimate() {
        var membership = ZoneMembership()
        let seen = feed(&membership, x: 2, from: 0, to: 5)
        #expect(seen.allSatisfy { $0 == "produce" })
        #expect(membership.since == 0)
    }

    @Test func aStrayOfTheEstimateWithinItsErrorAcrossTheBorderDoesNotChangeTheZone() {
        var membership = ZoneMembership()
        var seen = feed(&membership, x: 3, from: 0, to: 60)
        // A position error across the border, 0.9 m beyond it: within the margin, the
        // estimate's 1 m uncertainty.
        seen += feed(&membership, x: 5.9, from: 61, to: 70)
        seen += feed(&membership, x: 3, from: 71, to: 80)
        #expect(seen.allSatisfy { $0 == "produce" })
    }

    @Test func theLessSureTheEstimateTheFurtherItMayStray() {
        var sure = ZoneMembership(), unsure = ZoneMembership()
        _ = feed(&sure, x: 3, from: 0, to: 10, uncertainty: 0.5)
        _ = feed(&unsure, x: 3, from: 0, to: 10, uncertainty: 4)
        // 2 m across: beyond the sure estimate's 0.5 m margin, within the unsure one's 4 m.
        #expect(feed(&sure, x: 7, from: 11, to: 12, uncertainty: 0.5).last! == "checkout")
        #expect(feed(&unsure, x: 7, from: 11, to: 12, uncertainty: 4).allSatisfy { $0 == "produce" })
    }

    @Test func walkingIntoTheNextZoneIsFollowedAsSoonAsTheEstimateIsBeyondTheMargin() {
        var membership = ZoneMembership()
        _ = feed(&membership, x: 3, from: 0, to: 60)
        // Walking at 1 m/s across the border at x = 5: 0.5 m beyond it at 62 s, 1.5 m at 63 s.
        let seen = (61...65).map { t in
            membership.update(
                position: Point(x: 3.5 + Double(t - 60), y: 2.5), uncertainty: 1, zones: zones, at: Double(t))
        }
        // Reported once the estimate is more than the margin (1 m) beyond the border.
        let first = try! #require(seen.firstIndex { $0 == "checkout" })
        #expect(61 + first == 63, "checkout reported at \(61 + first) s")
        #expect(seen[first...].allSatisfy { $0 == "checkout" })
        // Dated from the first estimate in it.
        #expect(membership.since == 62)
    }

    @Test func aDeviceOnTheMoveIsFollowedSoonerThanOneStandingStill() {
        // The same estimate 0.5 m across the border: held for a device standing still, followed
        // for one the tracker has walking at 1 m/s (a second of it takes the whole 1 m margin off).
        var standing = ZoneMembership(), walking = ZoneMembership()
        _ = feed(&standing, x: 3, from: 0, to: 10)
        _ = feed(&walking, x: 3, from: 0, to: 10)
        let across = Point(x: 5.5, y: 2.5)
        #expect(standing.update(position: across, uncertainty: 1, speed: 0, zones: zones, at: 11) == "produce")
        #expect(walking.update(position: across, uncertainty: 1, speed: 1, zones: zones, at: 11) == "checkout")
        // The margin is never below 0, and with the speed left out of it (0 s) both are held.
        var settings = PositioningConfiguration()
        #expect(settings.zoneMargin(uncertainty: 0.5, speed: 5) == 0)
        settings.zoneMarginPerSpeed = 0
        var held = ZoneMembership()
        _ = feed(&held, x: 3, from: 0, to: 10)
        #expect(held.update(position: across, uncertainty: 1, speed: 1, zones: zones, at: 11, configuration: settings) == "produce")
    }

    @Test func aChangeHeldByTheMarginIsDatedFromTheFirstEstimateInTheNewZone() {
        var membership = ZoneMembership()
        _ = feed(&membership, x: 3, from: 0, to: 30)
        _ = feed(&membership, x: 5.5, from: 31, to: 34)  // across, within the margin
        #expect(membership.current == "produce")
        _ = feed(&membership, x: 8, from: 35, to: 35)
        #expect(membership.current == "checkout")
        #expect(membership.since == 31)
    }

    @Test func aChangeIsNeverDatedFurtherBackThanTheHindsight() {
        var membership = ZoneMembership()
        _ = feed(&membership, x: 3, from: 0, to: 30)
        _ = feed(&membership, x: 5.5, from: 31, to: 60)  // a long stretch within the margin
        _ = feed(&membership, x: 8, from: 61, to: 61)
        #expect(membership.current == "checkout")
        #expect(membership.since == 61 - ZoneMembership.hindsight)
    }

    @Test func theStayIsSettledUpToTheFirstStrayThatAChangeConfirmedLaterWouldBeDatedFrom() {
        var membership = ZoneMembership()
        _ = feed(&membership, x: 3, from: 0, to: 30)
        #expect(membership.settledUntil == 30)  // in the zone: settled to the estimate
        _ = feed(&membership, x: 5.5, from: 31, to: 34)  // across, within the margin
        #expect(membership.settledUntil == 31)  // a change confirmed now would be dated 31
        _ = feed(&membership, x: 5.5, from: 35, to: 50)
        #expect(membership.settledUntil == 50 - ZoneMembership.hindsight)  // never dated further back
        _ = feed(&membership, x: 3, from: 51, to: 51)  // back in the zone
        #expect(membership.settledUntil == 51)
        _ = feed(&membership, x: 5.5, from: 52, to: 53)
        _ = feed(&membership, x: 8, from: 54, to: 54)
        #expect(membership.current == "checkout")
        #expect(membership.since == 52)
        #expect(membership.settledUntil == 54)  // the new stay, from its confirmation
    }

    @Test func aStrayIntoNoZoneLeavesTheStaySettledToEachEstimate() {
        var membership = ZoneMembership()
        _ = feed(&membership, x: 3, from: 0, to: 10)
        // 0.5 m beyond the floor's zones: a change to no zone is dated when it is confirmed.
        _ = feed(&membership, x: 3, from: 11, to: 13, y: 5.5)
        #expect(membership.current == "produce")
        #expect(membership.settledUntil == 13)
    }

    @Test func leavingEveryZoneEndsTheZoneOnceBeyondTheMargin() {
        let apart = [
            Zone(id: "produce", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 5, y: 5))),
            Zone(id: "checkout", polygon: Polygon(rectangleFrom: Point(x: 10, y: 0), to: Point(x: 15, y: 5))),
        ]
        var membership = ZoneMembership()
        _ = feed(&membership, x: 3, from: 0, to: 30, zones: apart)
        // In the aisle between them, just out of produce: kept; well out: no zone.
        #expect(feed(&membership, x: 5.8, from: 31, to: 35, zones: apart).allSatisfy { $0 == "produce" })
        let seen = feed(&membership, x: 7.5, from: 36, to: 40, zones: apart)
        #expect(seen.allSatisfy { $0 == nil })
        #expect(membership.current == nil && membership.since == nil)
        // And into the other zone at once: out of no zone there is no margin to cross.
        #expect(feed(&membership, x: 10.2, from: 41, to: 41, zones: apart) == ["checkout"])
    }

    @Test func aZonesOwnEnterTimeAppliesOnTopOfTheMargin() {
        let slow = [
            Zone(id: "produce", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 5, y: 5))),
            Zone(id: "checkout", polygon: Polygon(rectangleFrom: Point(x: 5, y: 0), to: Point(x: 10, y: 5)), enterAfter: 8),
        ]
        var membership = ZoneMembership()
        _ = feed(&membership, x: 3, from: 0, to: 30, zones: slow)
        let seen = feed(&membership, x: 8, from: 31, to: 45, zones: slow)
        let first = try! #require(seen.firstIndex { $0 == "checkout" })
        #expect(first == 8)
        #expect(membership.since == 31)
    }

    @Test func aZoneListedFirstWinsInsideAnOverlappingZone() {
        let nested = [
            Zone(id: "till", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 2, y: 2))),
            Zone(id: "floor", polygon: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10))),
        ]
        var membership = ZoneMembership()
        let before = feed(&membership, x: 6, from: 0, to: 30, uncertainty: 0.2, zones: nested, y: 6)
        // Each place counts for the first zone listed that holds it: by the till, the till.
        let after = feed(&membership, x: 1, from: 31, to: 40, uncertainty: 0.2, zones: nested, y: 1)
        // From the floor, 0.1 m into the till is a stray within the estimate's 0.2 m.
        var fresh = ZoneMembership()
        _ = feed(&fresh, x: 6, from: 0, to: 30, uncertainty: 0.2, zones: nested, y: 6)
        #expect(feed(&fresh, x: 1.9, from: 31, to: 35, uncertainty: 0.2, zones: nested, y: 1).allSatisfy { $0 == "floor" })
        #expect(before.last! == "floor")
        #expect(after.last! == "till")
    }

    @Test func aDifferentZoneListKeepsAZoneItStillHas() {
        var membership = ZoneMembership()
        _ = feed(&membership, x: 3, from: 0, to: 10)
        let renamed = [zones[0], Zone(id: "tills", polygon: zones[1].polygon)]
        #expect(feed(&membership, x: 3, from: 11, to: 11, zones: renamed) == ["produce"])
        #expect(membership.since == 0)
        let other = [Zone(id: "entrance", polygon: zones[0].polygon)]
        #expect(feed(&membership, x: 3, from: 12, to: 12, zones: other) == ["entrance"])
    }

    @Test func aZoneOnlyATentativeEstimateWasInIsNotHeldByTheMargin() {
        // The first reading of a phone standing 0.5 m inside produce came from a sensor over
        // the checkout: placed there from that one reading (between rounds, or in a round only
        // that sensor heard it), a tentative estimate.
        var tentative = ZoneMembership(), whole = ZoneMembership()
        #expect(tentative.update(position: Point(x: 7, y: 2.5), uncertainty: 1, zones: zones, at: 0.1, tentative: true) == "checkout")
        #expect(whole.update(position: Point(x: 7, y: 2.5), uncertainty: 1, zones: zones, at: 0.1) == "checkout")
        // The next estimates, from every sensor, put it 0.5 m inside produce: within the 1 m
        // margin a zone a whole estimate decided holds, but the tentative one's is not held.
        #expect(feed(&tentative, x: 4.5, from: 1, to: 10).allSatisfy { $0 == "produce" })
        #expect(feed(&whole, x: 4.5, from: 1, to: 10).allSatisfy { $0 == "checkout" })
        // Once a whole estimate has been in it, the zone is held as any other.
        #expect(feed(&tentative, x: 5.5, from: 11, to: 20).allSatisfy { $0 == "produce" })
    }

    @Test func aZoneAWholeEstimateConfirmedIsHeldAgainstATentativeOne() {
        var membership = ZoneMembership()
        _ = feed(&membership, x: 4.5, from: 0, to: 10)
        // Back after a silence, one reading places it 0.5 m across the border: within the margin.
        #expect(membership.update(position: Point(x: 5.5, y: 2.5), uncertainty: 1, zones: zones, at: 20.1, tentative: true) == "produce")
        #expect(feed(&membership, x: 4.5, from: 21, to: 22).allSatisfy { $0 == "produce" })
        #expect(membership.since == 0)
    }
}
