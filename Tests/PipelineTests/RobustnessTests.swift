import FootfallCore
import FootfallTesting
import Foundation
import Pipeline
import Testing

/// Real data misbehaves: observations arrive out of order, gateway clocks jump. The pipeline
/// carries on and finds the same visits.
@Suite struct RobustnessTests {
    static let configuration: StoreConfiguration = {
        var configuration = try! StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        configuration.identity.anonymousEvents = true
        return configuration
    }()

    static let observations: [Observation] = {
        let run = SimulatorTests.simulate(seed: 31, minutes: 12, shoppers: 90)
        return try! TraceReader(text: run.trace).readAll()
    }()

    static func threadProcessorTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func run(_ observations: [Observation]) throws -> (entered: Int, exited: Int, exitedBy: Double, pipeline: Pipeline) {
        var pipeline = try Pipeline(configuration: configuration)
        var outputs: [Pipeline.Output] = []
        for o in observations { try pipeline.ingest(o, into: &outputs) }
        try pipeline.finish(into: &outputs)
        var entered = 0, exited = 0, exitedBy = -Double.infinity
        for case .event(let e, _, _, _, _) in outputs {
            if e.type == .storeEntered { entered += 1 }
            if e.type == .storeExited {
                exited += 1
                exitedBy = max(exitedBy, e.occurredAt)
            }
        }
        return (entered, exited, exitedBy, pipeline)
    }

    /// The visits found in the unaltered observations, which the tests compare against: one
    /// simulation and one run, on a thread of their own.
    static let baseline = OnItsOwnThread { () -> (entered: Int, exited: Int) in
        let unaltered = try! run(observations)
        return (unaltered.entered, unaltered.exited)
    }

    @Test func observationsShuffledWithinTwoSecondsGiveTheSameVisitsWithinTenPercent() async throws {
        let baseline = await Self.baseline.value
        // Delay each observation by up to 2 s, as sensors batching their uploads would. Late
        // readings reach the next locate round, so a visit on the edge of `enter_after` can
        // fall either way (measured when the trace made 27 visits: over 60 seeded delays 27
        // (15 times), 26 (32), 25 (12) or 24 (once)). Seeded, so that the test is the same on
        // every run.
        let late = try await onAThreadOfItsOwn {
            var random = SplitMix64(seed: 2)
            let shuffled = Self.observations.map { ($0, $0.time + Double.random(in: 0..<2, using: &random)) }
                .sorted { $0.1 < $1.1 }.map(\.0)
            return try Self.run(shuffled)
        }
        // The 12 minutes hold 17 true visits; `footfall replay --truth` of the same trace finds
        // 20: 2 passers-by taken in and 1 visit counted twice (21 before the storefront wait).
        #expect(baseline.entered >= 17)
        #expect(abs(late.entered - baseline.entered) <= baseline.entered / 10 + 1)
        #expect(late.entered == late.exited)
        #expect(late.pipeline.clockJumps == 0)
    }

