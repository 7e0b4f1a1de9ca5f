import FootfallCore
import Positioning
import Testing

@Suite struct LocatorTests {
    let layout = StoreLayout(
        id: "square", outline: Polygon(rectangleFrom: Point(x: 0, y: 0), to: Point(x: 10, y: 10)),
        sensors: [
            Sensor(id: "a", position: Point3(x: 0, y: 0, z: 2.5)), Sensor(id: "b", position: Point3(x: 10, y: 0, z: 2.5)),
            Sensor(id: "c", position: Point3(x: 10, y: 10, z: 2.5)), Sensor(id: "d", position: Point3(x: 0, y: 10, z: 2.5)),
        ])

    @Test func aDeviceInTheMiddleOfFourSensorsIsPlacedWithinOneMetre() {
        var locator = Locator(layout: layout)
        let model = PathLoss.bleDefault
        let centre = Point(x: 5, y: 5)
        for t in stride(from: 0.0, to: 5, by: 0.5) {
            for sensor in layout.sensors {
                let rssi = model.rssi(atDistance: sensor.position.distance(to: centre, height: layout.deviceHeight))
                locator.observe(Observation(time: t, sensor: sensor.id, device: "phone", rssi: rssi))
            }
        }
        let estimates = locator.estimate(at: 5)
        #expect(estimates.count == 1)
        #expect(estimates[0].position.distance(to: centre) < 1.0)
    }
}
