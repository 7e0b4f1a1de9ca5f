import BLE
import FootfallCore
import Positioning
import Presence

/// The one pipeline of DESIGN.md — observations → locate → presence → events — shared by the
/// daemon, `footfall replay` and the tests. A deterministic function of its input: time comes
/// only from the observations and from `advance(to:)`.
public struct Pipeline: Sendable {
    /// What the pipeline decides, in order. It reads and writes no visit history: whoever
    /// applies the outputs records each `.visitEnded` and answers each event's `history` query
    /// with the visits recorded so far (`Pipeline.apply(history:to:)` in memory; the daemon in
    /// its database transaction).
    public enum Output: Hashable, Sendable {
        case position(PositionEstimate)
        /// An event, the device it concerns (for scoring; never sent), whether it may leave the
        /// gateway (identity settings), the moment (trace time) the pipeline decided on it, and
        /// on a `store.entered` of an identified shopper the visit-history query its frequency
        /// fields wait for (`VisitHistoryQuery.fill`).
        case event(PresenceEvent, device: DeviceID?, deliverable: Bool, decidedAt: Double, history: VisitHistoryQuery?)
        /// A visit of an identified shopper ended: it goes into the visit history.
        case visitEnded(VisitRecord)
    }

    public let configuration: StoreConfiguration
    /// Seconds of trace time between locate rounds (and presence ticks).
    public let tickInterval: Double
    private var locator: Locator
    private var presence: PresenceStage
    private var clock: Double?
    /// Devices new (or back after a silence) heard at `time`, to be placed once every reading
    /// stamped `time` is in: readings that arrive together (a gateway's batch, a scan) share a
    /// time, and an estimate from the first of them alone would be superseded at once.
    private var placing: (time: Double, devices: [DeviceID])?
    /// Added to each sensor's readings' times after its clock jumped (or proved off from the
    /// others'), so pipeline time never runs backwards and one sensor's clock moves no other's
    /// readings.
    private var sensorOffsets: [SensorID: Double] = [:]
    /// Readings stamped more than `clockJumpThreshold` ahead of the clock, with the time they
    /// were stamped, until the recording's time is seen to move on (`aheadConfirmed`) or a
    /// reading on the clock's time shows them one sensor's clock, or one reading, ahead.
    private var ahead: [(observation: Observation, heardAt: Double, ordinal: Int)] = []
    /// A recording's first readings, until two sensors (or three readings) agree on its time:
    /// a first line from a sensor whose clock is off, or a stray, would otherwise set the clock
    /// every other sensor is then taken as off from.
    private var starting: [(observation: Observation, ordinal: Int)] = []
    /// The most first readings held for that; beyond it the first reading sets the clock.
    static let startingLimit = 64
    /// Each sensor's first clock jump, as the ordinal (`observationsSeen`) of the reading that
    /// showed it, for a caller that names its line.
    public private(set) var sensorFirstJump: [SensorID: Int] = [:]
    /// How often each sensor's clock was taken as jumped (`clockJumps`).
    public private(set) var sensorClockJumps: [SensorID: Int] = [:]
    public private(set) var observationsSeen = 0
    public private(set) var observationsIgnored = 0
    /// How often the recording's time jumped, as its sensors saw it: the most jumps of any one
    /// sensor (a looped recording jumps once for every sensor).
    public var clockJumps: Int { (sensorClockJumps.values.max() ?? 0) + gapsJumped }
    /// A forward gap of more than `largestGap` the clock was moved over (visits ended).
    private var gapsJumped = 0
    private let knownSensors: Set<SensorID>
    /// The registered identity keys: a rotating private address made from one is the
    /// consented identity `irk:<name>`, whichever source heard it (BLE sources resolve as they
    /// decode; traces, the simulator, remote sensors and Meraki bring `ble-rpa:` ids).
    private let resolver: IdentityResolver
    /// Each private address met, as resolved (itself when no key made it).
    private var resolved: [DeviceID: DeviceID] = [:]
    /// A phone's unresolved rotating addresses, followed as one device.
    private var linker = RotatingAddressLinker()
    /// Addresses taken as the next address of a phone heard before, and such links undone.
    public var addressesLinked: (linked: Int, undone: Int) { (linker.linked, linker.unlinked) }
    /// Addresses rotate every ~15 minutes: the cache is emptied when it grows past this (about
    /// 2 MB; an address met again afterwards costs one AES block per key).
    static let resolvedCacheLimit = 10_000

