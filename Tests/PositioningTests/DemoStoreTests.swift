import FootfallCore
import FootfallTesting
import Foundation
import Positioning
import Simulation
import Testing

/// Accuracy on the simulated demo store (40 × 25 m, eight ceiling sensors 10–13 m apart):
/// 15 simulated minutes at 300 shoppers an hour, seed 5, scored causally. The figures asserted
/// are those measured (15 min, seed 5, 2026-12-06: median 2.88 m, p90 6.47, zones 79.4%, 18.1
/// spurious changes per shopper-hour, 0.6% of passers-by visitors, 49% of entries decided within
/// 20 s; surveyed: 2.07 m, 5.35, 83.6%, 13.2, 14.4%, 89%) with a margin. The zone margin trades
/// spurious changes against following a real move (docs/positioning.md, "Zones: the trade").
/// Fifteen minutes hold 81 shoppers, so the spurious changes move by a shopper's few either
/// way: with the shadowing's correlation length at 1.5 m instead of 2 the surveyed figure went
/// from 12.6 to 13.2 here, and over the demo hour (seed 7, surveyed) from 12.87 to 12.85.
/// They are short of issue 4's
/// targets (median 1.2 m, p90 2.5, zones 95%, one spurious change an hour), which this radio
/// does not allow: a locator told the store's shadowing map, every phone's offset and the body
/// loss of each link still errs by a median 1.9 m (p90 4.8) on a standing shopper, whose own
/// 2 dB link shadowing stays put while they stand.
@Suite(.serialized) struct DemoStoreTests {
    static let layout = try! StoreConfiguration.load(path: Fixtures.store("demo-store").path).layout

    static func settings(seed: UInt64) -> StoreSimulator.Settings {
        var settings = StoreSimulator.Settings()
        settings.hours = 0.25
        settings.shoppersPerHour = 300
        settings.seed = seed
        return settings
    }

    @Test func withoutASurveyShoppersArePlacedAndPassersByKeptOutside() async {
        let score = await onAThreadOfItsOwn { DemoStoreScore.run(layout: Self.layout, settings: Self.settings(seed: 5)) }
        print("demo store, no survey: \(score)")
        #expect(score.median <= 3.1)
        #expect(score.p90 <= 7.0)
        #expect(score.zoneAccuracy >= 0.75)
        #expect(score.spuriousPerShopperHour <= 21)
        #expect(score.passersByAsVisitors <= 0.02)
        #expect(score.entriesWithin20s >= 0.45)
    }

    @Test func aSurveyOfTheStoreImprovesOnThePathLossModel() async {
        let settings = Self.settings(seed: 5)
        let survey = await onAThreadOfItsOwn { StoreSimulator(layout: Self.layout, settings: settings).survey() }
        let score = await onAThreadOfItsOwn { DemoStoreScore.run(layout: Self.layout, settings: settings, survey: survey) }
        print("demo store, surveyed: \(score)")
        #expect(score.median <= 2.3)
        #expect(score.p90 <= 5.6)
        #expect(score.zoneAccuracy >= 0.80)
        #expect(score.spuriousPerShopperHour <= 14)
        // Short of the 2% target: the survey's map just inside the storefront carries the
        // shadowing that a passer-by 3 m outside also sees (3 m correlation), the band outside
        // only the fitted model, so passers-by fit the inside better.
        #expect(score.passersByAsVisitors <= 0.16)
        #expect(score.entriesWithin20s >= 0.84)
    }
}
