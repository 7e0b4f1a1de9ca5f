import FootfallCore
import FootfallTesting
import Foundation
import Positioning
import Testing

/// The store file's `positioning:` section reaches the locator by snake_case name, and a
/// mistake in it is one line naming the file, the line and the setting.
@Suite struct PositioningSettingsTests {
    /// The demo store's file with `lines` appended as its `positioning:` section; the section
    /// starts at the returned line number + 1.
    static func store(_ lines: [String]) throws -> (StoreConfiguration, firstLine: Int) {
        let base = try String(contentsOf: Fixtures.store("demo-store"), encoding: .utf8)
        let text = base + "\npositioning:\n" + lines.map { "  \($0)\n" }.joined()
        let firstLine = base.split(separator: "\n", omittingEmptySubsequences: false).count + 2
        return (try StoreConfiguration.parse(yaml: text, file: "store.yaml"), firstLine)
    }

    static func error(_ lines: [String]) throws -> ConfigurationError? {
        let (store, _) = try Self.store(lines)
        do {
            _ = try PositioningConfiguration(store)
            return nil
        } catch {
            return error
        }
    }

    @Test func numbersWordsAndFlagsReachTheLocator() throws {
        let (store, _) = try Self.store([
            "rssi_noise: 6", "engine: multilateration", "walls_between_inside_and_outside: false",
            "silent_after_packets: 3", "plausible_rssi_min: -100",
        ])
        let locator = Locator(layout: store.layout, configuration: try PositioningConfiguration(store))
        #expect(locator.configuration.rssiNoise == 6)
        #expect(locator.configuration.engine == .multilateration)
        #expect(locator.configuration.wallsBetweenInsideAndOutside == false)
        #expect(locator.configuration.silentAfterPackets == 3)
        #expect(locator.configuration.plausibleRSSI == -100 ... -10)
        // Untouched fields keep their defaults.
        #expect(locator.configuration.window == PositioningConfiguration().window)
    }

    @Test func everyDocumentedNameIsSettable() throws {
        let doc = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("docs/positioning.md"), encoding: .utf8)
        for name in PositioningConfiguration.settingNames {
            #expect(doc.contains("`\(name)`"), "docs/positioning.md does not describe \(name)")
        }
    }

    @Test func anUnknownNameIsAnErrorAtItsLineSuggestingTheNearestName() throws {
        let (_, first) = try Self.store(["window: 4", "rssi_nosie: 6"])
        let error = try #require(try Self.error(["window: 4", "rssi_nosie: 6"]))
        #expect(error.line == first + 1)
        #expect(error.field == "positioning.rssi_nosie")
        #expect(error.description.hasPrefix("store.yaml:\(first + 1): positioning.rssi_nosie: unknown setting"))
        #expect(error.description.contains("did you mean `rssi_noise`?"))
        #expect(!error.description.contains("\n"))
    }

    @Test func aSettingOfTheZoneModelThatWasReplacedSaysWhatReplacedIt() throws {
        let (_, first) = try Self.store(["zone_stay: 60"])
        let error = try #require(try Self.error(["zone_stay: 60"]))
        #expect(error.line == first)
        #expect(error.description.hasPrefix("store.yaml:\(first): positioning.zone_stay: no longer a setting;"))
        #expect(error.description.contains("`zone_margin`"))
        #expect(!error.description.contains("\n"))
        // The settings that replaced it are read.
        let configuration = try PositioningConfiguration(
            try Self.store(["zone_margin: 1.5", "zone_margin_per_uncertainty: 0", "zone_margin_per_speed: 0"]).0)
        #expect(configuration.zoneMargin == 1.5 && configuration.zoneMarginPerUncertainty == 0)
        #expect(configuration.zoneMargin(uncertainty: 3, speed: 2) == 1.5)
    }

    @Test func anOutOfRangeValueNamesTheRange() throws {
        let (_, first) = try Self.store(["rssi_noise: 100"])
        let error = try #require(try Self.error(["rssi_noise: 100"]))
        #expect(error.line == first)
        #expect(error.description == "store.yaml:\(first): positioning.rssi_noise: 100 is out of range; set it between 0.5 and 30 dB")
    }

    @Test func wrongKindsAndContradictionsAreErrors() throws {
        #expect(try Self.error(["engine: kalman"])?.message == "expected grid or multilateration, found 'kalman'")
        #expect(try Self.error(["rssi_noise: loud"])?.message.hasPrefix("expected a number of dB") == true)
        #expect(try Self.error(["silent_after_packets: 1.5"])?.message.hasPrefix("expected a whole number") == true)
        #expect(try Self.error(["outside_band_along_storefront: 2"])?.message.hasPrefix("expected true or false") == true)
        #expect(try Self.error(["zone_exit_probability: 0.8"])?.field == "positioning.zone_exit_probability")
        #expect(try Self.error(["plausible_rssi_min: -5"])?.field == "positioning.plausible_rssi_min")
        #expect(try Self.error(["rssi_noise: 6", "grid_step: 1"]) == nil)
    }
}
