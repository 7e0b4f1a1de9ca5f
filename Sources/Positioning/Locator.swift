import FootfallCore

/// The locate stage: observations in, one position estimate per recently heard device out.
///
/// Per device and sensor an `RSSIFilter` rejects implausible readings and outliers. At each
/// `estimate(at:)` the readings since the previous estimate update the device's position:
/// - `.grid` (default): a `GridFilter` over a `RadioMap` built from the survey (shrunk towards
///   the path-loss models fitted to it) or, without a survey, from the layout's path-loss
///   models; the phone's transmit offset is estimated per cell.
/// - `.multilateration`: `Multilateration` on the filtered levels, then a `Tracker`.
/// Zones come from `ZoneMembership`. Causal by construction: an estimate at `time` uses only
/// observations already given to `observe`, which the pipeline gives in time order.
public struct Locator: Sendable {
    public let layout: StoreLayout
    public let configuration: PositioningConfiguration
    /// The BLE path-loss model used for each sensor: fitted to the survey when there is one.
    public let pathLossModels: [SensorID: PathLossModel]

    private let sensorIndex: [SensorID: Int]
    private let outline: Outline
    private let zoneOutlines: [Outline]
    private let models: [Radio: [PathLossModel]]
    private let maps: [Radio: RadioMap]
    private let solver: Multilateration
    /// Each device's state, found by `deviceIndex`; `deviceOrder` lists them by device id, so
    /// that estimates come out in device order without a sort per round.
    private var devices: [DeviceState] = []
    private var deviceIDs: [DeviceID] = []
    private var deviceIndex: [DeviceID: Int] = [:]
    private var deviceOrder: [Int] = []
    private var diffusion = DiffusionCache()
    private var scratch: [Double] = []
    /// The dense grid a parked `GridFilter` is unfolded into for its estimate (zero between).
    private var gridWorkspace: [Double] = []
    /// Per-estimate buffers, kept so that an estimate allocates nothing.
    private var readings: [GridFilter.Reading] = []
    /// Per radio, per sensor: whether the sensor's silence says something about a device of
    /// that radio — it listens to the radio (`Sensor.radios`) and has heard anything within
    /// `forgetAfter`. Refreshed at each round of estimates.
    private var silenceCounts: [Radio: [Bool]] = [:]
    /// No sensor's silence counts (a batch not yet whole).
    private var noSilence: [Bool] = []
    /// Per sensor, when it last heard anything (x) and (grid engine) when, since then, a device
    /// was first placed where it should surely have heard it (y; +∞: not yet). Silent for
    /// `forgetAfter` after that, it is dead; silent only because every device was far from it
    /// (one tag in a building, heard by the receivers near it), it is not, and its silence goes
    /// on saying so. Multilateration takes one silent to every device that long as dead.
    private var sensorHeard: [SIMD2<Double>]
    /// What a silent sensor says: the receivers' floor and how often one within range misses a
    /// batch, both learnt from the readings.
    private var silence: SilenceModel
    /// Each sensor's learnt gain, per radio (grid engine).
    private var gains: [Radio: SensorGains] = [:]
    /// The building's path-loss exponent's deviation from the model, per radio, learnt from
    /// all the devices as the gains are (one quantity: `SensorGains` with one entry), where
    /// some sensor's exponent is the default's guess.
    private var exponents: [Radio: SensorGains] = [:]
    /// Per radio and sensor, whether its model is the default's guess (neither surveyed nor
    /// stated): where gains and the exponent are learnt.
    private let guessed: [Radio: [Bool]]
    /// The level (dB from the fitted models) of each device that recorded the survey: the
    /// mean of its survey readings' residuals against them (`knownLevel(of:radio:)`).
    private let surveyedLevels: [DeviceID: Double]
    /// The readings of sensors whose gain is learnt, and each one's level expected over the
    /// device's distribution.
    private var learning: [GridFilter.Reading] = []
    private var levelScratch: [Double] = []
    /// The batch's design rows, which of them are learnt from, and their leverages
    /// (`BatchLeverage`).
    private var leverageRows: [SIMD4<Double>] = []
    private var learningIndices: [Int] = []
    private var leverageScratch: [Double] = []
    private var distanceScratch: [Double] = []

    struct DeviceState: Sendable {
        var filters: [RSSIFilter]
        var radio: Radio
        var lastHeard = -Double.infinity
        var grid: GridFilter?
        var tracker: Tracker
        var zone = ZoneMembership()
        /// The grid engine's inside/outside decision, nil before the first estimate.
        var inside: Bool?
        /// When the grid engine last took the device as having come inside (nil while outside).
        var insideSince: Double?
        /// Per sensor, how many of the device's last batches in a row it heard (at most 2):
        /// one that heard the last two is within range, and whether it hears the next says
        /// how often such a sensor misses a batch (`SilenceModel`).
        var streak: [UInt8] = []
        /// Per sensor, the level of its last batch: only a sensor that heard the device well
        /// above the floor is surely within range.
        var lastLevel: [Float] = []
        /// Each sensor's last batch, which stands in for it while it is not yet due again.
        var held = HeldReadings(sensors: 0, longest: 0)
        /// Time of the last estimate, −∞ before the first.
        var lastEstimate = -Double.infinity
        /// The last estimate's position and uncertainty, which the next may move from at most
        /// `maximum_speed` allows plus both uncertainties; nil before the first.
        var lastPosition: Point?
        var lastUncertainty = 0.0
        /// The grid's restart count at the last estimate: a restarted track is not held back.
        var lastRestarts = 0
        /// What this device's readings have said of each sensor's gain.
        var gainWitness = SensorGains.Witness()
        /// What this device's readings have said of the building's exponent.
        var exponentWitness = SensorGains.Witness()
        /// Whether the last estimate was provisional: made between rounds from the part of a
        /// batch heard so far, and not taken into the device's track.
        var provisional = false

