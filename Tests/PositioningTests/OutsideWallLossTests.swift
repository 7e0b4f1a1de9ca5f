import FootfallCore
import Foundation
@testable import Positioning
import Testing

/// `outside_wall_loss`: the radio map of the band before the storefront, heard through it.
@Suite struct OutsideWallLossTests {
    static let outline = Outline(squareStore.outline)
    static let models = squareStore.sensors.map { PathLossModel(pathLoss: $0.pathLoss(for: .ble)) }

    static func map(loss: Double, survey: [RadioMap.Sample] = []) -> RadioMap {
        let grid = Grid(outline: outline, step: 0.5, maximumCells: 10_000, band: 5, bandEdges: [(Point(x: 0, y: 0), Point(x: 10, y: 0))])
        return RadioMap(
            grid: grid, sensors: squareStore.sensors, models: models, deviceHeight: squareStore.deviceHeight, survey: survey,
            outsideWallLoss: loss, outline: outline)
    }

    /// The map's level of `sensor` at the cell holding `point`, and what the model says there.
    static func level(_ map: RadioMap, sensor: Int, at point: Point) -> (map: Double, model: Double) {
        let grid = map.grid
        let (column, row) = grid.cellCoordinates(of: point)
        let cell = row * grid.columns + column
        let centre = Point(x: grid.originX + Double(column) * grid.step, y: grid.originY + Double(row) * grid.step)
        let d = squareStore.sensors[sensor].position.distance(to: centre, height: squareStore.deviceHeight)
        return (map.expectedBySensor[sensor * grid.columns * grid.rows + cell], models[sensor].expectedRSSI(atDistance: d))
    }

    @Test func theBandIsHeardThatMuchWeakerAndTheFloorAsTheModelSays() {
        let map = Self.map(loss: 7)
        for sensor in 0..<4 {
            let street = Self.level(map, sensor: sensor, at: Point(x: 5, y: -3))
            #expect(abs(street.map - (street.model - 7)) < 1e-9, "sensor \(sensor) on the street: \(street)")
            let floor = Self.level(map, sensor: sensor, at: Point(x: 5, y: 3))
            #expect(abs(floor.map - floor.model) < 1e-9, "sensor \(sensor) on the floor: \(floor)")
        }
        let open = Self.map(loss: 0)
        let street = Self.level(open, sensor: 0, at: Point(x: 5, y: -3))
        #expect(abs(street.map - street.model) < 1e-9)
    }

    @Test func aPavementSurveyThroughTheStatedWallIsNotCountedAsShadowing() {
        // Survey readings on the pavement exactly as the model says through a 7 dB wall: with
        // the wall stated they deviate by nothing and the map stays as it was; without it they
        // are a 7 dB shadow, which the kriging spreads over the pavement.
        let point = Point(x: 5, y: -2)
        var survey: [RadioMap.Sample] = []
        for sensor in 0..<4 {
            let d = squareStore.sensors[sensor].position.distance(to: point, height: squareStore.deviceHeight)
            for _ in 0..<20 { survey.append(.init(sensor: sensor, point: point, rssi: Self.models[sensor].expectedRSSI(atDistance: d) - 7)) }
        }
        let stated = Self.level(Self.map(loss: 7, survey: survey), sensor: 0, at: point)
        #expect(abs(stated.map - (stated.model - 7)) < 1e-6, "\(stated)")
        let unstated = Self.level(Self.map(loss: 0, survey: survey), sensor: 0, at: point)
        #expect(unstated.map < unstated.model - 3, "the survey's deviation taken for a shadow: \(unstated)")
    }
}
