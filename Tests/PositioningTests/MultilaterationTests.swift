import FootfallCore
import Positioning
import Testing

@Suite struct MultilaterationTests {
    let solver = Multilateration(deviceHeight: 1.2)

    func measurements(at point: Point, sensors: [Point3], offset: Double = 0) -> [Multilateration.Measurement] {
        let model = PathLossModel(pathLoss: .bleDefault, noise: 6)
        return sensors.map {
            Multilateration.Measurement(
                sensor: $0, rssi: model.expectedRSSI(atDistance: $0.distance(to: point, height: 1.2)) + offset, model: model)
        }
    }

    @Test func fourCornerSensorsWithoutNoiseResolveWithinTenCentimetres() throws {
        let truth = Point(x: 3, y: 7)
        let corners = squareStore.sensors.map(\.position)
        let solution = try #require(solver.solve(measurements(at: truth, sensors: corners), within: squareStore.outline))
        #expect(solution.position.distance(to: truth) < 0.1)
    }

    @Test func aPhoneSixDecibelsLouderIsStillPlacedWithinHalfAMetre() throws {
        let truth = Point(x: 6, y: 2)
        let corners = squareStore.sensors.map(\.position)
        let solution = try #require(
            solver.solve(measurements(at: truth, sensors: corners, offset: 6), within: squareStore.outline))
        #expect(solution.position.distance(to: truth) < 0.5)
        #expect(abs(solution.offset - 6) < 2)
    }

    @Test func threeSensorsOnALineResolveWithinOneMetreOnTheStoreSide() throws {
        // Collinear sensors along the south wall: the mirror image (4, −4) is outside the store.
        // The distance from the line trades off against the unknown transmit offset, hence a
        // metre rather than centimetres.
        let line = [0.0, 5, 10].map { Point3(x: $0, y: 0, z: 2.5) }
        let truth = Point(x: 4, y: 4)
        let solution = try #require(solver.solve(measurements(at: truth, sensors: line), within: squareStore.outline))
        #expect(solution.position.distance(to: truth) < 1.0)
        #expect(solution.position.y > 2)
    }

    @Test func oneSensorHeardPlacesTheShopperAtThatSensorWithAWideUncertainty() throws {
        let sensor = Point3(x: 2, y: 2, z: 2.5)
        let solution = try #require(
            solver.solve(measurements(at: Point(x: 3, y: 2), sensors: [sensor]), within: squareStore.outline))
        #expect(solution.position.distance(to: sensor.floor) < 1.0)
        #expect(solution.uncertainty > 2)
    }

    @Test func twoSensorsHeardPlaceTheShopperBetweenThemWithinOneMetre() throws {
        let pair = [Point3(x: 2, y: 5, z: 2.5), Point3(x: 8, y: 5, z: 2.5)]
        let truth = Point(x: 4, y: 5)
        let solution = try #require(solver.solve(measurements(at: truth, sensors: pair), within: squareStore.outline))
        #expect(solution.position.distance(to: truth) < 1.0)
    }

    @Test func noMeasurementGivesNoSolution() {
        #expect(solver.solve([], within: squareStore.outline) == nil)
    }
}
