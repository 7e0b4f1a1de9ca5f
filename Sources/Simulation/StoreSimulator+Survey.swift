import FootfallCore
import Foundation

extension StoreSimulator {
    /// How a calibration survey of the simulated store is taken.
    public struct SurveySettings: Hashable, Sendable {
        /// Distance (m) between neighbouring reference points, on a square grid over the outline.
        public var spacing = 2.5
        /// Seconds the surveyor stands at each point.
        public var dwell = 20.0
        /// Advertising interval (s) of the survey tag.
        public var advertisingInterval = 0.1
        /// The survey phone's transmit offset (dB): a known reference phone.
        public var txOffset = 0.0
        /// Reference points keep this far (m) from the walls.
        public var wallMargin = 0.5
        public var device = DeviceID("survey:tag")
        /// Rows of points on the pavement too, this far (m) out from each wall with an entrance
        /// (`StoreLayout.storefronts`), `spacing` apart along it and `pavementPastCorners` past
        /// its ends: the street's own levels, which tell a passer-by from a shopper behind the
        /// glass (docs/calibration.md). None by default.
        public var pavement: [Double] = []
        /// The rows calibration/README.md asks for where passers-by walk close to the glass.
        public static let pavementRows = [1.5, 4.0]
        public var pavementPastCorners = 5.0
        public init() {}
    }

    /// A calibration survey as a surveyor takes one: standing `dwell` seconds at each point of a
    /// grid `spacing` apart, phone in hand, turning a quarter turn every quarter of the stay (as
    /// survey procedures ask, so the body's shadow averages out), walking to the next point in
    /// a serpentine, then along the pavement's rows (`SurveySettings.pavement`). The radio is the
    /// same as the shoppers' — the same static shadowing field, the surveyor's own moving
    /// shadowing and fading — so the survey is as noisy as the store.
    public func survey(_ survey: SurveySettings = .init()) -> [SurveySample] {
        let box = layout.outline.boundingBox
        let spacing = max(survey.spacing, 0.25)
        var points: [Point] = []
        var row = 0
        var y = box.min.y + survey.wallMargin
        while y <= box.max.y - survey.wallMargin + 1e-9 {
            var line: [Point] = []
            var x = box.min.x + survey.wallMargin
            while x <= box.max.x - survey.wallMargin + 1e-9 {
                let p = Point(x: x, y: y)
                if layout.outline.contains(p), layout.outline.distanceToBoundary(p) >= survey.wallMargin - 1e-9 { line.append(p) }
                x += spacing
            }
            points += row % 2 == 0 ? line : line.reversed()
            row += 1
            y += spacing
        }
        for wall in layout.storefronts {
            let e = wall.end - wall.start
            let length = (e.x * e.x + e.y * e.y).squareRoot()
            let along = e * (1 / length), past = max(survey.pavementPastCorners, 0)
            for (r, out) in survey.pavement.enumerated() where out > 0 {
                var line: [Point] = []
                var t = -past
                while t <= length + past + 1e-9 {
                    line.append(wall.start + along * t + wall.outward * out)
                    t += spacing
                }
                points += r % 2 == 0 ? line.reversed() : line
            }
        }
        var random = RandomSource(seed: settings.seed).derived(7_000_000)
        let parameters = radio.parameters
        var shadowing = (0..<layout.sensors.count).map { _ in parameters.movingShadowingSD * random.normal() }
        var samples: [SurveySample] = []
        var time = settings.startTime
        var last: Point?
        let headings = [Point(x: 0, y: 1), Point(x: 1, y: 0), Point(x: 0, y: -1), Point(x: -1, y: 0)]
        for point in points {
            // Gudmundson: the surveyor's own shadowing decorrelates over the walk between points.
            let moved = last.map { $0.distance(to: point) } ?? 0
            last = point
            let rho = exp(-moved / parameters.gudmundsonDistance)
            for s in shadowing.indices {
                shadowing[s] = rho * shadowing[s] + (1 - rho * rho).squareRoot() * parameters.movingShadowingSD * random.normal()
            }
            let packets = Int(survey.dwell / survey.advertisingInterval)
            for k in 0..<packets {
                let t = time + Double(k) * survey.advertisingInterval + random.uniform(0, 0.01)
                let heading = headings[min(k * 4 / max(packets, 1), 3)]
                for (index, sensor) in layout.sensors.enumerated() {
                    let slant = sensor.position.distance(to: point, height: layout.deviceHeight)
                    var rssi = sensor.pathLoss(for: .ble).rssi(atDistance: slant) + survey.txOffset
                    rssi += radio.staticShadowing(sensor: index, at: point) + shadowing[index]
                    rssi += radio.fastFading(&random) - (layout.outline.contains(point) ? 0 : parameters.storefrontLoss)
                    rssi -= bodyLoss(.hand, heading: heading, from: point, to: sensor.position.floor)
                    guard radio.received(rssi: rssi, &random) else { continue }
                    samples.append(
                        SurveySample(
                            time: (t * 1000).rounded() / 1000, sensor: sensor.id, device: survey.device, rssi: rssi.rounded(),
                            point: point, zone: layout.zone(containing: point)?.id))
                }
            }
            time += survey.dwell + spacing
        }
        return samples
    }
}