    /// An observation this far behind the pipeline's clock means the source's clock jumped back
    /// (a recording), or that it comes too late to be placed (`lateReadings`).
    public static let clockJumpThreshold = 30.0

    /// What an observation further than `clockJumpThreshold` behind the clock (or
    /// `largestGap` ahead of it) means.
    public enum LateReadings: Sendable {
        /// The source's clock jumped: the pipeline carries on from its own clock, every later
        /// reading shifted by as much (a recording whose time goes back, or a looped trace).
        case clockJumped
        /// A gateway listening live, whose one clock is the wall clock's ticks: a reading that
        /// comes more than `liveRestampAfter` late (a Meraki report covers the last minute; a
        /// sensor gateway catches up after an outage) is taken as heard at the last round, each
        /// on its own, with no lasting offset (an offset shifted every other sensor's later
        /// readings by the delay: hours, with two sensor gateways, dating events ahead); one
        /// later than `liveLateLimit`, or than `presence.exit_after` (its device's visit may
        /// have ended meanwhile), is left and counted (`observationsLate`). A reading stamped
        /// more than `liveAheadLimit` ahead is taken at the clock, so that one sensor's clock
        /// ahead does not move the pipeline's on past the wall clock's.
        case live
    }

    /// Live, a reading later than this (s) is taken as heard at the last round: a device whose
    /// readings all came that late would otherwise be older than `window` at every round.
    public static let liveRestampAfter = 3.0
    /// Live, a reading this far behind the clock (s) is left: what it says of where a device
    /// was is minutes old.
    public static let liveLateLimit = 300.0
    /// Live, a reading stamped further ahead of the clock than this (s) is taken at the clock.
    public static let liveAheadLimit = 5.0

    public var lateReadings = LateReadings.clockJumped
    /// Observations left for coming too late (`LateReadings.live`).
    public private(set) var observationsLate = 0
    /// `observationsLate` by the sensor that heard them: a sensor whose every reading comes
    /// late is a sensor whose clock is behind.
    public private(set) var observationsLateBySensor: [SensorID: Int] = [:]
    /// An observation this far ahead of the pipeline's clock means the source's clock jumped
    /// forward (or one reading carries a wrong time), and is placed at the clock as a jump
    /// back would be; a tick this far ahead ends every visit and moves the clock on. Either
    /// way the clock is not run through the gap a second at a time. A recording may pause for
    /// a closed weekend, not for weeks.
    public static let largestGap = 7 * 86_400.0

    public init(
        configuration: StoreConfiguration, survey: [SurveySample] = [], tickInterval: Double = 1,
        pseudonymKey: [UInt8]? = nil, customers: [DeviceID: String] = [:], resolver: IdentityResolver = IdentityResolver()
    ) throws {
        self.configuration = configuration
        self.resolver = resolver
        self.tickInterval = tickInterval
        // The store file's `positioning:` section, checked (a bad one is a ConfigurationError
        // naming its line; the command line reports it when it loads the file).
        let positioning = try PositioningConfiguration(configuration)
        locator = Locator(layout: configuration.layout, configuration: positioning, survey: survey)
        // Replays without a configured key still pseudonymize, with a key derived from the
        // store id, so the same trace gives the same pseudonyms. The daemon keeps a random key.
        let key = pseudonymKey ?? Pseudonymizer.replayKey(storeID: configuration.layout.id)
        let pseudonymizer = Pseudonymizer(key: key)
        let tracker = VisitTracker(
            storeID: configuration.layout.id, gatewayID: configuration.gatewayID, layout: configuration.layout,
            settings: configuration.presence, policy: IdentityPolicy(settings: configuration.identity, customers: customers),
            pseudonymizer: pseudonymizer, zoneHindsight: Self.zoneHindsight(configuration.layout, tickInterval: tickInterval))
        presence = PresenceStage(tracker: tracker, pseudonymizer: pseudonymizer)
        knownSensors = Set(configuration.layout.sensors.map(\.id))
        linker.doors = configuration.layout.entrances
        linker.outline = configuration.layout.outline
    }