        /// What is left in the list while the state is being worked on.
        static var placeholder: DeviceState { DeviceState(filters: [], radio: .ble, tracker: Tracker()) }

        /// Offers a reading to the sensor's filter; returns whether it was accepted.
        mutating func record(
            sensor: Int, rssi: Double, at time: Double, plausible: ClosedRange<Double>, gate: Double, window: Double
        ) -> Bool {
            guard filters[sensor].add(rssi: rssi, at: time, plausible: plausible, gate: gate, window: window) else { return false }
            lastHeard = max(lastHeard, time)
            return true
        }
    }

    public init(layout: StoreLayout, configuration: PositioningConfiguration = .init(), survey: [SurveySample] = []) {
        self.layout = layout
        self.configuration = configuration
        var index: [SensorID: Int] = [:]
        for (i, sensor) in layout.sensors.enumerated() { index[sensor.id] = i }
        sensorIndex = index
        sensorHeard = Array(repeating: SIMD2(-.infinity, .infinity), count: layout.sensors.count)
        silence = SilenceModel(configuredFloor: configuration.receiverSensitivity)
        for radio in Radio.allCases { silenceCounts[radio] = layout.sensors.map { $0.radios.contains(radio) } }
        noSilence = Array(repeating: false, count: layout.sensors.count)
        outline = Outline(layout.outline)
        zoneOutlines = layout.zones.map { Outline($0.polygon) }

        // Survey readings with a known point and sensor, plausible ones only.
        let samples = survey.compactMap { sample -> RadioMap.Sample? in
            guard let point = sample.point, let sensor = index[sample.sensor],
                sample.rssi.isFinite, configuration.plausibleRSSI.contains(sample.rssi)
            else { return nil }
            return RadioMap.Sample(sensor: sensor, point: point, rssi: sample.rssi)
        }
        var models: [Radio: [PathLossModel]] = [:]
        var surveyed = Array(repeating: false, count: layout.sensors.count)
        for radio in Radio.allCases {
            models[radio] = layout.sensors.map {
                PathLossModel(pathLoss: $0.pathLoss(for: radio), noise: configuration.rssiNoise)
            }
        }
        // A survey is recorded with a BLE tag: refit each sensor's BLE model to it, from the
        // floor's points only (what reaches the street has come through the storefront); the
        // map takes the street's points too.
        if !samples.isEmpty {
            let onFloor = samples.map { Street.isOnFloor($0.point, layout: layout) }
            for (s, sensor) in layout.sensors.enumerated() {
                let own = samples.indices.filter { samples[$0].sensor == s && onFloor[$0] }.map { samples[$0] }
                let distances = own.map { sensor.position.distance(to: $0.point, height: layout.deviceHeight) }
                if let fitted = PathLossModel.fit(
                    distances: distances, rssi: own.map(\.rssi), fallback: sensor.pathLoss(for: .ble))
                {
                    models[.ble]![s] = fitted
                    surveyed[s] = true
                }
            }
        }
        self.models = models
        // Each surveying device's own level: its floor readings against the models fitted to
        // them (with several devices, each lies off their mean by its own offset).
        var residuals: [DeviceID: (sum: Double, count: Int)] = [:]
        for sample in survey {
            guard let point = sample.point, let s = index[sample.sensor], surveyed[s], sample.rssi.isFinite,
                  configuration.plausibleRSSI.contains(sample.rssi), Street.isOnFloor(point, layout: layout)
            else { continue }
            let distance = layout.sensors[s].position.distance(to: point, height: layout.deviceHeight)
            residuals[sample.device, default: (0, 0)].sum += sample.rssi - models[.ble]![s].expectedRSSI(atDistance: distance)
            residuals[sample.device, default: (0, 0)].count += 1
        }
        surveyedLevels = residuals.mapValues { $0.sum / Double($0.count) }
        // Where each sensor's model is the default's guess: not where a survey measured the
        // sensor, nor where the store file states its path loss (`calibrate fit` writes it from
        // one). There its gain is learnt and its exponent is uncertain.
        var guessed: [Radio: [Bool]] = [:]
        for radio in Radio.allCases {
            guessed[radio] = layout.sensors.indices.map { s in
                !(surveyed[s] && radio == .ble) && layout.sensors[s].pathLoss[radio] == nil
            }
        }
        self.guessed = guessed
        func learner(_ learnt: [Bool]) -> SensorGains {
            SensorGains(
                learnt: learnt, priorDevices: configuration.sensorGainPriorDevices,
                shadowing: configuration.shadowingSpread, placeSize: configuration.shadowingCorrelation)
        }
        if configuration.sensorGainLearning, configuration.engine == .grid {
            for radio in Radio.allCases where guessed[radio]!.contains(true) { gains[radio] = learner(guessed[radio]!) }
        }
        if configuration.pathLossExponentSpread > 0, configuration.engine == .grid {
            for radio in Radio.allCases where guessed[radio]!.contains(true) { exponents[radio] = learner([true]) }
        }
        // Where the grid fits the exponent's deviation at each cell: its map says how each
        // cell's level moves with it for the sensors whose model is a guess.
        let exponentUncertain = configuration.pathLossExponentSpread > 0 || configuration.pathLossExponentLocalSpread > 0
        var fitted: [SensorID: PathLossModel] = [:]
        for (s, sensor) in layout.sensors.enumerated() { fitted[sensor.id] = models[.ble]![s] }
        pathLossModels = fitted

        var maps: [Radio: RadioMap] = [:]
        if configuration.engine == .grid, !layout.sensors.isEmpty {
            // Along the storefront only, a layout without entrances has no band.
            let street = Street.band(layout, configuration)
            let grid = Grid(
                outline: outline, step: Self.gridStep(layout, configuration), maximumCells: configuration.maximumCells, band: street.width,
                bandEdges: street.edges,
                entrances: configuration.wallsBetweenInsideAndOutside ? layout.entrances : [],
                entranceRadius: configuration.entranceRadius)
            for radio in Radio.allCases {
                maps[radio] = RadioMap(
                    grid: grid, sensors: layout.sensors, models: models[radio]!, deviceHeight: layout.deviceHeight,
                    survey: radio == .ble ? samples : [], correlation: configuration.shadowingCorrelation,
                    shadowing: configuration.shadowingSpread, noise: configuration.rssiNoise,
                    uncertainExponent: exponentUncertain ? guessed[radio]! : [], outsideWallLoss: configuration.outsideWallLoss, outline: outline)
            }
        }
        self.maps = maps
        solver = Multilateration(
            deviceHeight: layout.deviceHeight, offsetSigma: configuration.transmitOffsetSigma,
            huberThreshold: configuration.huberThreshold, outline: layout.outline)
    }