    /// Live, late readings — a Meraki report's minute, a sensor gateway's backlog — come between
    /// the others' on-time ones: each is taken as heard at the last round (or left, when minutes
    /// old, and counted), and the clock stays the wall clock's. They had shifted every later
    /// reading by their delay, dating events ahead.
    @Test func liveReadingsThatComeLateAreTakenAsHeardNowOrLeftAndTheClockStays() async throws {
        let result = try await onAThreadOfItsOwn { () -> (late: Int, left: Int, ignored: Int, jumps: Int, latest: Double, heard: Double, entered: Int, bySensor: [SensorID: Int], leftBySensor: [SensorID: Int]) in
            var pipeline = try Pipeline(configuration: Self.configuration)
            pipeline.lateReadings = .live
            var outputs: [Pipeline.Output] = []
            let middle = Self.observations.count / 2
            var left = 0
            var leftBySensor: [SensorID: Int] = [:]
            for (index, o) in Self.observations.enumerated() {
                try pipeline.ingest(o, into: &outputs)
                // Every tenth reading of the second half comes again a minute old, every
                // hundredth ten minutes old, and every fiftieth a minute ahead.
                if index > middle, index % 10 == 0 {
                    var old = o
                    old.time -= index % 100 == 0 ? 600 : 60
                    if index % 100 == 0 {
                        left += 1
                        leftBySensor[o.sensor, default: 0] += 1
                    }
                    try pipeline.ingest(old, into: &outputs)
                }
                if index > middle, index % 50 == 5 {
                    var ahead = o
                    ahead.time += 60
                    try pipeline.ingest(ahead, into: &outputs)
                }
            }
            let latest = outputs.compactMap { output -> Double? in
                if case .position(let estimate) = output { return estimate.time }
                return nil
            }.max() ?? 0
            try pipeline.finish(into: &outputs)
            var entered = 0
            for case .event(let e, _, _, _, _) in outputs where e.type == .storeEntered { entered += 1 }
            return (pipeline.observationsLate, left, pipeline.observationsIgnored, pipeline.clockJumps, latest, Self.observations.last!.time, entered,
                    pipeline.observationsLateBySensor, leftBySensor)
        }
        // Counted by the sensor that heard them: the one whose clock is behind stands out.
        #expect(result.bySensor == result.leftBySensor)
        #expect(result.left > 0 && result.late == result.left, "only the readings minutes old are left: \(result.late) of \(result.left)")
        #expect(result.ignored == result.left, "the others are placed: \(result.ignored) ignored")
        #expect(result.jumps == 0)
        #expect(result.latest <= result.heard + Pipeline.liveAheadLimit + 1, "no estimate dated ahead: \(result.latest - result.heard) s")
        let baseline = await Self.baseline.value
        #expect(abs(result.entered - baseline.entered) <= baseline.entered / 10 + 2, "\(result.entered) visits against \(baseline.entered)")
    }

    /// The live rule at its bounds, on one device: heard a minute late it is placed at the last
    /// round; later than `exit_after` it is left; a minute ahead it is placed at the clock; a
    /// second ahead it moves the clock on, as on-time readings do.
    @Test func liveReadingsAtTheBoundsOfTheRule() throws {
        var pipeline = try Pipeline(configuration: Self.configuration)
        pipeline.lateReadings = .live
        var outputs: [Pipeline.Output] = []
        let t0 = 1_767_603_600.0
        func reading(_ device: String, _ time: Double) -> Observation {
            Observation(time: time, sensor: "s1", device: DeviceID(device), rssi: -60)
        }
        try pipeline.advance(to: t0, into: &outputs)
        try pipeline.advance(to: t0 + 200, into: &outputs)
        func placed(_ device: String) -> [Double] {
            outputs.compactMap { if case .position(let e) = $0, e.device.rawValue == device { e.time } else { nil } }
        }
        try pipeline.ingest(reading("ble:c0:00:00:00:00:0a", t0 + 140), into: &outputs)
        try pipeline.ingest(reading("ble:c0:00:00:00:00:0b", t0 + 200 - Self.configuration.presence.exitAfter - 1), into: &outputs)
        try pipeline.ingest(reading("ble:c0:00:00:00:00:0c", t0 + 260), into: &outputs)
        try pipeline.advance(to: t0 + 202, into: &outputs)
        #expect(placed("ble:c0:00:00:00:00:0a").first == t0 + 200, "\(placed("ble:c0:00:00:00:00:0a"))")
        #expect(placed("ble:c0:00:00:00:00:0b").isEmpty && pipeline.observationsLate == 1)
        #expect((placed("ble:c0:00:00:00:00:0c").first ?? .infinity) <= t0 + 202, "\(placed("ble:c0:00:00:00:00:0c"))")
        try pipeline.ingest(reading("ble:c0:00:00:00:00:0d", t0 + 204), into: &outputs)
        try pipeline.advance(to: t0 + 204, into: &outputs)
        #expect(placed("ble:c0:00:00:00:00:0d").first == t0 + 204, "\(placed("ble:c0:00:00:00:00:0d"))")
        #expect(pipeline.clockJumps == 0)
    }

    @Test func aGatewayClockThatJumpsBackAnHourDoesNotStallThePipeline() async throws {
        let baseline = await Self.baseline.value
        let result = try await onAThreadOfItsOwn {
            let middle = Self.observations.count / 2
            let jumped = Self.observations.enumerated().map { index, o -> Observation in
                var o = o
                if index >= middle { o.time -= 3600 }
                return o
            }
            return try Self.run(jumped)
        }
        #expect(result.pipeline.clockJumps == 1)
        // Visits after the jump are still found: about as many as without the jump.
        #expect(abs(result.entered - baseline.entered) <= baseline.entered / 10 + 2)
        #expect(result.entered == result.exited)
    }