    /// How far back the locate stage may date a zone stay when it confirms it: `ZoneMembership`
    /// dates a move from the first estimate in the new zone, at most
    /// `ZoneMembership.hindsight` back (or a zone's own `enter_after`/`exit_after`, when
    /// longer), a locate round later at most. The presence stage decides a dwell only once
    /// this has passed since its threshold (docs/events.md, `zone.dwell`).
    static func zoneHindsight(_ layout: StoreLayout, tickInterval: Double) -> Double {
        let waits = layout.zones.map { max($0.enterAfter, $0.exitAfter) }
        return max(ZoneMembership.hindsight, waits.max() ?? 0) + tickInterval
    }

    public var trackedDevices: Int { presence.tracker.trackedDevices }
    /// The BLE sensors' gains the locator has learnt so far (`sensor_gain_learning`).
    public var sensorGains: [SensorGain] { locator.sensorGains(radio: .ble) }
    /// How far the building's BLE path-loss exponent lies from the model's, as learnt so far
    /// (`path_loss_exponent_spread`); nil where every sensor's model was measured.
    public var learntExponent: LearntExponent? { locator.learntExponent(radio: .ble) }
    /// Everything the locator has learnt of the store's radio, to keep across a restart.
    public var learntRadio: [LearntRadioValue] { locator.learntRadio() }
    /// Takes back what an earlier run learnt of the store's radio (`learntRadio`); returns how
    /// many values were taken and how many no longer fit the store file.
    @discardableResult
    public mutating func restore(learntRadio values: [LearntRadioValue]) -> (restored: Int, ignored: Int) {
        locator.restore(values)
    }
    /// The visits in progress and the staff found, to keep across a restart
    /// (`VisitTracker.kept`).
    public var keptPresence: VisitTracker.Kept { presence.tracker.kept }
    /// Takes back what an earlier run kept at its stop.
    public mutating func restore(keptPresence kept: VisitTracker.Kept) {
        presence.restore(kept)
    }
    /// An erasure request: the visits in progress and staff marks of these pseudonyms are
    /// dropped (`VisitTracker.forget`).
    public mutating func forget(_ identities: Set<String>) -> [String: VisitTracker.Forgotten] { presence.forget(identities) }
    /// Kept visits an erasure request dropped before they were taken back: their devices make
    /// no visit until unheard for `exit_after` (`VisitTracker.markErased`).
    public mutating func markErased(_ devices: [DeviceID], at time: Double) { presence.markErased(devices, at: time) }
    /// The pseudonym of `identities` that names `device`'s visit from `visitStart`, or nil
    /// (`VisitTracker.named`).
    public func named(_ device: DeviceID, visitStart: Double?, in identities: Set<String>) -> String? {
        presence.tracker.named(device, visitStart: visitStart, in: identities)
    }
    public var unflushedPassersBy: (intervalStart: Double, count: Int)? { presence.tracker.unflushedPassersBy }
    public var visitorsPresent: Int { presence.tracker.visitorsPresent }
    public var occupancy: [String: Int] { presence.tracker.occupancy }
    public func isIdentified(_ device: DeviceID) -> Bool { presence.tracker.policy.isIdentified(device) }

    /// Feeds one observation; runs any locate rounds that fall due before it first.
    public mutating func ingest(_ observation: Observation, into outputs: inout [Output]) throws {
        observationsSeen += 1
        guard knownSensors.contains(observation.sensor) else {
            observationsIgnored += 1
            return
        }
        var observation = observation
        // A time no source should give (every reader refuses it): a clock run on from it would
        // step by less than its precision.
        guard Observation.plausibleTimes.contains(observation.time) else {
            observationsIgnored += 1
            return
        }
        if !resolver.keys.isEmpty, observation.device.kind == .bleRPA { observation.device = resolve(observation.device) }
        if lateReadings != .live, clock == nil {
            starting.append((observation, observationsSeen))
            if let anchor = Self.agreedStart(starting, sensors: knownSensors.count, final: starting.count >= Self.startingLimit) {
                try start(at: anchor, into: &outputs)
            }
            return
        }
        try take(observation, ordinal: observationsSeen, into: &outputs)
    }

