import Calibration
import FootfallCore
import Foundation
import Simulation

/// Simulated stores beyond the demo store (after /work/proto/genstores.py): a sensor every
/// ~30, ~60 and ~125 m², ceiling-mounted on a grid or wall-mounted along the perimeter, a
/// long narrow store, and a small shop (12 × 6 m, one receiver on each wall at 2.3 m: a
/// boutique or a kiosk, and the room of issue #15's first unseen recording), where the
/// whole floor lies within a few metres of the storefront and its till right behind it.
/// Zones tile the floor with the `entrance` and `checkout` the shopper model walks through;
/// one street door in the middle of the south wall.
///
/// Real sensors never match the path-loss defaults, so each store is simulated on a "true"
/// layout whose sensors each have their own path loss, while the locator gets the layout a
/// user writes: the same positions, no path loss.
enum SimulatedStoreMatrix {
    struct Store: Sendable {
        var name: String
        var width: Double
        var depth: Double
        var mounting: String
        var sensors: [Point3]

        var areaPerSensor: Double { width * depth / Double(sensors.count) }
    }

    static let stores: [Store] = [
        ceiling("ceiling-30", 30, 20, columns: 5, rows: 4),
        ceiling("ceiling-60", 40, 24, columns: 4, rows: 4),
        ceiling("ceiling-125", 40, 25, columns: 4, rows: 2),
        walls("wall-30", 30, 20, count: 20),
        walls("wall-60", 30, 20, count: 10),
        walls("wall-125", 40, 25, count: 8),
        ceiling("narrow-50x8", 50, 8, columns: 7, rows: 1),
        walls("room-12x6", 12, 6, count: 4),
    ]

    /// How the shoppers are simulated: by default 20 minutes at 200 shoppers an hour.
    static let minutes = 20.0
    static let shoppersPerHour = 200.0
    static let seed: UInt64 = 3
    /// The seed of the sensors' true path loss (the same draws for every store).
    static let pathLossSeed: UInt64 = 7

    /// Receivers on the ceiling, 3 m up, at the centres of a columns × rows grid.
    static func ceiling(_ name: String, _ width: Double, _ depth: Double, columns: Int, rows: Int) -> Store {
        let sensors = (0..<rows).flatMap { j in
            (0..<columns).map { i in
                Point3(x: (Double(i) + 0.5) * width / Double(columns), y: (Double(j) + 0.5) * depth / Double(rows), z: 3.0)
            }
        }
        return Store(name: name, width: width, depth: depth, mounting: "ceiling, 3 m, on a grid", sensors: sensors)
    }

    /// Receivers on the walls, 2.3 m up and 0.1 m in, evenly spaced along the perimeter.
    static func walls(_ name: String, _ width: Double, _ depth: Double, count: Int) -> Store {
        let perimeter = 2 * (width + depth)
        let sensors = (0..<count).map { k -> Point3 in
            let s = (Double(k) + 0.5) * perimeter / Double(count)
            if s < width { return Point3(x: s, y: 0.1, z: 2.3) }
            if s < width + depth { return Point3(x: width - 0.1, y: s - width, z: 2.3) }
            if s < 2 * width + depth { return Point3(x: width - (s - width - depth), y: depth - 0.1, z: 2.3) }
            return Point3(x: 0.1, y: depth - (s - 2 * width - depth), z: 2.3)
        }
        return Store(name: name, width: width, depth: depth, mounting: "walls, 2.3 m, along the perimeter", sensors: sensors)
    }

