import FootfallCore
import Foundation
import Positioning

/// Fits each sensor's BLE path-loss parameters to a survey by robust regression
/// (`PathLossModel.fit`, Huber IRLS on rssi = a − 10·n·log10(d)) and says which fits to doubt.
public struct PathLossCalibration: Sendable {
    /// A sensor's fit and what is doubtful about it.
    public struct SensorFit: Hashable, Sendable {
        public var sensor: SensorID
        /// Nil when the sensor was never heard (or too little to fit): it keeps its configured model.
        public var pathLoss: PathLoss?
        /// Robust standard deviation of the residuals (dB, 1.4826·MAD).
        public var residualSD: Double?
        /// Reference points where the sensor was heard.
        public var points: Int
        /// Readings used.
        public var samples: Int
        /// Where the residuals say the sensor is, when that is markedly better than where the
        /// configuration says (see `suspectPosition`).
        public var suggestedPosition: Point?
        /// The robust residual spread with the sensor at `suggestedPosition`.
        public var suggestedResidualSD: Double?
        public var flags: [Flag]
        /// (slant distance, rssi) per reading, for plots.
        public var readings: [(distance: Double, rssi: Double)]

        public static func == (a: SensorFit, b: SensorFit) -> Bool {
            a.sensor == b.sensor && a.pathLoss == b.pathLoss && a.residualSD == b.residualSD && a.points == b.points
                && a.samples == b.samples && a.flags == b.flags && a.suggestedPosition == b.suggestedPosition
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(sensor) }
    }

    public enum Flag: Hashable, Sendable, CustomStringConvertible {
        case neverHeard
        /// Residual spread above `poorFitSD` dB.
        case poorFit(residualSD: Double)
        /// The fitted slope lies outside what a path loss can be (1–6): the readings span too few
        /// distances to tell it, or obstructions flatten it; the exponent is held at the default.
        case exponentHeld
        /// The fit is markedly better with the sensor elsewhere: probably recorded at the wrong place.
        case positionSuspect(distance: Double, best: Point, residualSD: Double, residualSDThere: Double)
        /// The fitted model is not one a receiver can have (its RSSI at 1 m outside
        /// `FittedPathLoss.plausibleRSSIAt1m`): not fitted, the configured model kept.
        case implausible(rssiAt1m: Double)

        public var description: String {
            switch self {
            case .neverHeard: "never heard in the survey: check it is powered and its id matches the trace"
            case .poorFit(let sd): "poor fit (residuals \(String(format: "%.1f", sd)) dB): survey more points around it or check for obstructions"
            case .exponentHeld: "the exponent could not be fitted (its slope over distance came out below 1 or above 6: distances too alike, or walls and shelving that flatten the fall-off): held at the configured value; survey nearer and further points, or check for obstructions"
            case .positionSuspect(let d, let p, let here, let there):
                "position looks wrong: the readings fit best \(String(format: "%.1f", d)) m away at (\(String(format: "%.1f", p.x)), \(String(format: "%.1f", p.y))) (residuals \(String(format: "%.1f", here)) → \(String(format: "%.1f", there)) dB); check where it is mounted, or for a wall between it and much of the floor"
            case .implausible(let a):
                "its readings fit an RSSI at 1 m of \(String(format: "%.1f", a)) dBm, which no receiver gives (−110 to 10 dBm): not fitted, its configured model kept; check the survey's readings of it (too weak, or another radio's)"
            }
        }
    }

    /// Residual spread (dB) above which a fit is poor.
    public var poorFitSD = 8.0
    /// A position is suspect when moving the sensor at least this far (metres)…
    public var suspectDistance = 1.0
    /// …cuts the residual spread by at least this fraction.
    public var suspectImprovement = 0.2
    /// At most this many readings per sensor are used to search for a better position.
    public var searchSamples = 400
    /// The store's positioning settings: where its street lies (`Street`), on which survey
    /// points are accepted beside the floor's.
    public var positioning = PositioningConfiguration()
    /// Whether to look for a better position of each sensor (the costly part of a fit).
    public var searchPositions = true
    /// A sensor heard at fewer points than this is not second-guessed: a handful of points
    /// fit many positions about equally well.
    public var minimumPointsForPositionCheck = 8
    /// Fewest reference points per sensor to fit (below: a survey problem).
    public var minimumPoints = 3