    /// The grid's step: the configured one, or coarser where the sensors are far apart
    /// (`cellsPerSensorSpacing`).
    static func gridStep(_ layout: StoreLayout, _ configuration: PositioningConfiguration) -> Double {
        let sensors = layout.sensors.map(\.position.floor)
        guard sensors.count >= 2 else { return configuration.gridStep }
        let nearest = sensors.indices.map { i in
            sensors.indices.filter { $0 != i }.map { sensors[i].distance(to: sensors[$0]) }.min()!
        }.sorted()
        let middle = nearest.count / 2
        let spacing = nearest.count % 2 == 1 ? nearest[middle] : (nearest[middle - 1] + nearest[middle]) / 2
        return max(configuration.gridStep, spacing / max(configuration.cellsPerSensorSpacing, 1))
    }

    /// The walls with an entrance (within a metre), each lengthened by `reach` at both
    /// ends: where the street or the mall's corridor is, and passers-by with it. Elsewhere the
    /// walls back onto other premises.
    static func storefront(_ layout: StoreLayout, extending reach: Double) -> [(Point, Point)] {
        layout.storefronts.map { wall in
            // The street runs on past the store's corners: so does the band.
            let e = wall.end - wall.start
            let length = (e.x * e.x + e.y * e.y).squareRoot()
            let along = e * (reach / length)
            return (wall.start - along, wall.end + along)
        }
    }

    /// Takes one reading. Returns true when it was accepted for a device that has no estimate
    /// within `window` (heard for the first time, or again after a silence), or whose estimates
    /// since then were all provisional: the caller can ask for its estimate at once
    /// (`estimate(device:at:)`) instead of at the next round.
    @discardableResult
    public mutating func observe(_ observation: Observation) -> Bool {
        guard let sensor = sensorIndex[observation.sensor] else { return false }
        sensorHeard[sensor] = SIMD2(max(sensorHeard[sensor].x, observation.time), .infinity)
        let plausible = configuration.plausibleRSSI, gate = configuration.outlierGate, window = configuration.window
        // One hash lookup, the state mutated in place: no copy of the filters per reading.
        let index: Int
        if let known = deviceIndex[observation.device] {
            index = known
        } else {
            index = add(observation.device, radio: observation.radio)
        }
        guard devices[index].record(
            sensor: sensor, rssi: observation.rssi, at: observation.time, plausible: plausible, gate: gate, window: window)
        else { return false }
        silence.record(rssi: observation.rssi)
        return observation.time - devices[index].lastEstimate > window || devices[index].provisional
    }

    /// A device heard for the first time, placed in id order.
    private mutating func add(_ device: DeviceID, radio: Radio) -> Int {
        let index = devices.count
        var state = DeviceState(
            filters: Array(repeating: RSSIFilter(), count: layout.sensors.count), radio: radio,
            tracker: Tracker(acceleration: configuration.trackerAcceleration, maximumSpeed: configuration.maximumSpeed))
        state.streak = Array(repeating: 0, count: layout.sensors.count)
        state.lastLevel = Array(repeating: -.infinity, count: layout.sensors.count)
        state.held = HeldReadings(sensors: layout.sensors.count, longest: configuration.window)
        devices.append(state)
        deviceIDs.append(device)
        deviceIndex[device] = index
        // Binary search for the first listed device after it.
        var low = 0, high = deviceOrder.count
        while low < high {
            let middle = (low + high) / 2
            if deviceIDs[deviceOrder[middle]] < device { low = middle + 1 } else { high = middle }
        }
        deviceOrder.insert(index, at: low)
        return index
    }

