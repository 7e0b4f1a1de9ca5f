import FootfallCore

/// The locate stage: observations in, one position estimate per recently heard device out.
/// Causal by construction: `estimate(at:)` sees only what was observed before it.
public struct Locator: Sendable {
    public let layout: StoreLayout
    public let configuration: PositioningConfiguration
    private var devices: [DeviceID: DeviceState] = [:]
    private let sensorIndex: [SensorID: Int]

    struct Reading: Sendable {
        var rssi: Double
        var time: Double
    }

    struct DeviceState: Sendable {
        /// Last reading per sensor index.
        var readings: [Int: Reading] = [:]
        var lastHeard: Double = -.infinity
        var position: Point?
        var zone: ZoneHysteresis = .init()
    }

    public init(layout: StoreLayout, configuration: PositioningConfiguration = .init(), survey: [SurveySample] = []) {
        self.layout = layout
        self.configuration = configuration
        var index: [SensorID: Int] = [:]
        for (i, sensor) in layout.sensors.enumerated() { index[sensor.id] = i }
        sensorIndex = index
    }

    public mutating func observe(_ observation: Observation) {
        guard let sensor = sensorIndex[observation.sensor] else { return }
        var state = devices[observation.device] ?? DeviceState()
        // A light exponential filter per sensor; the full filter bank replaces this.
        if var previous = state.readings[sensor], observation.time - previous.time < configuration.window {
            previous.rssi = 0.6 * previous.rssi + 0.4 * observation.rssi
            previous.time = observation.time
            state.readings[sensor] = previous
        } else {
            state.readings[sensor] = Reading(rssi: observation.rssi, time: observation.time)
        }
        state.lastHeard = max(state.lastHeard, observation.time)
        devices[observation.device] = state
    }

    public mutating func estimate(at time: Double) -> [PositionEstimate] {
        var estimates: [PositionEstimate] = []
        for device in devices.keys.sorted() {
            guard var state = devices[device] else { continue }
            if time - state.lastHeard > configuration.forgetAfter {
                devices[device] = nil
                continue
            }
            let fresh = state.readings.filter { time - $0.value.time <= configuration.window }
            guard !fresh.isEmpty else { continue }
            let (point, uncertainty) = solve(fresh)
            var position = layout.outline.clamp(point)
            if let previous = state.position {
                position = previous * configuration.smoothing + position * (1 - configuration.smoothing)
            }
            state.position = position
            let zone = state.zone.update(layout.zone(containing: position)?.id, at: time, layout: layout)
            devices[device] = state
            estimates.append(
                PositionEstimate(
                    time: time, device: device, position: position, uncertainty: uncertainty, zone: zone,
                    insideStore: layout.outline.contains(point) || layout.outline.distanceToBoundary(point) < 0.5,
                    sensorsHeard: fresh.count))
        }
        return estimates
    }

    /// Weighted centroid refined by Gauss–Newton on range residuals.
    private func solve(_ readings: [Int: Reading]) -> (Point, Double) {
        var ranges: [(Point3, Double, Double)] = []
        for (index, reading) in readings {
            let sensor = layout.sensors[index]
            let model = sensor.pathLoss(for: .ble)
            let slant = model.distance(forRSSI: reading.rssi)
            let height = sensor.position.z - layout.deviceHeight
            let horizontal = (max(slant * slant - height * height, 0.01)).squareRoot()
            ranges.append((sensor.position, horizontal, 1 / (horizontal * horizontal + 1)))
        }
        let totalWeight = ranges.reduce(0) { $0 + $1.2 }
        var p = Point(
            x: ranges.reduce(0) { $0 + $1.0.x * $1.2 } / totalWeight,
            y: ranges.reduce(0) { $0 + $1.0.y * $1.2 } / totalWeight)
        if ranges.count >= 3 {
            for _ in 0..<8 {
                var a11 = 0.0, a12 = 0.0, a22 = 0.0, b1 = 0.0, b2 = 0.0
                for (s, r, w) in ranges {
                    let dx = p.x - s.x, dy = p.y - s.y
                    let d = max((dx * dx + dy * dy).squareRoot(), 0.1)
                    let jx = dx / d, jy = dy / d, residual = r - d
                    a11 += w * jx * jx; a12 += w * jx * jy; a22 += w * jy * jy
                    b1 += w * jx * residual; b2 += w * jy * residual
                }
                let det = a11 * a22 - a12 * a12
                guard abs(det) > 1e-9 else { break }
                p = Point(x: p.x + (a22 * b1 - a12 * b2) / det, y: p.y + (a11 * b2 - a12 * b1) / det)
            }
        }
        let spread = ranges.map { $0.1 }.reduce(0, +) / Double(ranges.count)
        return (p, max(1, spread / Double(ranges.count).squareRoot()))
    }
}