    public init() {}

    /// Checks the survey against the layout for fitting; throws the first problem found.
    public func validate(_ samples: [SurveySample], layout: StoreLayout, labels: Bool = true) throws {
        try validateSamples(samples, layout: layout, labels: labels)
        // What the fit takes: the floor's points (`fit`).
        let points = SurveyPoints.group(samples, layout: layout).filter { $0.hasCoordinates && Street.isOnFloor($0.position, layout: layout) }
        if points.count >= 2, SurveyPoints.areCollinear(points.map(\.position)) {
            throw SurveyProblem(.pointsOnALine, sampleIndex: points.last?.samples.first, "all \(points.count) survey points lie on one line, so a sensor's distance and direction cannot be told apart; record points off the line (at least a third of them a few metres to the side)")
        }
        for sensor in layout.sensors {
            let heardAt = points.filter { point in point.samples.contains { samples[$0].sensor == sensor.id } }
            if !heardAt.isEmpty, heardAt.count < minimumPoints {
                throw SurveyProblem(.tooFewPoints, sampleIndex: heardAt.first?.samples.first { samples[$0].sensor == sensor.id }, "sensor '\(sensor.id)' is heard at \(heardAt.count) survey point\(heardAt.count == 1 ? "" : "s"); at least \(minimumPoints) at different distances are needed — record more points around it")
            }
        }
    }

    /// How far outside the zone it names a surveyed point may lie (a point taken on the border).
    static let zoneLabelTolerance = 0.5

    /// How far `point` lies outside `zone`, when further than a point labelled with the zone
    /// may (`zoneLabelTolerance`); nil when the label fits it.
    public static func distanceOutside(_ zone: Zone, _ point: Point) -> Double? {
        guard !zone.polygon.contains(point) else { return nil }
        let distance = zone.polygon.distanceToBoundary(point)
        return distance > zoneLabelTolerance ? distance : nil
    }

    /// Checks that each sample belongs to this store (its sensor, its point or zone) and that
    /// some have a point: what any use of a survey needs, fitted or used as a radio map.
    /// `labels`: also that a zone label beside coordinates names a zone holding the point
    /// (when recording and fitting: the map does not read such a label, so a zone redrawn since
    /// the survey does not stop the gateway).
    public func validateSamples(_ samples: [SurveySample], layout: StoreLayout, labels: Bool = true) throws {
        for (i, sample) in samples.enumerated() {
            guard layout.sensor(sample.sensor) != nil else {
                let known = layout.sensors.map(\.id.rawValue).joined(separator: ", ")
                throw SurveyProblem(.unknownSensor, sampleIndex: i, "sensor '\(sample.sensor)' is not in the store (it has \(known)); fix the survey's sensor column or add the sensor to store.yaml")
            }
            if let p = sample.point, !Street.isOnFloor(p, layout: layout), !Street.contains(p, layout: layout, configuration: positioning) {
                throw SurveyProblem(.outsideOutline, sampleIndex: i, "point \(Self.format(p)) is \(String(format: "%.1f", layout.outline.distanceToBoundary(p))) m outside the store outline and not on the street before it; survey points are taken inside the store, or on the pavement within \(SVGDocument.number(positioning.outsideBand)) m (outside_band) of a wall with an entrance — check x,y (metres, store frame)")
            }
            if let zone = sample.zone, labels || sample.point == nil {
                // A label beside coordinates is not used, but one that names no zone, or a zone
                // the point is not in, says the line is not what the surveyor meant.
                guard let labelled = layout.zone(zone) else {
                    let instead = sample.point == nil ? "or give x,y" : "or leave the zone column empty"
                    throw SurveyProblem(.unknownZone, sampleIndex: i, "zone '\(zone)' is not in the store; use one of \(layout.zones.map(\.id).joined(separator: ", ")) \(instead)")
                }
                if let p = sample.point, let outside = Self.distanceOutside(labelled, p) {
                    // Every such line, not the first alone: zones redrawn since the survey make many.
                    let others = samples.indices.filter { j in
                        guard j != i, let label = samples[j].zone, let q = samples[j].point, let zone = layout.zone(label) else { return false }
                        return Self.distanceOutside(zone, q) != nil
                    }.count
                    let more = others > 0 ? " (and \(others) more line\(others == 1 ? "" : "s") like it: zones redrawn since the survey? empty their zone column, and the point's zone is the one it lies in)" : ""
                    throw SurveyProblem(.pointOutsideItsZone, sampleIndex: i, "point \(Self.format(p)) is \(String(format: "%.1f", outside)) m outside zone '\(zone)', which its line names; check x,y or the zone (or leave the zone column empty)\(more)")
                }
            }
        }
        guard SurveyPoints.group(samples, layout: layout).contains(where: \.hasCoordinates) else {
            throw SurveyProblem(.noPoints, sampleIndex: nil, "the survey has no samples with x,y; record points with `footfall calibrate record --store S --at X,Y --source trace:FILE`")
        }
    }