    /// Drops the devices marked forgotten, keeping the others' order.
    private mutating func removeForgotten(_ forgotten: [Bool]) {
        var renumber = [Int](repeating: -1, count: devices.count)
        var kept: [DeviceState] = []
        var keptIDs: [DeviceID] = []
        kept.reserveCapacity(devices.count)
        keptIDs.reserveCapacity(devices.count)
        for i in devices.indices where !forgotten[i] {
            renumber[i] = kept.count
            kept.append(devices[i])
            keptIDs.append(deviceIDs[i])
        }
        devices = kept
        deviceIDs = keptIDs
        deviceOrder = deviceOrder.compactMap { renumber[$0] >= 0 ? renumber[$0] : nil }
        deviceIndex.removeAll(keepingCapacity: true)
        for (i, id) in deviceIDs.enumerated() { deviceIndex[id] = i }
    }

    /// One estimate per device heard within `configuration.window` of `time`, from data up to
    /// `time` only (causal), in device order. Devices unheard for `forgetAfter` are dropped.
    public mutating func estimate(at time: Double) -> [PositionEstimate] {
        var estimates: [PositionEstimate] = []
        estimates.reserveCapacity(devices.count)
        prepareRound(at: time)
        var forgotten: [Bool]? = nil
        for index in deviceOrder {
            if time - devices[index].lastHeard > configuration.forgetAfter {
                if forgotten == nil { forgotten = Array(repeating: false, count: devices.count) }
                forgotten![index] = true
                continue
            }
            guard time - devices[index].lastHeard <= configuration.window else { continue }
            if let estimate = locate(index, at: time) { estimates.append(estimate) }
        }
        if let forgotten { removeForgotten(forgotten) }
        return estimates
    }

    /// The estimate of one device now, from what it has been heard say up to `time`: for a
    /// device `observe` reported as new or back, so that it is placed from its first reading
    /// rather than at the next round. With the grid engine it is provisional: the batch of
    /// this second is not whole, so the sensors that have not heard the device yet are not
    /// counted as silent, and the estimate is made on a copy of the device's track, which the
    /// round at the next whole second then moves on with the whole batch.
    public mutating func estimate(device: DeviceID, at time: Double) -> PositionEstimate? {
        guard let index = deviceIndex[device], time - devices[index].lastHeard <= configuration.window else { return nil }
        if configuration.engine == .grid { return locate(index, at: time, provisional: true) }
        prepareRound(at: time)
        return locate(index, at: time)
    }

    /// What every estimate at `time` shares: which sensors' silence counts, the silence model.
    private mutating func prepareRound(at time: Double) {
        // A sensor that has heard nothing yet, or (grid engine) nothing for `forgetAfter` since
        // a device stood where it should surely have heard it, is dead, not far away; one not
        // listening to a radio never hears its devices. Neither's silence is evidence. Without
        // a map to say where a sensor should hear (multilateration), one silent to every device
        // for `forgetAfter` is taken as dead.
        let grid = configuration.engine == .grid
        for radio in Radio.allCases {
            for (s, sensor) in layout.sensors.enumerated() {
                let alive = grid
                    ? sensorHeard[s].x > -.infinity && !(time - sensorHeard[s].y > configuration.forgetAfter)
                    : time - sensorHeard[s].x <= configuration.forgetAfter
                silenceCounts[radio]![s] = alive && sensor.radios.contains(radio)
            }
        }
        silence.refresh()
    }

    /// One device's estimate at `time` (nil when its engine cannot place it yet).
    /// `provisional` (grid engine only): an estimate between rounds (`estimate(device:at:)`).
    private mutating func locate(_ index: Int, at time: Double, provisional: Bool = false) -> PositionEstimate? {
        // Worked on out of the list, so that its buffers are not copied on write.
        var state = DeviceState.placeholder
        swap(&state, &devices[index])
        defer { swap(&state, &devices[index]) }
        let device = deviceIDs[index]
        let located: Located?
        if provisional {
            // Between rounds the batch is not whole yet: the sensors that have not spoken are
            // not silent, only not yet heard. Placed from a copy of the track, which the round
            // at the whole second then moves on with the whole batch.
            var copy = state
            located = locateOnGrid(&copy, at: time, device: device, provisional: true)
        } else {
            switch configuration.engine {
            case .grid: located = locateOnGrid(&state, at: time, device: device)
            case .multilateration: located = locateByMultilateration(&state, at: time)
            }
        }
        state.provisional = provisional
        guard let located else { return nil }
        var position = located.inside ? outline.clamp(located.position) : located.position
        let sigma = max((located.xx + located.yy) / 2, 0).squareRoot()
        // No faster than a shopper moves: a batch heard by few sensors can pull the grid's
        // mean across the store for a second; the estimate moves at most maximum_speed · Δt
        // plus what the two estimates are unsure of. A restarted track (a different device
        // now bearing the id) is not held back.
        let restarts = state.grid?.restarts ?? 0
        if let previous = state.lastPosition, restarts == state.lastRestarts {
            let allowed = configuration.maximumSpeed * max(time - state.lastEstimate, 0) + sigma + state.lastUncertainty
            let step = position - previous
            let length = (step.x * step.x + step.y * step.y).squareRoot()
            if length > allowed { position = previous + step * (allowed / length) }
        }
        state.lastEstimate = time
        state.lastPosition = position
        state.lastUncertainty = sigma
        state.lastRestarts = restarts
        // A device outside the store is in none of its zones. An estimate outside leaves the
        // zone as it was: a device that strays outside the walls for a second has its zone
        // again when it is back.
        var heard = 0
        for filter in state.filters where time - filter.lastTime <= configuration.window { heard += 1 }
        // An estimate made between rounds, or from one sensor's readings alone (how far from
        // it, not in which direction), decides a zone but does not hold it by the margin.
        let tentative = provisional || heard < 2
        let zone = located.inside
            ? state.zone.update(
                position: position, uncertainty: sigma, zones: layout.zones, outlines: zoneOutlines, at: time,
                margin: configuration.zoneMargin(uncertainty: sigma, speed: state.tracker.speed), tentative: tentative)
            : nil
        var estimate = PositionEstimate(
            time: time, device: device, position: position, uncertainty: sigma, zone: zone,
            insideStore: located.inside, sensorsHeard: heard)
        estimate.zoneSince = zone == nil ? nil : state.zone.since
        estimate.zoneSettledUntil = zone == nil ? nil : state.zone.settledUntil
        estimate.insideProbability = located.insideProbability
        return estimate
    }