    /// Zones tiling the floor: along the front an `entrance` around the door (10 m wide at
    /// most), `checkout` to its east and a front-left strip to its west, then the rest of the
    /// floor in a grid of sectors. (genstores.py made the entrance 5 m deep where the front
    /// strip is 6 m, leaving a strip of floor in no zone; here the front row is one depth.)
    static func zones(_ store: Store) -> [(id: String, low: Point, high: Point)] {
        let w = store.width, h = store.depth, door = w / 2
        let entranceWidth = min(10, w / 3), front = min(6, h / 3)
        var zones: [(String, Point, Point)] = [
            ("entrance", Point(x: door - entranceWidth / 2, y: 0), Point(x: door + entranceWidth / 2, y: front)),
            ("checkout", Point(x: door + entranceWidth / 2, y: 0), Point(x: w, y: front)),
            ("front-left", Point(x: 0, y: 0), Point(x: door - entranceWidth / 2, y: front)),
        ]
        let columns = w >= 20 ? 3 : 2, rows = h >= 12 ? 2 : 1
        var names = ["produce", "bakery", "household", "clothing", "electronics", "toys"].makeIterator()
        for i in 0..<columns {
            for j in 0..<rows {
                let x0 = w * Double(i) / Double(columns), x1 = w * Double(i + 1) / Double(columns)
                let y0 = front + (h - front) * Double(j) / Double(rows), y1 = front + (h - front) * Double(j + 1) / Double(rows)
                zones.append((names.next()!, Point(x: x0, y: y0), Point(x: x1, y: y1)))
            }
        }
        return zones
    }

    /// Each sensor's true path loss: 1 m level uniform in −66…−52 dBm, exponent in 1.8…3.0.
    static func truePathLoss(sensorCount: Int) -> [PathLoss] {
        var random = RandomSource(seed: pathLossSeed)
        return (0..<sensorCount).map { _ in
            let rssiAt1m = (random.uniform(-66, -52) * 10).rounded() / 10
            let exponent = (random.uniform(1.8, 3.0) * 100).rounded() / 100
            return PathLoss(rssiAt1m: rssiAt1m, exponent: exponent)
        }
    }

    /// What the store file states of each sensor's path loss.
    enum Stating: Sendable {
        /// Nothing: what a new user writes; the locator learns the gains.
        case nothing
        /// The sensor's true path loss, as `calibrate fit` would write it from a survey.
        case truePathLoss
        /// The default model's exponent with the 1 m level that gives the sensor's true level at
        /// this distance (m): a gain learnt perfectly there, nothing of its own exponent.
        case gainAt(Double)
    }