    /// Fits every sensor of the layout; sensors not heard are reported, not fitted.
    public func fit(_ samples: [SurveySample], layout: StoreLayout) -> [SensorFit] {
        // Distances need coordinates: zone-only samples do not enter the fit, nor do points on
        // the street, heard through the storefront (`Street`).
        let points = SurveyPoints.group(samples, layout: layout).filter { $0.hasCoordinates && Street.isOnFloor($0.position, layout: layout) }
        var pointOf = [Int](repeating: -1, count: samples.count)
        for (k, point) in points.enumerated() { for i in point.samples { pointOf[i] = k } }
        return layout.sensors.map { sensor in
            var positions: [Point] = [], rssi: [Double] = [], heardAt = Set<Int>()
            for (i, sample) in samples.enumerated() where sample.sensor == sensor.id && pointOf[i] >= 0 {
                positions.append(points[pointOf[i]].position)
                rssi.append(sample.rssi)
                heardAt.insert(pointOf[i])
            }
            var result = SensorFit(
                sensor: sensor.id, pathLoss: nil, residualSD: nil, points: heardAt.count, samples: rssi.count,
                suggestedPosition: nil, suggestedResidualSD: nil, flags: [], readings: [])
            guard !rssi.isEmpty else {
                result.flags = [.neverHeard]
                return result
            }
            let fallback = sensor.pathLoss(for: .ble)
            let distances = positions.map { sensor.position.distance(to: $0, height: layout.deviceHeight) }
            result.readings = zip(distances, rssi).map { ($0, $1) }
            guard let model = Self.fitModel(distances: distances, rssi: rssi, fallback: fallback) else { return result }
            // What the store's loader would refuse is not written (audit: a fit of readings at
            // −128 dBm wrote −113.9 dBm at 1 m, and every command then refused fitted.yaml).
            guard FittedPathLoss.plausibleRSSIAt1m.contains(model.pathLoss.rssiAt1m),
                  FittedPathLoss.plausibleExponent.contains(model.pathLoss.exponent)
            else {
                result.flags = [.implausible(rssiAt1m: model.pathLoss.rssiAt1m)]
                return result
            }
            result.pathLoss = model.pathLoss
            result.residualSD = model.noise
            let held = model.pathLoss.exponent == fallback.exponent
            if held { result.flags.append(.exponentHeld) }
            if model.noise > poorFitSD { result.flags.append(.poorFit(residualSD: model.noise)) }
            // A held exponent is not the readings' slope: with it, positions that make the
            // distances more alike fit better for that alone, and a right position looked wrong.
            // The position is second-guessed only where the slope was fitted.
            if searchPositions, !held, heardAt.count >= minimumPointsForPositionCheck,
               let (best, spread, here) = bestPosition(sensor: sensor, positions: positions, rssi: rssi, layout: layout, fallback: fallback)
            {
                let moved = best.distance(to: sensor.position.floor)
                if moved >= suspectDistance, spread < here * (1 - suspectImprovement) {
                    // The search runs on a sample of the readings: its spreads are said in the
                    // terms of the table's (all readings), the same ratio between them.
                    let there = here > 0 ? model.noise * spread / here : spread
                    result.suggestedPosition = best
                    result.suggestedResidualSD = there
                    result.flags.append(.positionSuspect(distance: moved, best: best, residualSD: model.noise, residualSDThere: there))
                }
            }
            return result
        }
    }