    /// One device's position before zones: the mean, its covariance and whether it is inside
    /// the store.
    private struct Located {
        var position: Point
        var xx: Double, xy: Double, yy: Double
        var inside: Bool
        /// Probability of being inside the outline, where the grid weighs inside and outside.
        var insideProbability: Double?
    }

    /// What is known of a device's level before its first batch: for the device that recorded
    /// the survey, its level there (`surveyedLevels`), to within `surveyed_device_level_spread`;
    /// for any other, nothing.
    private func knownLevel(of device: DeviceID, radio: Radio) -> (mean: Double, precision: Double)? {
        guard radio == .ble, let level = surveyedLevels[device] else { return nil }
        let spread = max(configuration.surveyedDeviceLevelSpread, 0.01)
        return (level, 1 / (spread * spread))
    }

    private mutating func locateOnGrid(_ state: inout DeviceState, at time: Double, device: DeviceID, provisional: Bool = false) -> Located? {
        guard let map = maps[state.radio] ?? maps[.ble] else { return nil }
        readings.removeAll(keepingCapacity: true)
        let gain = gains[state.radio]?.gain ?? []
        for s in state.filters.indices {
            if let pending = provisional ? state.filters[s].pending : state.filters[s].takePending() {
                readings.append(GridFilter.Reading(sensor: s, rssi: pending.rssi - (s < gain.count ? gain[s] : 0), count: pending.count))
                if !provisional {
                    state.held.heard(sensor: s, rssi: pending.rssi, count: pending.count, at: time)
                }
            }
        }
        if !provisional, !readings.isEmpty, let counts = silenceCounts[state.radio] { recordMisses(&state, counts: counts) }
        // The sensors not heard in this batch that are not due yet, as their last batches; only
        // for the update: what is learnt from residuals takes this batch's own readings.
        let fresh = readings.count
        if !provisional, fresh > 0 { holdReadings(of: state, at: time, gain: gain) }
        // Taken out of the state, so that its probabilities are not copied on write.
        var filter = state.grid ?? GridFilter(
            grid: map.grid, outsidePrior: configuration.outsidePrior, knownLevel: knownLevel(of: device, radio: state.radio))
        state.grid = nil
        filter.unpark(from: &gridWorkspace, grid: map.grid)
        defer {
            filter.park(into: &gridWorkspace, grid: map.grid)
            state.grid = filter
        }
        let velocity = Point(x: state.tracker.state[2], y: state.tracker.state[3]) * configuration.gridDrift
        // A device inside a while is a visitor: the walk's spread by the door does not take it out.
        let visitor = state.inside == true && state.insideSince.map { time - $0 >= configuration.doorExitShareAfter } == true
        filter.predict(
            to: time, velocity: velocity, grid: map.grid, configuration: configuration, cache: &diffusion,
            exitShare: visitor ? configuration.doorExitShare : 1)
        filter.update(
            with: readings, map: map, configuration: configuration, scratch: &scratch,
            silenceCounts: provisional ? noSilence : silenceCounts[state.radio], silence: silence, exponent: exponentPrior(state.radio))
        readings.removeSubrange(fresh...)
        let m = filter.summary(grid: map.grid)
        if !provisional, !readings.isEmpty { noteExpectedSensors(at: m.mean, offset: filter.offset, map: map, radio: state.radio, time: time) }
        if !provisional, !readings.isEmpty {
            filter.learnLevel(share: levelShare(insideProbability: m.insideProbability), configuration: configuration)
        }
        if !provisional, readings.count >= 2, gains[state.radio] != nil {
            learnGains(&state, from: filter, map: map, spread: m.xx + m.yy, mean: m.mean)
        }
        // A slope needs three levels or more to be seen beside the phone's offset.
        if !provisional, readings.count >= 3, exponents[state.radio] != nil {
            exponents[state.radio]!.learn(
                sensor: 0, residual: filter.slope, weight: estimateWeight(spread: m.xx + m.yy), witness: &state.exponentWitness)
        }
        // The track of the grid's means gives the velocity that carries the grid forward.
        state.tracker.update(fix: m.mean, xx: m.xx, xy: m.xy, yy: m.yy, at: time)
        let inside: Bool
        if map.grid.hasBand {
            // The grid covers the band outside the walls: inside is where most probability is,
            // with hysteresis between the entering and leaving thresholds.
            switch state.inside {
            case nil: inside = m.insideProbability >= 0.5
            case true?: inside = m.insideProbability >= configuration.insideExitProbability
            case false?: inside = m.insideProbability > configuration.insideEnterProbability
            }
        } else {
            // The grid only knows the inside; whether the readings come from outside the walls
            // (a passer-by) is asked of an unbounded multilateration fix.
            let fix = solver.solve(levels(of: state, at: time, models: modelsFor(state.radio)), outline: outline, bounded: false)
            inside = fix.map(isInside) ?? true
        }
        if inside, state.inside != true { state.insideSince = time }
        if !inside { state.insideSince = nil }
        state.inside = inside
        return Located(
            position: inside ? m.insideMean : m.mean, xx: m.xx, xy: m.xy, yy: m.yy, inside: inside,
            insideProbability: map.grid.hasBand ? m.insideProbability : nil)
    }