    /// The time a recording's first readings agree on, within `clockJumpThreshold` (the
    /// earliest of them): two sensors' readings; three readings in a store of one sensor, or,
    /// once `final`, in a recording whose readings are all one sensor's (a capture file). A
    /// burst of one sensor's readings is not agreement where others may be heard; once `final`
    /// the largest group is taken.
    static func agreedStart(_ readings: [(observation: Observation, ordinal: Int)], sensors: Int, final: Bool = false) -> Double? {
        let single = sensors <= 1 || (final && Set(readings.map(\.observation.sensor)).count <= 1)
        var largest: (count: Int, start: Double)?
        for candidate in readings {
            let near = readings.filter { abs($0.observation.time - candidate.observation.time) <= clockJumpThreshold }
            let start = near.map(\.observation.time).min()!
            if Set(near.map(\.observation.sensor)).count >= 2 || (single && near.count >= 3) { return start }
            if largest.map({ near.count > $0.count }) ?? true { largest = (near.count, start) }
        }
        return final ? largest?.start : nil
    }

    /// Sets the clock at `time` and takes the first readings held for it, in order.
    private mutating func start(at time: Double, into outputs: inout [Output]) throws {
        let held = starting
        starting = []
        try advance(to: time, into: &outputs, including: false)
        for (observation, ordinal) in held { try take(observation, ordinal: ordinal, into: &outputs) }
    }

    /// Takes one reading on the pipeline's time: a sensor's clock that jumped is offset, one
    /// ahead held until the next readings tell (`ahead`).
    private mutating func take(_ observation: Observation, ordinal: Int, into outputs: inout [Output]) throws {
        var observation = observation
        let heardAt = observation.time
        if lateReadings == .live, let clock {
            let lateLimit = min(Self.liveLateLimit, configuration.presence.exitAfter)
            if observation.time < clock - lateLimit || observation.time > clock + Self.largestGap {
                observationsLate += 1
                observationsLateBySensor[observation.sensor, default: 0] += 1
                observationsIgnored += 1
                return
            }
            if observation.time < clock - Self.liveRestampAfter {
                observation.time = clock - tickInterval
            } else if observation.time > clock + Self.liveAheadLimit {
                observation.time = clock
            }
        } else if let clock {
            let offset = sensorOffsets[observation.sensor] ?? 0
            observation.time = heardAt + offset
            if offset != 0, abs(heardAt - clock) <= Self.clockJumpThreshold {
                // The sensor is back on the pipeline's time (the jump was one bad reading, or
                // its clock was put right): carry on without the offset.
                sensorOffsets[observation.sensor] = nil
                observation.time = heardAt
            } else if observation.time < clock - Self.clockJumpThreshold {
                // The sensor's clock jumped back, or runs behind the others': its readings carry
                // on from where the pipeline's clock is.
                shift(observation.sensor, heardAt: heardAt, to: clock - tickInterval, ordinal: ordinal)
                observation.time = clock - tickInterval
            } else if observation.time > clock + Self.clockJumpThreshold {
                // Ahead: the recording moved on (a pause, a closed night), or one sensor's clock
                // (or one reading) is ahead of the others'. Held until the next readings tell;
                // held ones this one disagrees with were strays, taken at the clock.
                if let first = ahead.first, abs(observation.time - first.observation.time) > Self.clockJumpThreshold {
                    try releaseAhead(onTheirTime: false, into: &outputs)
                }
                ahead.append((observation, heardAt, ordinal))
                if aheadConfirmed { try releaseAhead(onTheirTime: true, into: &outputs) }
                return
            }
        }
        // A reading on the clock's time: readings held as ahead were one sensor's clock, or one
        // reading, ahead of the rest, and are taken at the clock.
        if !ahead.isEmpty { try releaseAhead(onTheirTime: false, into: &outputs) }
        try feed(observation, into: &outputs)
    }

    /// Feeds one observation on the pipeline's time: a new rotating address is held until it
    /// is known whether it is a phone's next one (`RotatingAddressLinker`), then located.
    private mutating func feed(_ observation: Observation, into outputs: inout [Output]) throws {
        if linker.isHolding {
            for released in linker.release(at: observation.time, visiting: presence.tracker.isVisitingInside) { try locate(released, into: &outputs) }
        }
        var observation = observation
        if observation.device.kind == .bleRPA {
            guard let device = linker.device(for: observation) else { return }
            observation.device = device
        }
        try locate(observation, into: &outputs)
    }

