import FootfallCore
import Testing

/// `StoreLayout.storefronts`: the walls with an entrance, each with its side towards the street.
@Suite struct StorefrontTests {
    static let square = Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 6))

    @Test func aWallWithAnEntranceIsAStorefrontFacingAwayFromTheFloor() throws {
        let layout = StoreLayout(id: "s", outline: Self.square, entrances: [Point(x: 5, y: 0)])
        let wall = try #require(layout.storefronts.first)
        #expect(layout.storefronts.count == 1)
        #expect(Set([wall.start, wall.end]) == Set([Point(x: 0, y: 0), Point(x: 10, y: 0)]))
        #expect(abs(wall.outward.x) < 1e-12 && abs(wall.outward.y + 1) < 1e-12)
    }

    @Test func aCornerStoreHasTwoStorefrontsAndAnEntranceOnTheFloorNone() {
        let corner = StoreLayout(id: "s", outline: Self.square, entrances: [Point(x: 5, y: 0), Point(x: 10.5, y: 3)])
        let outward = corner.storefronts.map { Point(x: $0.outward.x.rounded(), y: $0.outward.y.rounded()) }
        #expect(Set(outward) == Set([Point(x: 0, y: -1), Point(x: 1, y: 0)]))
        // The same outline listed the other way round: the same sides.
        let reversed = StoreLayout(id: "s", outline: Polygon(Self.square.vertices.reversed()), entrances: corner.entrances)
        #expect(Set(reversed.storefronts.map { Point(x: $0.outward.x.rounded(), y: $0.outward.y.rounded()) }) == Set(outward))
        // More than a metre from every wall: not on one.
        #expect(StoreLayout(id: "s", outline: Self.square, entrances: [Point(x: 5, y: 3)]).storefronts.isEmpty)
    }
}