    /// How much weaker the survey's readings on the pavement are than the floor's fitted
    /// models say at their distance: the storefront's loss (`outside_wall_loss`), with how many
    /// readings at how many points say so. Only readings that the models, less the loss, put
    /// `censoringMargin` dB or more above the survey's weakest reading count, so that the
    /// packets lost under the receivers' floor do not make the pavement seem louder; the loss
    /// is found again with each estimate of it until it settles. Nil without such readings.
    public static func storefrontLoss(
        _ samples: [SurveySample], fits: [SensorFit], layout: StoreLayout, censoringMargin: Double = 10
    ) -> (loss: Double, readings: Int, points: Int)? {
        guard let weakest = samples.map(\.rssi).min() else { return nil }
        var models: [SensorID: (Sensor, PathLoss)] = [:]
        for fit in fits {
            if let pathLoss = fit.pathLoss, let sensor = layout.sensor(fit.sensor) { models[fit.sensor] = (sensor, pathLoss) }
        }
        var pavement: [(expected: Double, rssi: Double, point: Point)] = []
        for sample in samples {
            guard let point = sample.point, !Street.isOnFloor(point, layout: layout), let (sensor, pathLoss) = models[sample.sensor] else { continue }
            pavement.append((pathLoss.rssi(atDistance: sensor.position.distance(to: point, height: layout.deviceHeight)), sample.rssi, point))
        }
        var result: (loss: Double, readings: Int, points: Int)?
        var loss = 0.0
        for _ in 0..<10 {
            let counted = pavement.filter { $0.expected - loss >= weakest + censoringMargin }
            guard !counted.isEmpty else { break }
            let next = counted.reduce(0) { $0 + $1.expected - $1.rssi } / Double(counted.count)
            result = (next, counted.count, Set(counted.map(\.point)).count)
            if abs(next - loss) < 0.05 { break }
            loss = max(next, 0)
        }
        return result
    }

    /// `PathLossModel.fit` needs 10 readings; fewer (a point or two with a few readings each)
    /// are repeated so that a small survey still gets an intercept.
    static func fitModel(distances: [Double], rssi: [Double], fallback: PathLoss) -> PathLossModel? {
        guard !rssi.isEmpty else { return nil }
        var d = distances, r = rssi
        while d.count < 10 { d += distances; r += rssi }
        return PathLossModel.fit(distances: d, rssi: r, fallback: fallback)
    }

    /// The floor position (within the outline's box, a metre around it) at which the sensor's
    /// readings fit the model best: a 1 m grid search, then 0.25 m around the best cell; with
    /// the spread there and where the sensor is configured, on the same readings.
    func bestPosition(
        sensor: Sensor, positions: [Point], rssi: [Double], layout: StoreLayout, fallback: PathLoss
    ) -> (best: Point, spread: Double, spreadWhereConfigured: Double)? {
        // A deterministic thinning keeps the search fast on a dense survey.
        let stride = max(1, positions.count / searchSamples)
        let indices = Swift.stride(from: 0, to: positions.count, by: stride)
        let p = indices.map { positions[$0] }, r = indices.map { rssi[$0] }
        func spread(at point: Point) -> Double {
            let s = Point3(x: point.x, y: point.y, z: sensor.position.z)
            let d = p.map { s.distance(to: $0, height: layout.deviceHeight) }
            return Self.fitModel(distances: d, rssi: r, fallback: fallback)?.noise ?? .infinity
        }
        let box = layout.outline.boundingBox
        var best: (Point, Double)?
        func search(_ xs: [Double], _ ys: [Double]) {
            for x in xs {
                for y in ys {
                    let q = Point(x: x, y: y)
                    let s = spread(at: q)
                    if s < (best?.1 ?? .infinity) { best = (q, s) }
                }
            }
        }
        let coarse = 1.0
        search(
            Array(Swift.stride(from: box.min.x - 1, through: box.max.x + 1, by: coarse)),
            Array(Swift.stride(from: box.min.y - 1, through: box.max.y + 1, by: coarse)))
        guard let centre = best?.0 else { return nil }
        search(
            Array(Swift.stride(from: centre.x - coarse, through: centre.x + coarse, by: 0.25)),
            Array(Swift.stride(from: centre.y - coarse, through: centre.y + coarse, by: 0.25)))
        guard let best else { return nil }
        return (best.0, best.1, spread(at: sensor.position.floor))
    }

    static func format(_ p: Point) -> String { "(\(SVGDocument.number(p.x)), \(SVGDocument.number(p.y)))" }
}