    /// A recording merged from sensors whose clocks differ, kept in the order it came: one
    /// sensor's readings are stamped 45 s (or ten minutes) behind, or 45 s ahead of, the
    /// others'. Its clock is taken as off, alone: the other sensors' readings keep their time,
    /// and the visits are the same (audit: the one offset of the whole pipeline, moved by that
    /// sensor's every reading, ran the clock away: 8,355 visits for 30).
    @Test(arguments: [-45.0, -600, 45])
    func oneSensorWhoseClockIsOffMovesNoOtherSensorsReadings(skew: Double) async throws {
        let baseline = await Self.baseline.value
        let sensor = Self.configuration.layout.sensors[2].id
        let (result, latest) = try await onAThreadOfItsOwn {
            let skewed = Self.observations.map { o -> Observation in
                var o = o
                if o.sensor == sensor { o.time += skew }
                return o
            }
            var pipeline = try Pipeline(configuration: Self.configuration)
            var outputs: [Pipeline.Output] = []
            for o in skewed { try pipeline.ingest(o, into: &outputs) }
            let latest = outputs.compactMap { output -> Double? in
                if case .position(let estimate) = output { return estimate.time }
                return nil
            }.max() ?? 0
            return (try Self.run(skewed), latest)
        }
        #expect(result.pipeline.sensorClockJumps == [sensor: 1], "\(result.pipeline.sensorClockJumps)")
        #expect(abs(result.entered - baseline.entered) <= baseline.entered / 10 + 1, "\(result.entered) against \(baseline.entered)")
        #expect(result.entered == result.exited)
        #expect(latest <= Self.observations.last!.time + 1, "the clock did not run on with it: \(latest - Self.observations.last!.time) s")
    }

    /// The sensor whose clock is off heard first: the recording's first line does not set the
    /// clock the others are then taken as off from (review: every other sensor "jumped", and all
    /// output came 45 s late).
    @Test func aSensorWhoseClockIsOffHeardFirstIsTheOneTakenAsOff() async throws {
        let baseline = await Self.baseline.value
        let sensor = Self.observations[0].sensor
        let result = try await onAThreadOfItsOwn {
            try Self.run(Self.observations.map { o -> Observation in
                var o = o
                if o.sensor == sensor { o.time += 45 }
                return o
            })
        }
        #expect(result.pipeline.sensorClockJumps == [sensor: 1], "\(result.pipeline.sensorClockJumps)")
        #expect(abs(result.entered - baseline.entered) <= baseline.entered / 10 + 1, "\(result.entered) against \(baseline.entered)")
    }

    /// One reading stamped two days ahead, then a pause of a minute in the recording: the pause
    /// is the recording's (its readings agree with each other), the stray one is not (review:
    /// the first reading after the pause confirmed the stray's time, and the clock ran two days
    /// on).
    @Test func aStrayReadingAheadBeforeAPauseDoesNotMoveTheClockOnItsWord() async throws {
        let baseline = await Self.baseline.value
        let result = try await onAThreadOfItsOwn { () -> (entered: Int, exited: Int, exitedBy: Double, pipeline: Pipeline) in
            let middle = Self.observations.count / 2
            var observations = Self.observations
            observations[middle].time += 2 * 86_400
            for i in (middle + 1)..<observations.count { observations[i].time += 60 }
            return try Self.run(observations)
        }
        #expect(abs(result.entered - baseline.entered) <= baseline.entered / 10 + 1, "\(result.entered) against \(baseline.entered)")
        #expect(result.exitedBy <= Self.observations.last!.time + 60 + Self.configuration.presence.exitAfter + 120, "\(result.exitedBy - Self.observations.last!.time) s after the last reading")
        #expect(result.pipeline.clockJumps == 1, "the stray one's sensor, once")
    }

