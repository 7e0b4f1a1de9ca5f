import FootfallCore
import Testing

/// The store file `footfall init` writes, read back by the store file's own reader.
@Suite struct StoreDraftTests {
    static let draft = StoreDraft(
        id: "corner-shop", width: 40, depth: 25, entrances: [Point(x: 20, y: 0), Point(x: 40, y: 10)],
        sensors: [
            .init(id: "s1", position: Point3(x: 5, y: 6, z: 2.8)),
            .init(id: "s2", position: Point3(x: 35.25, y: 19, z: 3)),
        ],
        apiToken: "00112233445566778899aabbccddeeff", sensorTokens: ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"])

    @Test func theDraftReadsBackAsTheStoreItDescribes() throws {
        let configuration = try StoreConfiguration.parse(yaml: Self.draft.yaml, file: "store.yaml")
        let layout = configuration.layout
        #expect(layout.id == "corner-shop")
        #expect(configuration.gatewayID == "corner-shop-gateway-1")
        #expect(layout.outline.vertices == [Point(x: 0, y: 0), Point(x: 40, y: 0), Point(x: 40, y: 25), Point(x: 0, y: 25)])
        #expect(layout.entrances == [Point(x: 20, y: 0), Point(x: 40, y: 10)])
        #expect(layout.sensors.map(\.position) == [Point3(x: 5, y: 6, z: 2.8), Point3(x: 35.25, y: 19, z: 3)])
        #expect(layout.zones.map(\.id) == ["entrance-1", "entrance-2"])
        #expect(configuration.sources.isEmpty && configuration.sinks.isEmpty)
        #expect(configuration.api.listen == "127.0.0.1:8080")
        #expect(configuration.api.tokens == ["00112233445566778899aabbccddeeff"])
        #expect(configuration.api.sensorTokens == ["s1": "0123456789abcdef0123456789abcdef", "s2": "fedcba9876543210fedcba9876543210"])
    }

    @Test func eachDoorGetsTheFloorSixMetresWideAndFourDeepInsideIt() {
        func zone(_ door: Point) -> [Point] { Self.draft.entranceZone(at: door).vertices }
        // The street wall, the east wall, and a door a metre from a corner: cut to the floor.
        #expect(zone(Point(x: 20, y: 0)) == Polygon(rectangleFrom: Point(x: 17, y: 0), to: Point(x: 23, y: 4)).vertices)
        #expect(zone(Point(x: 40, y: 10)) == Polygon(rectangleFrom: Point(x: 36, y: 7), to: Point(x: 40, y: 13)).vertices)
        #expect(zone(Point(x: 1, y: 25)) == Polygon(rectangleFrom: Point(x: 0, y: 21), to: Point(x: 4, y: 25)).vertices)
        // A door drawn half a metre off the wall still opens onto the wall.
        #expect(zone(Point(x: 20, y: -0.5)) == zone(Point(x: 20, y: 0)))
    }

    @Test func numbersAreWrittenToTheCentimetre() {
        #expect(StoreDraft.number(40) == "40")
        #expect(StoreDraft.number(2.8) == "2.8")
        #expect(StoreDraft.number(17.000000000000004) == "17")
        #expect(StoreDraft.number(35.254) == "35.25")
    }
}
