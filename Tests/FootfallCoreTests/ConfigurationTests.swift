import FootfallCore
import Foundation
import FootfallTesting
import Testing

@Suite struct ConfigurationTests {
    static let skeleton = """
        store:
          id: tiny
          outline: [[0, 0], [10, 0], [10, 8], [0, 8]]
        zones:
          - id: front
            polygon: [[0, 0], [10, 0], [10, 4], [0, 4]]
        sensors:
          - id: s1
            position: [2.0, 2.0, 2.8]
        """

    func error(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try StoreConfiguration.parse(yaml: yaml, file: "store.yaml")
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    @Test func theDemoStoreLoadsWithSixSectorsAndEightCeilingSensors() throws {
        let configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        let layout = configuration.layout
        #expect(layout.id == "demo-store")
        #expect(layout.outline.area == 40 * 25)
        #expect(layout.zones.count >= 6)
        for sector in ["produce", "bakery", "electronics", "clothing", "household", "checkout"] {
            #expect(layout.zone(sector) != nil, "missing sector \(sector)")
        }
        #expect(layout.sensors.count == 8)
        #expect(layout.sensors.allSatisfy { $0.position.z == 2.8 })
        #expect(layout.entrances == [Point(x: 20, y: 0)])
        #expect(configuration.presence.enterAfter == 15)
        #expect(layout.sensor("s1")?.pathLoss(for: .ble) == PathLoss(rssiAt1m: -59, exponent: 2.2))
    }

    @Test func theSkeletonAloneIsAValidConfigurationWithDefaults() throws {
        let configuration = try StoreConfiguration.parse(yaml: Self.skeleton, file: "store.yaml")
        #expect(configuration.presence == StoreConfiguration.PresenceSettings())
        #expect(configuration.layout.zones[0].dwellAfter == Zone.defaultDwellAfter)
        #expect(configuration.layout.sensors[0].pathLoss(for: .ble) == .bleDefault)
        #expect(configuration.api.listen == "127.0.0.1:8080")
    }

    /// Numbers no store has (a typo, 1e20) are refused on their line: each was converted to an
    /// integer later (a timeout in milliseconds, a count, a distance in an error message) and
    /// trapped the daemon or the command, after `run --check` had passed it (fuzz audit).
    @Test func numbersBeyondAnyStoreAreRefusedOnTheirLineNotTrappedOnLater() throws {
        let cases: [(String, String)] = [
            ("api:\n  header_timeout: 1e20\n", "api.header_timeout"),
            ("api:\n  body_timeout: 1e308\n", "api.body_timeout"),
            ("api:\n  max_body_bytes: 1e20\n", "api.max_body_bytes"),
            ("api:\n  max_connections: 1e308\n", "api.max_connections"),
            ("api:\n  max_connections_per_address: 1e20\n", "api.max_connections_per_address"),
            ("upstream:\n  url: http://10.0.0.2:8080\n  tokens:\n    s1: t\n  flush_interval: 1e308\n", "upstream.flush_interval"),
            ("upstream:\n  url: http://10.0.0.2:8080\n  tokens:\n    s1: t\n  batch_size: 1e308\n", "upstream.batch_size"),
        ]
        for (extra, field) in cases {
            let e = try #require(error(Self.skeleton + "\n" + extra), "\(field)")
            #expect(e.field == field && e.message.contains("must be at most"), "\(e) \(String(describing: e.field))")
        }
        let far = try #require(error(Self.skeleton.replacingOccurrences(of: "[2.0, 2.0, 2.8]", with: "[1e20, 2.0, 2.8]")))
        #expect(far.field == "sensors[0].position[0]" && far.message.contains("within 100000 m"), "\(far)")
        let height = try #require(error(Self.skeleton.replacingOccurrences(of: "store:\n", with: "store:\n  device_height: 1e20\n")))
        #expect(height.field == "store.device_height", "\(height)")
    }

    @Test func aPolygonThatCrossesItselfIsNamedWithItsLine() throws {
        let yaml = Self.skeleton.replacingOccurrences(of: "[[0, 0], [10, 0], [10, 4], [0, 4]]", with: "[[0, 0], [10, 4], [10, 0], [0, 4]]")
        let e = try #require(error(yaml))
        #expect(e.line == 6)
        #expect(e.field == "zones[0].polygon")
        #expect(e.description.hasPrefix("store.yaml:6:"))
        #expect(e.message.contains("crosses itself"))
    }

    @Test func aZoneOutsideTheOutlineIsRejected() throws {
        let yaml = Self.skeleton.replacingOccurrences(of: "[[0, 0], [10, 0], [10, 4], [0, 4]]", with: "[[0, 0], [12, 0], [12, 4], [0, 4]]")
        let e = try #require(error(yaml))
        #expect(e.field == "zones[0].polygon")
        #expect(e.line == 6)
        #expect(e.message.contains("outside the store outline"))
    }

    @Test func duplicateIdsAreRejected() throws {
        let zones = Self.skeleton.replacingOccurrences(
            of: "sensors:", with: "  - id: front\n    polygon: [[0, 4], [10, 4], [10, 8], [0, 8]]\nsensors:")
        let e1 = try #require(error(zones))
        #expect(e1.field == "zones[1].id")
        #expect(e1.line == 7)
        let sensors = Self.skeleton + "\n  - id: s1\n    position: [5, 5, 2.8]"
        let e2 = try #require(error(sensors))
        #expect(e2.field == "sensors[1].id")
        #expect(e2.line == 10)
    }

    @Test func aSensorFarOutsideOrBelowTheFloorIsRejected() throws {
        let far = try #require(error(Self.skeleton.replacingOccurrences(of: "[2.0, 2.0, 2.8]", with: "[30.0, 2.0, 2.8]")))
        #expect(far.field == "sensors[0].position")
        #expect(far.line == 9)
        #expect(far.message.contains("outside the store outline"))
        let low = try #require(error(Self.skeleton.replacingOccurrences(of: "[2.0, 2.0, 2.8]", with: "[2.0, 2.0, -1]")))
        #expect(low.field == "sensors[0].position")
        #expect(low.message.contains("above the floor"))
    }

    @Test func aSensorJustOutsideTheOutlineIsAccepted() throws {
        let yaml = Self.skeleton.replacingOccurrences(of: "[2.0, 2.0, 2.8]", with: "[11.5, 2.0, 2.8]")
        #expect(error(yaml) == nil)
    }

    @Test func aMissingSkeletonFieldSaysWhatToAdd() throws {
        let noOutline = try #require(error(Self.skeleton.replacingOccurrences(of: "  outline: [[0, 0], [10, 0], [10, 8], [0, 8]]\n", with: "")))
        #expect(noOutline.field == "store.outline")
        #expect(noOutline.line == 2)
        let noSensors = try #require(error(String(Self.skeleton[..<Self.skeleton.range(of: "sensors:")!.lowerBound])))
        #expect(noSensors.field == "sensors")
    }

    @Test func aTypoInAFieldNameIsNotSilentlyIgnored() throws {
        let e = try #require(error(Self.skeleton.replacingOccurrences(of: "    position:", with: "    positon:")))
        #expect(e.field == "sensors[0].positon")
        #expect(e.line == 9)
        #expect(e.message.contains("unknown field"))
    }

    @Test func aNonNumericCoordinateNamesTheElement() throws {
        let e = try #require(error(Self.skeleton.replacingOccurrences(of: "[2.0, 2.0, 2.8]", with: "[2.0, two, 2.8]")))
        #expect(e.field == "sensors[0].position[1]")
        #expect(e.line == 9)
        #expect(e.message.contains("'two'"))
    }

    @Test func coordinatesInCentimetresAreCaught() throws {
        let e = try #require(error(Self.skeleton.replacingOccurrences(of: "[[0, 0], [10, 0], [10, 8], [0, 8]]", with: "[[0, 0], [4000, 0], [4000, 2500], [0, 2500]]")))
        #expect(e.field.hasPrefix("store.outline["))
        #expect(e.message.contains("centimetres"))
    }

    @Test func brokenYAMLGivesTheLine() throws {
        let e = try #require(error("store:\n  id: x\n  outline: [[0, 0], [1, 0]\nzones: []\n"))
        #expect(e.line != nil)
        #expect(e.message.contains("not valid YAML"))
        #expect(e.message.hasSuffix("; check this line and the ones before it for an unclosed bracket or quote, or indentation out of step"), "\(e)")
        let tab = try #require(error("store:\n  id: x\n\toutline: [[0, 0], [1, 0], [1, 1]]\n"))
        #expect(tab.message.hasSuffix("; indent with spaces, not tabs"), "\(tab)")
        let two = try #require(error(Self.skeleton + "\n---\npresence: {}\n"))
        #expect(two.message.contains("a store file is one document"), "\(two)")
    }

    /// A byte that is not UTF-8 is named by its line and column, with what to do.
    @Test func aFileThatIsNotUTF8NamesTheByte() throws {
        let directory = Fixtures.temporaryDirectory("not-utf8")
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let path = directory.appendingPathComponent("store.yaml").path
        var bytes = Array(Self.skeleton.utf8)
        let second = bytes.firstIndex(of: 0x0A)! + 1
        bytes.insert(contentsOf: [0x20, 0x20, 0xFF], at: second + 6)  // in "  id: tiny"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let e = try #require(throws: ConfigurationError.self) { try StoreConfiguration.load(path: path) }
        #expect(e.description == "\(path):2:9: is not UTF-8 text (the byte here begins no UTF-8 character); save the file as UTF-8")
    }

    @Test func aDuplicatedSectionIsOneLineNamingTheKey() throws {
        let e = try #require(error(Self.skeleton + "\nstore:\n  id: again"))
        #expect(e.message.contains("'store' appears twice"))
        #expect(!e.description.contains("\n"))
        #expect(e.line == 10, "the second `store:`, not the first: \(e)")
        let nested = try #require(error(Self.skeleton + "\npresence:\n  exit_after: 60\n  enter_after: 10\n  exit_after: 90"))
        #expect(nested.line == 13 && nested.message.contains("'exit_after' appears twice"), "\(nested)")
    }

    @Test func aPathLossGivenInPartKeepsItsRadiosDefaultForTheRest() throws {
        let configuration = try StoreConfiguration.parse(
            yaml: Self.skeleton + "\n    radios: [ble, wifi]\n    path_loss: { exponent: 2.6 }\n    wifi_path_loss: { exponent: 3 }", file: "store.yaml")
        let sensor = try #require(configuration.layout.sensors.first)
        #expect(sensor.radios == [.ble, .wifi])
        #expect(sensor.pathLoss(for: .ble) == PathLoss(rssiAt1m: PathLoss.bleDefault.rssiAt1m, exponent: 2.6))
        #expect(sensor.pathLoss(for: .wifi) == PathLoss(rssiAt1m: PathLoss.defaultFor(.wifi).rssiAt1m, exponent: 3))
        #expect(PathLoss.defaultFor(.wifi).rssiAt1m != PathLoss.bleDefault.rssiAt1m)
    }

    @Test func presenceThresholdsAndPathLossAreRangeChecked() throws {
        let bad = try #require(error(Self.skeleton + "\npresence:\n  exit_after: -5"))
        #expect(bad.field == "presence.exit_after")
        #expect(bad.line == 11)
        let exponent = try #require(error(Self.skeleton + "\n    path_loss: { rssi_at_1m: -59, exponent: 12 }"))
        #expect(exponent.field == "sensors[0].path_loss.exponent")
        #expect(exponent.message.contains("between 1 and 6"))
        let rate = try #require(error(Self.skeleton + "\npresence:\n  walk_in_rate: 2"))
        #expect(rate.field == "presence.walk_in_rate" && rate.line == 11)
        #expect(rate.message.contains("between 0 and 1"))
        let rates = try StoreConfiguration.parse(yaml: Self.skeleton + "\npresence:\n  walk_in_rate: 0.05\n  walk_out_rate: 0.01", file: "store.yaml")
        #expect(rates.presence.walkInRate == 0.05 && rates.presence.walkOutRate == 0.01)
        let wait = try #require(error(Self.skeleton + "\npresence:\n  storefront_wait: -1"))
        #expect(wait.field == "presence.storefront_wait" && wait.line == 11)
        let waits = try StoreConfiguration.parse(yaml: Self.skeleton + "\npresence:\n  storefront_wait: 0", file: "store.yaml")
        #expect(waits.presence.storefrontWait == 0 && StoreConfiguration.PresenceSettings().storefrontWait == 45)
    }

    /// A duration past what it can mean (a visit, a stay, a day's presence longer than a day),
    /// an aggregate more often than a minute or a history kept for more than ten years is a
    /// mistake of units, refused on its line, not a crash or a flood of events later.
    @Test func durationsPastADayAndAggregatesUnderAMinuteAreRefusedOnTheirLine() throws {
        let cases: [(String, String, Int, String)] = [
            ("\npresence:\n  exit_after: 1e20", "presence.exit_after", 11, "must be at most 86400 seconds, found 1e+20"),
            ("\npresence:\n  enter_after: 700000", "presence.enter_after", 11, "must be at most 86400 seconds"),
            ("\npresence:\n  max_presence: 86401", "presence.max_presence", 11, "must be at most 86400 seconds"),
            ("\npresence:\n  engaged_after: 1e300", "presence.engaged_after", 11, "must be at most 86400 seconds"),
            ("\npresence:\n  traffic_interval: 0.0001", "presence.traffic_interval", 11, "must be at least 60 seconds"),
            ("\nidentity:\n  retention_days: 9000000000000000", "identity.retention_days", 11, "must be at most 3650 days"),
        ]
        for (section, field, line, message) in cases {
            let bad = try #require(error(Self.skeleton + section), "\(section)")
            #expect(bad.field == field && bad.line == line, "\(bad)")
            #expect(bad.message.contains(message), "\(bad)")
        }
        let zone = try #require(error(Self.skeleton.replacingOccurrences(of: "  - id: front\n", with: "  - id: front\n    dwell_after: 1e300\n")))
        #expect(zone.field == "zones[0].dwell_after" && zone.message.contains("at most 86400"), "\(zone)")
        let deaf = try #require(error(Self.skeleton + "\n    radios: []"))
        #expect(deaf.field == "sensors[0].radios" && deaf.message.contains("is empty"), "\(deaf)")
        let longest = try StoreConfiguration.parse(
            yaml: Self.skeleton + "\npresence:\n  exit_after: 86400\n  traffic_interval: 60\nidentity:\n  retention_days: 3650", file: "store.yaml")
        #expect(longest.presence.exitAfter == 86_400 && longest.presence.trafficInterval == 60)
    }

    @Test func aMissingFileSaysSo() {
        #expect(throws: ConfigurationError.self) { try StoreConfiguration.load(path: "/nonexistent/store.yaml") }
    }

    @Test func aSensorGatewaysUpstreamIsReadAndChecked() throws {
        let good = try StoreConfiguration.parse(yaml: Self.skeleton + """

            upstream:
              url: http://10.0.4.2:8080/
              tokens: { s1: abc }
              batch_size: 200
            """, file: "store.yaml")
        let upstream = try #require(good.upstream)
        #expect(upstream.url == "http://10.0.4.2:8080" && upstream.tokens == ["s1": "abc"] && upstream.batchSize == 200)
        #expect(upstream.maxBuffer == 200_000 && upstream.flushInterval == 0.5)

        let noTokens = try #require(error(Self.skeleton + "\nupstream:\n  url: http://10.0.4.2:8080"))
        #expect(noTokens.field == "upstream.tokens" && noTokens.line == 11)
        let stranger = try #require(error(Self.skeleton + "\nupstream:\n  url: http://10.0.4.2:8080\n  tokens:\n    s9: abc"))
        #expect(stranger.field == "upstream.tokens.s9" && stranger.line == 13 && stranger.message.contains("not a sensor"))
        let url = try #require(error(Self.skeleton + "\nupstream:\n  url: 10.0.4.2:8080\n  tokens: { s1: abc }"))
        #expect(url.field == "upstream.url" && url.line == 11)
        let sinks = try #require(error(Self.skeleton + "\nsinks:\n  - type: jsonl\n    path: x.jsonl\nupstream:\n  url: http://a:1\n  tokens: { s1: abc }"))
        #expect(sinks.field == "sinks" && sinks.message.contains("locating gateway"))
    }

    @Test func theMerakiWebhookNeedsItsValidatorAndSecret() throws {
        let good = try StoreConfiguration.parse(yaml: Self.skeleton + """

            api:
              meraki:
                validator: 0f3bd1e2
                secret: fs!24Get
                access_points: { "A8:46:9D:27:56:63": s1 }
            """, file: "store.yaml")
        #expect(good.api.meraki?.validator == "0f3bd1e2" && good.api.meraki?.secret == "fs!24Get")
        #expect(good.api.meraki?.accessPoints == ["a8:46:9d:27:56:63": "s1"])
        let noSecret = try #require(error(Self.skeleton + "\napi:\n  meraki:\n    validator: x"))
        #expect(noSecret.field == "api.meraki.secret" && noSecret.message.contains("shared secret"))
        let badMAC = try #require(error(Self.skeleton + "\napi:\n  meraki:\n    validator: x\n    secret: y\n    access_points: { ap-1: s1 }"))
        #expect(badMAC.field == "api.meraki.access_points" && badMAC.line == 14)
        // A typo in the sensor would leave every reading of the access point out, said only to Meraki.
        let noSensor = try #require(error(Self.skeleton + "\napi:\n  meraki:\n    validator: x\n    secret: y\n    access_points: { \"a8:46:9d:27:56:64\": s99 }"))
        #expect(noSensor.field == "api.meraki.access_points.a8:46:9d:27:56:64" && noSensor.message.contains("'s99' is not a sensor of the store"), "\(noSensor)")
    }

    /// A token is what its holder may do: one sensor's token that is another's, or the
    /// operator's, would let that gateway post as the other or read every position.
    @Test func aTokenHeldForTwoRolesIsRefusedOnItsLine() throws {
        let twoSensors = try #require(error(Self.skeleton + "\napi:\n  sensor_tokens:\n    s1: abc123abc123\n    s2: abc123abc123"))
        #expect(twoSensors.field == "api.sensor_tokens.s2" && twoSensors.line == 13, "\(twoSensors)")
        #expect(twoSensors.message.hasPrefix("is also s1's token"), "\(twoSensors)")
        let operatorToo = try #require(error(Self.skeleton + "\napi:\n  tokens: [abc123abc123]\n  sensor_tokens:\n    s1: abc123abc123"))
        #expect(operatorToo.field == "api.sensor_tokens.s1" && operatorToo.line == 13, "\(operatorToo)")
        #expect(operatorToo.message.contains("is also in api.tokens"), "\(operatorToo)")
        #expect(!operatorToo.description.contains("abc123abc123"), "the token is not quoted")
        _ = try StoreConfiguration.parse(yaml: Self.skeleton + "\napi:\n  tokens: [op]\n  sensor_tokens:\n    s1: one\n    s2: two", file: "store.yaml")
    }

    /// Loopback is an address literal or `localhost`, not a name that starts like one: the open
    /// API's refusal and the Host check both ask it.
    @Test func loopbackIsTheLiteralOrLocalhostOnly() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST.", "::1", "[::1]"] {
            #expect(StoreConfiguration.APISettings.isLoopback(host), "\(host)")
        }
        for host in ["127.0.0.1.example.net", "127.evil", "0.0.0.0", "10.0.4.2", "localhost.example.net", "128.0.0.1"] {
            #expect(!StoreConfiguration.APISettings.isLoopback(host), "\(host)")
        }
    }

    @Test func secretsCompareEqualOnlyWhenEveryByteIs() {
        #expect(SecretComparison.equal("s3cret", "s3cret"))
        #expect(!SecretComparison.equal("s3creT", "s3cret"))
        #expect(!SecretComparison.equal("s3cre", "s3cret"))
        #expect(!SecretComparison.equal("s3crett", "s3cret"))
        #expect(!SecretComparison.equal("", "s3cret"))
        #expect(SecretComparison.isOne(of: ["a", "bb", "ccc"], "bb"))
        #expect(!SecretComparison.isOne(of: ["a", "bb", "ccc"], "b"))
        #expect(!SecretComparison.isOne(of: [String](), ""))
    }
}