    /// A burst of three readings of one sensor a day ahead — in the middle, or as the first
    /// lines — is one sensor's (a scan's batch), not the recording moving on: where several
    /// sensors are heard, two must agree (review: the clock moved a day).
    @Test(arguments: [false, true])
    func aBurstOfOneSensorAheadIsNotTheRecordingMovingOn(atTheStart: Bool) async throws {
        let baseline = await Self.baseline.value
        let result = try await onAThreadOfItsOwn { () -> (entered: Int, exited: Int, exitedBy: Double, pipeline: Pipeline) in
            var observations = Self.observations
            let at = atTheStart ? 0 : observations.count / 2
            let burst = (0..<3).map { k -> Observation in
                var o = observations[at]
                o.time += 86_400 + 0.1 * Double(k)
                o.device = DeviceID("ble:c0:00:00:00:0b:0\(k)")
                return o
            }
            observations.insert(contentsOf: burst, at: at)
            return try Self.run(observations)
        }
        #expect(abs(result.entered - baseline.entered) <= baseline.entered / 10 + 1, "\(result.entered) against \(baseline.entered)")
        #expect(result.exitedBy <= Self.observations.last!.time + Self.configuration.presence.exitAfter + 120, "\(result.exitedBy - Self.observations.last!.time) s after the last reading")
        #expect(result.pipeline.clockJumps == 1)
    }

    /// A gateway replaying a recording: ticks at the readings' times, a stray reading a day
    /// ahead as the last line, then the recording's end. The visits end (review: the end's tick
    /// was ignored while the stray was held, and every visit stayed open).
    @Test func aRecordingThatEndsOnAStrayStillEndsItsVisits() async throws {
        let baseline = await Self.baseline.value
        let (entered, exited) = try await onAThreadOfItsOwn { () -> (Int, Int) in
            var pipeline = try Pipeline(configuration: Self.configuration)
            var outputs: [Pipeline.Output] = []
            var lastTick = -Double.infinity
            for o in Self.observations {
                if o.time - lastTick >= 1 {
                    try pipeline.advance(to: lastTick.isFinite ? lastTick : o.time, into: &outputs)
                    lastTick = o.time
                }
                try pipeline.ingest(o, into: &outputs)
            }
            var stray = Self.observations.last!
            stray.time += 86_400
            try pipeline.ingest(stray, into: &outputs)
            try pipeline.advance(to: stray.time, into: &outputs)
            try pipeline.endRecording(at: Self.observations.last!.time + Self.configuration.presence.exitAfter + 60, into: &outputs)
            var entered = 0, exited = 0
            for case .event(let e, _, _, _, _) in outputs {
                if e.type == .storeEntered { entered += 1 }
                if e.type == .storeExited { exited += 1 }
            }
            return (entered, exited)
        }
        #expect(abs(entered - baseline.entered) <= baseline.entered / 10 + 1, "\(entered) against \(baseline.entered)")
        #expect(entered == exited)
    }

    @Test(arguments: [0.0, -1.7e9, 30 * 86_400.0, 3 * 86_400.0, 600, 1e300, .infinity, .nan])
    func oneReadingWithAWildTimeNeitherStallsThePipelineNorMovesItsClock(wrong: Double) async throws {
        // A sensor sends one reading dated 1970, a month ahead, or nonsense (`wrong` is added to
        // its time; 0 sets it to 0); the readings after it are right again.
        let baseline = await Self.baseline.value
        let (seconds, result) = try await onAThreadOfItsOwn {
            let middle = Self.observations.count / 2
            var observations = Self.observations
            observations[middle].time = wrong == 0 ? 0 : observations[middle].time + wrong
            // The run's own processor time, on this thread: a loaded test run stretches the
            // wall clock, not this.
            let started = Self.threadProcessorTime()
            let result = try Self.run(observations)
            return (Self.threadProcessorTime() - started, result)
        }
        #expect(seconds < 10, "not run through the gap a second at a time: \(seconds) s of processor time (about 0.4 s in a debug build)")
        #expect(abs(result.entered - baseline.entered) <= 1, "\(result.entered) against \(baseline.entered)")
        #expect(result.entered == result.exited)
        #expect(result.pipeline.clockJumps <= 1)
        // Days ahead but within `largestGap`, or minutes: the readings after it were not taken
        // as behind, so no visit was cut (audit: 48 visits for 36, events dated three days on).
        #expect(result.exitedBy <= Self.observations.last!.time + Self.configuration.presence.exitAfter + 120, "\(result.exitedBy - Self.observations.last!.time) s after the last reading")
    }