    /// Feeds one observation, its time and device decided, to the locate stage.
    private mutating func locate(_ observation: Observation, into outputs: inout [Output]) throws {
        lastLocatedTime = observation.time
        lastHeardBySensor[observation.sensor] = observation.time
        // Devices waiting to be placed at an earlier (or later) time are placed first.
        if let placing, placing.time != observation.time { try place(into: &outputs) }
        // Rounds due before the reading run first; a round at its own time waits for it, so
        // that the estimate at second T includes what was heard at T.
        try advance(to: observation.time, into: &outputs, including: false)
        if locator.observe(observation), let clock, observation.time < clock {
            // A device heard for the first time (or again after a silence) is placed from this
            // reading and those stamped with it, not a round later.
            if placing == nil { placing = (observation.time, []) }
            if !placing!.devices.contains(observation.device) { placing!.devices.append(observation.device) }
        }
    }

    /// Whether the readings held as ahead are the recording's own time moving on: heard by two
    /// sensors or more, or three readings in a row (a store of one sensor).
    private var aheadConfirmed: Bool {
        if Set(ahead.map(\.observation.sensor)).count >= 2 { return true }
        // Three readings of one sensor only where one sensor is all that is heard (a capture
        // file, a store of one sensor): elsewhere a sensor's burst is not the recording's time.
        guard ahead.count >= 3, let clock else { return false }
        return knownSensors.count <= 1 || lastHeardBySensor.filter { clock - $0.value <= Self.recentlyHeard }.count == 1
    }
    /// Each sensor's last reading, on the pipeline's time.
    private var lastHeardBySensor: [SensorID: Double] = [:]
    /// How recent a sensor's reading must be for the sensor to count as heard.
    static let recentlyHeard = 60.0

    /// Takes a sensor's clock as jumped: its readings from `heardAt` on are taken at `time`.
    private mutating func shift(_ sensor: SensorID, heardAt: Double, to time: Double, ordinal: Int) {
        sensorOffsets[sensor] = time - heardAt
        sensorClockJumps[sensor, default: 0] += 1
        if sensorFirstJump[sensor] == nil { sensorFirstJump[sensor] = ordinal }
        sensorJumpsTotal += 1
    }
    /// The pipeline time of the last reading it took (after any clock jump's offset), nil
    /// before the first.
    public private(set) var lastLocatedTime: Double?
    /// Every sensor's jumps together, for a caller that looks for new ones after each reading.
    public private(set) var sensorJumpsTotal = 0

    /// Feeds the readings held as ahead: on their own time (the recording moved on; a move of
    /// more than `largestGap` is a jump of every sensor), or at the clock, each sensor's clock
    /// taken as jumped.
    private mutating func releaseAhead(onTheirTime: Bool, into outputs: inout [Output]) throws {
        let held = ahead
        ahead = []
        for (var observation, heardAt, ordinal) in held {
            if let clock, !onTheirTime || observation.time > clock + Self.largestGap {
                // With the offset an earlier one of the same sensor's readings set.
                observation.time = heardAt + (sensorOffsets[observation.sensor] ?? 0)
                if abs(observation.time - (clock - tickInterval)) > Self.clockJumpThreshold {
                    shift(observation.sensor, heardAt: heardAt, to: clock - tickInterval, ordinal: ordinal)
                    observation.time = clock - tickInterval
                }
            }
            try feed(observation, into: &outputs)
        }
    }

    /// Places the devices waiting for their provisional estimate (`placing`).
    private mutating func place(into outputs: inout [Output]) throws {
        guard let waiting = placing else { return }
        placing = nil
        for device in waiting.devices {
            if let estimate = locator.estimate(device: device, at: waiting.time) {
                try emit(estimate, into: &outputs, decidedAt: waiting.time)
            }
        }
    }

    private mutating func emit(_ estimate: PositionEstimate, into outputs: inout [Output], decidedAt: Double) throws {
        outputs.append(.position(estimate))
        if estimate.device.kind == .bleRPA { linker.placed(estimate) }
        for action in presence.update(estimate) { outputs.append(Self.output(action, decidedAt: decidedAt)) }
    }

    private static func output(_ action: PresenceStage.Action, decidedAt: Double) -> Output {
        switch action {
        case .emit(let event, let device, let deliverable, let history):
            .event(event, device: device, deliverable: deliverable, decidedAt: decidedAt, history: history)
        case .visitEnded(let visit):
            .visitEnded(visit)
        }
    }