    /// The store file: what a user writes (no path loss), or stating each sensor's path loss.
    static func yaml(_ store: Store, stating: Stating) -> String {
        func n(_ v: Double) -> String { SVGDocument.number(v) }
        func points(_ p: [Point]) -> String { "[" + p.map { "[\(n($0.x)), \(n($0.y))]" }.joined(separator: ", ") + "]" }
        var lines = [
            "store:",
            "  id: \(store.name)",
            "  outline: [[0, 0], [\(n(store.width)), 0], [\(n(store.width)), \(n(store.depth))], [0, \(n(store.depth))]]",
            "  entrances: [[\(n(store.width / 2)), 0]]",
            "  device_height: 1.2",
            "zones:",
        ]
        for zone in zones(store) {
            lines.append("  - id: \(zone.id)")
            lines.append("    polygon: \(points([zone.low, Point(x: zone.high.x, y: zone.low.y), zone.high, Point(x: zone.low.x, y: zone.high.y)]))")
        }
        lines.append("sensors:")
        let pathLoss = truePathLoss(sensorCount: store.sensors.count)
        for (index, sensor) in store.sensors.enumerated() {
            lines.append("  - id: s\(index + 1)")
            lines.append("    position: [\(n(sensor.x)), \(n(sensor.y)), \(n(sensor.z))]")
            let own = pathLoss[index]
            switch stating {
            case .nothing: break
            case .truePathLoss:
                lines.append("    path_loss: { rssi_at_1m: \(n(own.rssiAt1m)), exponent: \(n(own.exponent)) }")
            case .gainAt(let distance):
                // The 1 m level that, at the default exponent, gives the sensor's own level there.
                let model = PathLoss.bleDefault
                let level = own.rssi(atDistance: distance) + 10 * model.exponent * log10(distance)
                lines.append("    path_loss: { rssi_at_1m: \(n((level * 100).rounded() / 100)), exponent: \(n(model.exponent)) }")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// How the case's notes say what the store file states.
    static func statingNote(_ stating: Stating) -> String {
        switch stating {
        case .nothing: "the locator gets the user's layout without path loss"
        case .truePathLoss: "the locator gets each sensor's true path loss (`--stated-path-loss`)"
        case .gainAt(let d): "the locator gets each sensor's true level at \(SVGDocument.number(d)) m with the default exponent (`--stated-gains-at \(SVGDocument.number(d))`)"
        }
    }

    /// - Parameter stating: what the locator's store file states of each sensor's path loss:
    ///   nothing (a new user's file), or what knowing each receiver is worth (`Stating`).
    /// - Parameter minutes: how long the store runs (`--minutes`): longer runs show what the
    ///   locator learns of the sensors given more shoppers.
    /// - Parameter pavement: rows of the survey on the pavement (`StoreSimulator.SurveySettings.pavement`).
    /// - Parameter radio: the simulator's radio (`--storefront-loss`).
    static func recording(
        _ store: Store, stating: Stating = .nothing, minutes: Double = minutes, pavement: [Double] = [], radio: RadioModel.Parameters = .init()
    ) throws -> Recording {
        let user = try StoreConfiguration.parse(yaml: yaml(store, stating: stating), file: "\(store.name)/store.yaml")
        let truth = try StoreConfiguration.parse(yaml: yaml(store, stating: .truePathLoss), file: "\(store.name)/true.yaml")
        var settings = StoreSimulator.Settings()
        settings.hours = minutes / 60
        settings.shoppersPerHour = shoppersPerHour
        settings.seed = seed
        settings.radio = radio
        let simulator = StoreSimulator(layout: truth.layout, settings: settings)
        let pathLoss = truePathLoss(sensorCount: store.sensors.count)
        let levels = pathLoss.map(\.rssiAt1m), exponents = pathLoss.map(\.exponent)
        let name = "sim \(store.name)"
        func n(_ v: Double) -> String { SVGDocument.number(v) }
        return Recording(
            configuration: user, source: .simulated(simulator),
            variants: [
                Recording.withoutSurvey(name),
                .init(
                    name: "\(name), survey",
                    survey: {
                        var settings = StoreSimulator.SurveySettings()
                        settings.pavement = pavement
                        return simulator.survey(settings)
                    },
                    notes: "Survey: `StoreSimulator.survey()` on the true layout (a surveyor standing 20 s at each point of a 2.5 m grid, the shoppers' radio)"
                        + (pavement.isEmpty ? "." : ", and on the pavement \(pavement.map { n($0) }.joined(separator: " and ")) m out before the storefront (`--pavement-survey`).")),
            ],
            scoresZones: true,
            notes: "A \(n(store.width)) × \(n(store.depth)) m store, \(store.sensors.count) sensors (one per \(Int(store.areaPerSensor.rounded())) m²) on the \(store.mounting); \(zones(store).count) zones tiling the floor, one street door. Simulated in process, \(Int(minutes)) minutes at \(Int(shoppersPerHour)) shoppers/h (seed \(seed), with passers-by and staff), on a true layout whose sensors each have their own path loss (1 m level \(n(levels.min() ?? 0))…\(n(levels.max() ?? 0)) dBm, exponent \(n(exponents.min() ?? 0))…\(n(exponents.max() ?? 0)), seed \(pathLossSeed))\(radio.storefrontLoss > 0 ? ", every packet from outside the store \(n(radio.storefrontLoss)) dB weaker (`--storefront-loss`)" : ""); \(statingNote(stating)). Truth samples every second where the person is inside the outline.")
    }
}