    @Test func aTickDaysAheadEndsEveryVisitAndMovesTheClockOn() async throws {
        // A gateway suspended for a fortnight resumes: its wall-clock ticks are two weeks on.
        var pipeline = try Pipeline(configuration: Self.configuration)
        pipeline.lateReadings = .live
        var outputs: [Pipeline.Output] = []
        try await onAThreadOfItsOwn {
            for o in Self.observations.prefix(Self.observations.count / 2) { try pipeline.ingest(o, into: &outputs) }
            let last = Self.observations[Self.observations.count / 2 - 1].time
            try pipeline.advance(to: last + 14 * 86_400, into: &outputs)
        }
        #expect(pipeline.trackedDevices == 0)
        #expect(pipeline.visitorsPresent == 0)
        #expect(pipeline.clockJumps == 1)
        let entered = outputs.filter { if case .event(let e, _, _, _, _) = $0 { e.type == .storeEntered } else { false } }.count
        let exited = outputs.filter { if case .event(let e, _, _, _, _) = $0 { e.type == .storeExited } else { false } }.count
        #expect(entered > 0 && entered == exited)
        // Not a store.traffic every 15 minutes of the fortnight.
        let traffic = outputs.filter { if case .event(let e, _, _, _, _) = $0 { e.type == .storeTraffic } else { false } }.count
        #expect(traffic < 20)
    }

    /// A time no clock gives (milliseconds, garbage) reaching the pipeline from any source is
    /// left out: the first such reading would otherwise set a clock that steps by less than its
    /// own precision (1e17 + 1 s is 1e17) and never runs on.
    @Test func aTimeNoClockGivesIsLeftOutAndTheClockRunsOn() async throws {
        var pipeline = try Pipeline(configuration: Self.configuration)
        var outputs: [Pipeline.Output] = []
        let first = Self.observations[0]
        try await onAThreadOfItsOwn {
            for time in [1e17, 1e300, -3, 1_767_603_600_123] {
                var bad = first
                bad.time = time
                try pipeline.ingest(bad, into: &outputs)
            }
            for o in Self.observations.prefix(2_000) { try pipeline.ingest(o, into: &outputs) }
            try pipeline.advance(to: Self.observations[1_999].time, into: &outputs)
        }
        #expect(pipeline.observationsIgnored == 4)
        #expect(pipeline.trackedDevices > 0, "the readings after them are placed")
        #expect(pipeline.clockJumps == 0)
    }

    @Test func aDeviceThatVanishesMidVisitIsExitedAtItsLastInsideTime() throws {
        // One loyalty phone heard for a minute in the middle of the store, then nothing.
        let layout = Self.configuration.layout
        var observations: [Observation] = []
        let device = DeviceID.ibeacon(uuid: "f7826da6-4fa2-4e98-8024-bc5b71e0893e", major: 9, minor: 9)
        let position = Point(x: 20, y: 12)
        for step in 0..<600 {
            let t = 1_000.0 + Double(step) * 0.1
            for sensor in layout.sensors {
                let rssi = sensor.pathLoss(for: .ble).rssi(atDistance: sensor.position.distance(to: position, height: layout.deviceHeight))
                observations.append(Observation(time: t, sensor: sensor.id, device: device, rssi: rssi.rounded()))
            }
        }
        var pipeline = try Pipeline(configuration: Self.configuration)
        pipeline.lateReadings = .live
        var outputs: [Pipeline.Output] = []
        for o in observations { try pipeline.ingest(o, into: &outputs) }
        // The clock moves on with the wall clock's ticks, but this device is silent.
        try pipeline.advance(to: 1_400, into: &outputs)
        let exits = outputs.compactMap { if case .event(let e, _, _, let at, _) = $0, e.type == .storeExited { (e, at) } else { nil } }
        #expect(exits.count == 1)
        let (exit, decidedAt) = try #require(exits.first)
        #expect(exit.occurredAt >= 1_059 && exit.occurredAt <= 1_066, "stamped with the last time it was placed inside")
        #expect(decidedAt - exit.occurredAt >= 120 && decidedAt - exit.occurredAt <= 122)
        #expect(pipeline.trackedDevices == 0)
    }
}
