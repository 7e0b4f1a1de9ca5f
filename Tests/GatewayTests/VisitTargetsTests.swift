import Calibration
import FootfallCore
import FootfallTesting
import Foundation
import Gateway
import Testing

/// The visit targets of issue #5, on a simulated demo-store trace with ground truth, through
/// the real simulator, pipeline and scorer (what `footfall simulate` then `footfall replay
/// --truth` prints). Targets this code does not meet yet are asserted at their real value
/// inside `withKnownIssue`: the test records them as known failures, and fails as soon as one
/// is met, so that it is moved out and asserted for good.
@Suite struct VisitTargetsTests {
    /// Half an hour at 300 shoppers an hour (about 200 visits and 300 passers-by), seed 7:
    /// simulated and replayed once for the suite, in about 30 s in a debug build.
    static let run = OnItsOwnThread<AccuracyReport> {
        let configuration = try! StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        let files = try! StoreSimulatorSettings.write(
            StoreSimulatorSettings.make(minutes: 30, shoppers: 300, seed: 7), layout: configuration.layout)
        defer { try? FileManager.default.removeItem(at: files.directory) }
        var options = Replay.Options(tracePath: files.trace, configuration: configuration)
        options.truth = try! SurveyCodec.readTruth(path: files.truth)
        return try! Replay.run(options).report!
    }

    @Test func theTraceHasEnoughVisitsAndPassersByToScore() async {
        let report = await Self.run.value
        #expect(report.visits.true >= 150)
        #expect(report.entryDelay.count >= 150)
        #expect(report.visits.passersByAsVisitors != nil)
    }

    @Test func ninetyFivePercentOfVisitsEndWithin150SecondsOfTheTrueExit() async throws {
        let report = await Self.run.value
        let p95 = try #require(report.exitDelay.p95)
        #expect(p95 <= 150, "exit delay p95 \(p95) s")
        // Not before the visit ends either: exit_after (120 s) after the device was last inside.
        #expect(try #require(report.exitDelay.median) >= 110)
    }

    @Test func atMostTwoPercentOfPassersByAreCountedAsVisitors() async throws {
        let share = try #require(await Self.run.value.visits.passersByAsVisitors)
        #expect(share <= 0.02, "passers-by counted as visitors \(share)")
    }

    @Test func ninetyFivePercentOfEntriesAreDecidedWithin20SecondsOfTheTrueEntry() async throws {
        let p95 = try #require(await Self.run.value.entryDelay.p95)
        withKnownIssue("issue #5: the locate stage places some shoppers who walk in from the street inside only seconds after they came in (the storefront's inside and outside sound alike to ceiling sensors behind it, for a phone of unknown level)") {
            #expect(p95 <= 20, "entry delay p95 \(p95) s")
        }
    }

    @Test func noShopperWhoStaysTwoMinutesIsMissed() async {
        let missedLong = await Self.run.value.visits.missedLong
        withKnownIssue("issue #5: shoppers standing still a metre or two from the storefront (the checkout queue) are placed outside for their whole stay") {
            #expect(missedLong == 0)
        }
    }

    @Test func dwellFiresForNinetyFivePercentOfLongStaysAndNeverForShortOnes() async {
        let dwell = await Self.run.value.dwell
        let share = Double(dwell.firedForLongStays) / Double(max(dwell.longStays, 1))
        withKnownIssue("issue #5: a stay is missed where the locate stage places the shopper in another zone (zones right 76 % of the time, issue #4)") {
            #expect(share >= 0.95, "zone.dwell for \(dwell.firedForLongStays) of \(dwell.longStays) long stays")
        }
        withKnownIssue("issue #5: a shopper who passed through a zone is placed in it for longer than they were, for the same reason") {
            #expect(dwell.firedForShortStays == 0)
        }
    }
}