    /// Appends to `readings` (this batch's, in sensor order) the held reading of each sensor
    /// not among them (`HeldReadings`).
    private mutating func holdReadings(of state: DeviceState, at time: Double, gain: [Double]) {
        let surely = silence.surelyWithinRange(rssiNoise: configuration.rssiNoise)
        let speed = state.tracker.speed, fresh = readings.count
        var next = 0
        for sensor in state.filters.indices {
            if next < fresh, readings[next].sensor == sensor {
                next += 1
                continue
            }
            if let held = state.held.reading(
                of: sensor, at: time, gain: sensor < gain.count ? gain[sensor] : 0, surely: surely, speed: speed,
                correlation: configuration.shadowingCorrelation)
            {
                readings.append(held)
            }
        }
    }

    /// Takes this batch's readings as evidence of their sensors' gains: each one's residual
    /// against the level the map expects over the device's distribution, less the phone's
    /// fitted offset (so a batch heard by one sensor says nothing), over the share of it the
    /// batch's fit has not taken up (`BatchLeverage`), bounded at twice `rssi_noise` (a body in
    /// the way is not the sensor's doing), weighted by how sure the estimate is: fully within
    /// `shadowing_correlation`, less the wider it is spread.
    private mutating func learnGains(_ state: inout DeviceState, from filter: GridFilter, map: RadioMap, spread: Double, mean: Point) {
        guard var learner = gains[state.radio] else { return }
        gains[state.radio] = nil
        defer { gains[state.radio] = learner }
        let weight = estimateWeight(spread: spread)
        let limit = 2 * configuration.rssiNoise
        learning.removeAll(keepingCapacity: true)
        learningIndices.removeAll(keepingCapacity: true)
        for (index, reading) in readings.enumerated() where reading.sensor < learner.learnt.count && learner.learnt[reading.sensor] {
            learning.append(reading)
            learningIndices.append(index)
        }
        guard !learning.isEmpty else { return }
        // Every reading of the batch is in its fit, those of measured sensors too.
        let models = modelsFor(state.radio)
        let sloped = filter.slope != 0 && !map.logDistanceBySensor.isEmpty
        leverageRows.removeAll(keepingCapacity: true)
        for reading in readings {
            leverageRows.append(BatchLeverage.row(
                sensor: layout.sensors[reading.sensor].position, model: models[reading.sensor].pathLoss, at: mean,
                deviceHeight: layout.deviceHeight, sloped: sloped))
        }
        BatchLeverage.leverages(
            rows: leverageRows, learning: learningIndices, noise: configuration.rssiNoise, offsetSpread: configuration.transmitOffsetSigma,
            slopePrecision: sloped ? exponentPrior(state.radio).precision : nil, into: &leverageScratch)
        filter.meanLevels(of: learning.lazy.map(\.sensor), map: map, into: &levelScratch)
        // With the exponent fitted, the level expected is bent by its deviation too.
        if sloped {
            filter.meanLevels(of: learning.lazy.map(\.sensor), map: map, logDistance: true, into: &distanceScratch)
            for i in levelScratch.indices where distanceScratch[i].isFinite { levelScratch[i] += filter.slope * distanceScratch[i] }
        }
        let place = learner.place(of: mean)
        for (i, reading) in learning.enumerated() {
            let expected = levelScratch[i]
            guard expected.isFinite else { continue }
            // What the batch's fit left of the reading's deviation, less what it took up, with
            // the gain it was taken with put back: the whole gain it says.
            let left = reading.rssi - expected - filter.offset
            let residual = left / (1 - leverageScratch[i]) + learner.gain[reading.sensor]
            learner.learn(
                sensor: reading.sensor, residual: min(max(residual, learner.gain[reading.sensor] - limit), learner.gain[reading.sensor] + limit),
                weight: weight, place: place, witness: &state.gainWitness)
        }
        learner.shrinkBySpread()
    }