    /// The identity behind a `ble-rpa:` id, or the id itself.
    private mutating func resolve(_ device: DeviceID) -> DeviceID {
        if let known = resolved[device] { return known }
        if resolved.count >= Self.resolvedCacheLimit { resolved.removeAll(keepingCapacity: true) }
        let address = BluetoothAddress(device.rawValue.dropFirst(DeviceID.Kind.bleRPA.rawValue.count + 1))
        let identity = address.flatMap(resolver.resolve).map { DeviceID("irk:" + $0) } ?? device
        resolved[device] = identity
        return identity
    }

    /// Moves the clock to `time`, running a locate round and a presence tick at every
    /// `tickInterval` boundary passed, `time` itself included. Late observations (behind the
    /// clock by less than the jump threshold) are still used by the next round.
    public mutating func advance(to time: Double, into outputs: inout [Output]) throws {
        // A recording's tick (a trace source's, at the time of the readings it has sent) waits
        // while its first readings, or readings ahead of the clock, are held: the next readings,
        // not the tick, tell the recording's time (`endRecording` takes them at its end).
        if lateReadings != .live, !starting.isEmpty || (!ahead.isEmpty && clock.map { time > $0 } == true) { return }
        try runClock(to: time, into: &outputs)
    }

    /// A recording ended: the readings held to be judged are taken (its first ones on the time
    /// they agree on, those ahead at the clock), and the clock runs on to `time`, so that every
    /// visit ends as `finish` ends them.
    public mutating func endRecording(at time: Double, into outputs: inout [Output]) throws {
        try takeHeld(into: &outputs)
        try runClock(to: time, into: &outputs)
    }

    /// Takes every reading held to be judged: the first ones, those ahead, new addresses.
    private mutating func takeHeld(into outputs: inout [Output]) throws {
        if !starting.isEmpty { try start(at: Self.agreedStart(starting, sensors: knownSensors.count, final: true) ?? starting[0].observation.time, into: &outputs) }
        if !ahead.isEmpty { try releaseAhead(onTheirTime: false, into: &outputs) }
        for released in linker.release(at: .infinity, visiting: presence.tracker.isVisitingInside) { try locate(released, into: &outputs) }
    }

    /// Moves the clock to `time` (see `advance(to:into:)`), whatever the recording's readings.
    private mutating func runClock(to time: Double, into outputs: inout [Output]) throws {
        if linker.isHolding {
            for released in linker.release(at: time, visiting: presence.tracker.isVisitingInside) { try locate(released, into: &outputs) }
        }
        if let placing, placing.time <= time { try place(into: &outputs) }
        try advance(to: time, into: &outputs, including: true)
    }

    /// The same, with the round at `time` itself run only when `including`.
    private mutating func advance(to time: Double, into outputs: inout [Output], including: Bool) throws {
        guard time.isFinite else { return }
        guard var next = clock else {
            clock = (time / tickInterval).rounded(.up) * tickInterval
            return
        }
        if time - next > Self.largestGap {
            // Time jumped forward by days (a gateway resumed, a clock put right): every visit
            // ends as the clock runs on, then the clock carries on from the new time.
            // (The store file holds `exit_after` within a day; within the gap whatever it is, so
            // that this runs the clock on rather than jumping again.)
            let endOfVisits = min(configuration.presence.exitAfter + Self.endOfTraceMargin, Self.largestGap)
            try runClock(to: next + endOfVisits, into: &outputs)
            clock = (time / tickInterval).rounded(.up) * tickInterval
            gapsJumped += 1
            return
        }
        while next < time || (including && next == time) {
            for estimate in locator.estimate(at: next) {
                try emit(estimate, into: &outputs, decidedAt: next)
            }
            for action in presence.tick(next) { outputs.append(Self.output(action, decidedAt: next)) }
            next += tickInterval
        }
        clock = next
    }

    /// At the end of a recording: lets the clock run on until every visit has ended (the
    /// locate stage may still place a device for a few seconds after its last reading).
    public mutating func finish(into outputs: inout [Output]) throws {
        // Readings held at the very end: the first ones, one sensor's clock (or one reading)
        // ahead, new addresses.
        try takeHeld(into: &outputs)
        guard let last = clock else { return }
        try runClock(to: last + configuration.presence.exitAfter + Self.endOfTraceMargin, into: &outputs)
    }

    static let endOfTraceMargin = 60.0
}