    /// Marks the sensors that this batch did not hear although the device is placed where they
    /// should surely hear it (the map's level there, with the device's offset and the sensor's
    /// gain, `SilenceModel.withinRange` × `rssi_noise` above the receivers' floor, as for a miss).
    private mutating func noteExpectedSensors(at position: Point, offset: Double, map: RadioMap, radio: Radio, time: Double) {
        let grid = map.grid
        let (column, row) = grid.cellCoordinates(of: position)
        guard column >= 0, column < grid.columns, row >= 0, row < grid.rows else { return }
        let cell = row * grid.columns + column, dense = grid.columns * grid.rows
        // The mean of a distribution split between two arms of a store can fall where nobody
        // can stand (the map holds no level there): it says nothing of where a sensor hears.
        guard grid.inside[cell] else { return }
        let surely = silence.surelyWithinRange(rssiNoise: configuration.rssiNoise)
        let gain = gains[radio]?.gain ?? []
        for s in 0..<min(map.sensorCount, sensorHeard.count) where sensorHeard[s].y == .infinity {
            guard layout.sensors[s].radios.contains(radio), !readings.contains(where: { $0.sensor == s }) else { continue }
            let expected = map.expectedBySensor[s * dense + cell] + offset + (s < gain.count ? gain[s] : 0)
            if expected >= surely { sensorHeard[s].y = time }
        }
    }

    /// The share of a batch's information about the phone's offset that counts as evidence of
    /// the device's own level: `transmit_offset_learning` where the device is surely inside
    /// (probability 0.9 or more), none where it may be outside (0.5 or less), in between
    /// linearly. From the street every sensor hears the device from the same side, so its level
    /// and its distance from the storefront trade off: the level a passer-by's batches seem to
    /// say follows wherever the grid already places it (a window shopper who stops by the glass
    /// would teach itself to be a weaker phone inside). Among the sensors, the readings say it.
    private func levelShare(insideProbability: Double) -> Double {
        let inside = min(max((insideProbability - 0.5) / 0.4, 0), 1)
        return max(configuration.transmitOffsetLearning, 0) * inside
    }

    /// How much an estimate's residuals weigh as evidence of the sensors' gains and the
    /// building's exponent: fully within `shadowing_correlation`, less the wider the estimate
    /// is spread (`spread`: the trace of its covariance, m²).
    private func estimateWeight(spread: Double) -> Double {
        let correlation = max(configuration.shadowingCorrelation, 0.1)
        return 1 / (1 + max(spread, 0) / (correlation * correlation))
    }

    /// The prior of the exponent's deviation from the model that the grid fits at each cell:
    /// the building's, centred on what the devices have taught, its variance
    /// `path_loss_exponent_spread`² at first and narrowing as (prior devices) / (prior devices
    /// + devices seen), as a learnt gain's does; plus the place's own,
    /// `path_loss_exponent_local_spread`², which no number of devices narrows. (0, 0) with both
    /// spreads 0; the grid uses it only where its map has an exponent to fit.
    private func exponentPrior(_ radio: Radio) -> (mean: Double, precision: Double) {
        let building = configuration.pathLossExponentSpread, local = configuration.pathLossExponentLocalSpread
        var mean = 0.0, variance = local * local
        if let learner = exponents[radio] {
            let prior = max(learner.priorDevices, 1e-6)
            mean = learner.gain[0]
            variance += building * building * prior / (prior + learner.devices[0])
        }
        return variance > 0 ? (mean, 1 / variance) : (0, 0)
    }

    /// The sensors whose silence the last round of estimates left out as dead (a sensor that
    /// has heard nothing yet, or, grid engine, nothing for `forget_after` since a device stood
    /// where it should surely have heard it), among those that listen to `radio`.
    public func sensorsTakenAsDead(radio: Radio = .ble) -> [SensorID] {
        let counts = silenceCounts[radio] ?? []
        return layout.sensors.enumerated().compactMap { s, sensor in
            sensor.radios.contains(radio) && s < counts.count && !counts[s] ? sensor.id : nil
        }
    }

    /// How far the building's path-loss exponent on `radio` lies from the model's (of the
    /// sensors whose model is the default's guess), as the devices have taught it, and the
    /// devices' worth of evidence behind it; nil where it is not learnt.
    public func learntExponent(radio: Radio = .ble) -> LearntExponent? {
        guard let learner = exponents[radio] else { return nil }
        return LearntExponent(deviation: learner.gain[0], devices: learner.devices[0])
    }

    /// Each sensor's learnt gain on `radio`, in the store file's order; empty when gains are
    /// not learnt (`sensor_gain_learning` off, or the multilateration engine), and without the
    /// sensors a survey measured or whose path loss the store file states.
    public func sensorGains(radio: Radio = .ble) -> [SensorGain] {
        guard let learner = gains[radio] else { return [] }
        return layout.sensors.indices.compactMap { s in
            learner.learnt[s] ? SensorGain(sensor: layout.sensors[s].id, decibels: learner.gain[s], devices: learner.devices[s]) : nil
        }
    }

    /// Everything learnt so far of the store's radio, on every radio: each sensor's gain and the
    /// building's exponent that at least part of a device has taught, each with what it was
    /// learnt against (`LearntRadioValue.basis`). The daemon keeps them across a restart.
    public func learntRadio() -> [LearntRadioValue] {
        var values: [LearntRadioValue] = []
        for radio in Radio.allCases {
            if let learner = gains[radio] {
                for s in layout.sensors.indices where learner.learnt[s] && learner.devices[s] > 0 {
                    values.append(LearntRadioValue(
                        radio: radio, kind: .sensorGain, sensor: layout.sensors[s].id, value: learner.gain[s],
                        devices: learner.devices[s], basis: gainBasis(radio, s), spread: learner.spread(sensor: s)))
                }
            }
            if let learner = exponents[radio], learner.devices[0] > 0 {
                values.append(LearntRadioValue(
                    radio: radio, kind: .exponentDeviation, sensor: nil, value: learner.gain[0], devices: learner.devices[0],
                    basis: exponentBasis(radio)))
            }
        }
        return values
    }

    /// Takes back values learnt before (`learntRadio()`, kept by the daemon across a restart),
    /// each only where it is learnt with these settings and its basis is the same: a sensor
    /// moved, given a path loss or surveyed since starts afresh, as does the exponent when the
    /// models changed. Returns how many were taken and how many were not.
    @discardableResult
    public mutating func restore(_ values: [LearntRadioValue]) -> (restored: Int, ignored: Int) {
        var restored = 0
        for value in values {
            let taken: Bool
            switch value.kind {
            case .sensorGain:
                if let sensor = value.sensor, let s = sensorIndex[sensor], gains[value.radio] != nil,
                    value.basis == gainBasis(value.radio, s)
                {
                    taken = gains[value.radio]!.restore(sensor: s, gain: value.value, devices: value.devices, spread: value.spread)
                } else {
                    taken = false
                }
            case .exponentDeviation:
                if value.sensor == nil, exponents[value.radio] != nil, value.basis == exponentBasis(value.radio) {
                    taken = exponents[value.radio]!.restore(sensor: 0, gain: value.value, devices: value.devices)
                } else {
                    taken = false
                }
            }
            if taken { restored += 1 }
        }
        return (restored, values.count - restored)
    }

    /// What a sensor's gain is learnt against: its place, the devices' height and its model.
    private func gainBasis(_ radio: Radio, _ s: Int) -> String {
        let p = layout.sensors[s].position, model = models[radio]![s].pathLoss
        return [p.x, p.y, p.z, layout.deviceHeight, model.rssiAt1m, model.exponent]
            .map { String(format: "%.2f", $0) }.joined(separator: " ")
    }

    /// What the building's exponent is learnt against: the exponents of the models guessed.
    private func exponentBasis(_ radio: Radio) -> String {
        let guesses = Set(layout.sensors.indices.filter { guessed[radio]![$0] }.map { models[radio]![$0].pathLoss.exponent })
        return guesses.sorted().map { String(format: "%.2f", $0) }.joined(separator: " ")
    }

    /// Counts, for the sensors surely within range of the device (they heard its last two
    /// batches, the last well above the floor: a device moving out of range is not a miss),
    /// whether they heard this one too; then moves each sensor's streak on.
    private mutating func recordMisses(_ state: inout DeviceState, counts: [Bool]) {
        var heard = [Bool](repeating: false, count: state.streak.count)
        var packets = 0
        for reading in readings where reading.sensor < heard.count {
            heard[reading.sensor] = true
            packets = max(packets, reading.count)
        }
        let surely = Float(silence.surelyWithinRange(rssiNoise: configuration.rssiNoise))
        for s in state.streak.indices {
            if state.streak[s] >= 2, counts[s], state.lastLevel[s] >= surely { silence.record(heard: heard[s], packets: packets) }
            state.streak[s] = heard[s] ? min(state.streak[s] + 1, 2) : 0
        }
        for reading in readings where reading.sensor < heard.count { state.lastLevel[reading.sensor] = Float(reading.rssi) }
    }

    private mutating func locateByMultilateration(_ state: inout DeviceState, at time: Double) -> Located? {
        for s in state.filters.indices { _ = state.filters[s].takePending() }
        // Unbounded, so that a passer-by outside the walls can be told from a shopper inside.
        guard let fix = solver.solve(levels(of: state, at: time, models: modelsFor(state.radio)), outline: outline, bounded: false)
        else { return nil }
        state.tracker.update(fix: outline.clamp(fix.position), xx: fix.xx, xy: fix.xy, yy: fix.yy, at: time)
        let c = state.tracker.positionCovariance
        return Located(position: state.tracker.position, xx: c.xx, xy: c.xy, yy: c.yy, inside: isInside(fix))
    }

    private func modelsFor(_ radio: Radio) -> [PathLossModel] {
        models[radio] ?? models[.ble]!
    }

    /// Each sensor's mean level over the window, as multilateration measurements.
    private func levels(of state: DeviceState, at time: Double, models: [PathLossModel]) -> [Multilateration.Measurement] {
        var measurements: [Multilateration.Measurement] = []
        for s in state.filters.indices {
            if let level = state.filters[s].level(at: time, window: configuration.window) {
                measurements.append(
                    Multilateration.Measurement(sensor: layout.sensors[s].position, rssi: level.rssi, model: models[s]))
            }
        }
        return measurements
    }

    /// A fix further outside the outline than `outsideMargin` is outside the store; nearer, it
    /// is an inside position blurred by noise.
    private func isInside(_ fix: Multilateration.Solution) -> Bool {
        outline.distanceOutside(fix.position) <= configuration.outsideMargin
    }
}
