import FootfallCore
import FootfallTesting
import Foundation
import Simulation
import Testing

@Suite struct SimulatorTests {
    static let layout = try! StoreConfiguration.load(path: Fixtures.store("demo-store").path).layout

    static func simulate(seed: UInt64, minutes: Double = 10, shoppers: Double = 120) -> (trace: String, truth: String, simulator: StoreSimulator) {
        var settings = StoreSimulator.Settings()
        settings.hours = minutes / 60
        settings.shoppersPerHour = shoppers
        settings.seed = seed
        let simulator = StoreSimulator(layout: layout, settings: settings)
        let traceSink = TextSink(), truthSink = TextSink()
        let writer = TraceWriter(sink: traceSink, columns: .full)
        truthSink.write(SurveyCodec.simulatedTruthHeader)
        simulator.run(observation: { writer.write($0) }, truth: { truthSink.write(SurveyCodec.truthLine($0, withPerson: true)) })
        return (traceSink.text, truthSink.text, simulator)
    }

    @Test func theSameSeedGivesTheSameTraceByteForByte() async {
        let (a, b) = await onAThreadOfItsOwn { (Self.simulate(seed: 7, minutes: 3), Self.simulate(seed: 7, minutes: 3)) }
        #expect(a.trace == b.trace)
        #expect(a.truth == b.truth)
        let c = await onAThreadOfItsOwn { Self.simulate(seed: 8, minutes: 3) }
        #expect(a.trace != c.trace)
    }

    @Test func theTraceIsInTimeOrderWithRealisticReadings() async throws {
        let run = await onAThreadOfItsOwn { Self.simulate(seed: 11) }
        let observations = try await onAThreadOfItsOwn { try TraceReader(text: run.trace).readAll() }
        #expect(observations.count > 10_000)
        #expect(zip(observations, observations.dropFirst()).allSatisfy { $0.time <= $1.time })
        let rssi = observations.map(\.rssi)
        #expect(rssi.allSatisfy { $0 >= -96 && $0 <= -20 }, "above the sensitivity floor, below saturation")
        #expect(rssi.allSatisfy { $0 == $0.rounded() }, "controllers report whole dBm")
        #expect(Set(observations.map(\.sensor)).count == 8)
    }

    @Test func shoppersArriveRotatePassByAndStaffStay() async throws {
        let run = await onAThreadOfItsOwn { Self.simulate(seed: 5, minutes: 60, shoppers: 60) }
        let people = run.simulator.people
        let shoppers = people.filter { $0.role == .shopper }
        // A Poisson process at 60 an hour: 60 ± 3σ.
        #expect(shoppers.count > 36 && shoppers.count < 84)
        #expect(people.filter { $0.role == .staff }.count == 3)
        #expect(people.filter { $0.role == .passerBy }.count > shoppers.count)
        for person in people where person.role == .passerBy {
            let mid = (person.trajectory.startTime + person.trajectory.endTime) / 2
            var hint = 0
            #expect(!Self.layout.outline.contains(person.trajectory.state(at: mid, hint: &hint).position), "passers-by stay outside")
        }
        let offsets = people.map(\.txOffset)
        #expect(offsets.allSatisfy { abs($0) <= 8 })
        // Anonymous phones rotate their address about every 15 minutes; loyalty phones keep a beacon id.
        let rotating = try #require(shoppers.first { if case .rotating = $0.identity { true } else { false } })
        let start = rotating.trajectory.startTime
        #expect(rotating.device(at: start).kind == .bleRPA)
        #expect(rotating.device(at: start) != rotating.device(at: start + 1200))
        #expect(Set((0..<60).map { rotating.device(at: start + Double($0) * 60) }).count <= 6)
        let loyal = try #require(shoppers.first { if case .stable = $0.identity { true } else { false } })
        #expect(loyal.device(at: 0).kind == .ibeacon)
        #expect(loyal.device(at: 0) == loyal.device(at: 3000))
    }

    @Test func signalFallsWithDistanceAtThePathLossModelsRateWithinEachPhone() async throws {
        // Regress RSSI on −10·log10(distance) within each phone (its own transmit offset and
        // carrying removed): the slope is the path-loss exponent, 2.0–2.4 in the demo store.
        // Shadowing, body loss and a handful of phones make ten minutes a noisy estimate, so
        // the bound is wide; it catches a sign error or a wrong distance, not a tenth of a dB.
        let slope = try await onAThreadOfItsOwn {
            let run = Self.simulate(seed: 3, minutes: 10)
            let observations = try TraceReader(text: run.trace).readAll()
            let truth = try SurveyCodec.readTruth(text: run.truth)
            var tracks: [DeviceID: [TruthSample]] = [:]
            for sample in truth { tracks[sample.device, default: []].append(sample) }
            var pairs: [DeviceID: [(x: Double, y: Double)]] = [:]
            var cursor: [DeviceID: Int] = [:]
            for o in observations {
                // The true position at the observation's time, interpolated between truth samples.
                guard let track = tracks[o.device], let sensor = Self.layout.sensor(o.sensor) else { continue }
                var i = cursor[o.device] ?? 0
                while i + 1 < track.count, track[i + 1].time <= o.time { i += 1 }
                cursor[o.device] = i
                guard i + 1 < track.count, track[i].time <= o.time else { continue }
                let f = (o.time - track[i].time) / (track[i + 1].time - track[i].time)
                let p = track[i].position + (track[i + 1].position - track[i].position) * f
                let d = sensor.position.distance(to: p, height: Self.layout.deviceHeight)
                guard d < 10 else { continue }  // far readings are biased by the sensitivity floor
                pairs[o.device, default: []].append((-10 * log10(d), o.rssi))
            }
            var covariance = 0.0, variance = 0.0
            for (_, points) in pairs where points.count > 50 {
                let mx = points.map(\.x).reduce(0, +) / Double(points.count)
                let my = points.map(\.y).reduce(0, +) / Double(points.count)
                for point in points {
                    covariance += (point.x - mx) * (point.y - my)
                    variance += (point.x - mx) * (point.x - mx)
                }
            }
            return covariance / variance
        }
        #expect(slope > 1.5 && slope < 3.0, "fitted exponent \(slope)")
    }

    @Test func theRadioModelsPartsHaveTheirTextbookStatistics() {
        let model = RadioModel(sensorCount: 1, random: RandomSource(seed: 9))
        var random = RandomSource(seed: 10)
        // Rician fading with unit mean power: the mean of 10^(dB/10) is 1 within 3%.
        let power = (0..<20_000).map { _ in pow(10, model.fastFading(&random) / 10) }.reduce(0, +) / 20_000
        #expect(abs(power - 1) < 0.03)
        // The static shadowing field: the configured spread, similar within 30 cm, unrelated 20 m apart.
        var near = 0.0, far = 0.0, square = 0.0
        let n = 4000
        for i in 0..<n {
            let p = Point(x: Double(i % 80) * 0.5, y: Double(i / 80) * 0.5)
            let v = model.staticShadowing(sensor: 0, at: p)
            square += v * v
            near += v * model.staticShadowing(sensor: 0, at: p + Point(x: 0.3, y: 0))
            far += v * model.staticShadowing(sensor: 0, at: p + Point(x: 20, y: 0))
        }
        let variance = square / Double(n)
        #expect(abs(variance.squareRoot() - model.parameters.staticShadowingSD) < 1.0)
        #expect(near / Double(n) / variance > 0.9)
        #expect(abs(far / Double(n) / variance) < 0.3)
        // Reception: never below the sensitivity floor, almost always 20 dB above it.
        let floor = model.parameters.sensitivity
        #expect(!(0..<1000).contains { _ in model.received(rssi: floor - 1, &random) })
        let strong = (0..<10_000).filter { _ in model.received(rssi: floor + 20, &random) }.count
        #expect(abs(Double(strong) / 10_000 - (1 - model.parameters.baseLoss)) < 0.02)
    }

    /// The demo store surveyed on a 5 m grid, 10 s a point (seed 5), with nobody else in it,
    /// and on the pavement's rows `pavement` metres out.
    static func survey(_ radio: RadioModel.Parameters, pavement: [Double] = []) -> [SurveySample] {
        var settings = StoreSimulator.Settings()
        settings.seed = 5
        settings.hours = 0
        settings.shoppersPerHour = 0
        settings.staff = 0
        settings.radio = radio
        var survey = StoreSimulator.SurveySettings()
        survey.spacing = 5
        survey.dwell = 10
        survey.pavement = pavement
        return StoreSimulator(layout: layout, settings: settings).survey(survey)
    }

    /// Residual spread (dB) of a simulated survey about the layout's path-loss models: each
    /// reference point's mean reading per sensor against the model at that distance.
    static func surveySpread(_ radio: RadioModel.Parameters) -> Double {
        let samples = survey(radio)
        var groups: [String: (sum: Double, count: Double, expected: Double)] = [:]
        for sample in samples {
            guard let point = sample.point, let sensor = layout.sensors.first(where: { $0.id == sample.sensor }) else { continue }
            let key = "\(sample.sensor)@\(point.x),\(point.y)"
            let expected = sensor.pathLoss(for: .ble).rssi(atDistance: sensor.position.distance(to: point, height: layout.deviceHeight))
            groups[key, default: (0, 0, expected)].sum += sample.rssi
            groups[key, default: (0, 0, expected)].count += 1
        }
        let residuals = groups.values.filter { $0.count >= 20 }.map { $0.sum / $0.count - $0.expected }
        let mean = residuals.reduce(0, +) / Double(residuals.count)
        return (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(residuals.count)).squareRoot()
    }

    @Test func aSurveyOfThePavementWalksRowsBeforeTheStorefrontOnly() {
        // The demo store: 40 × 25 m, its door at (20, 0) in the south wall.
        var settings = StoreSimulator.Settings()
        settings.hours = 0
        settings.shoppersPerHour = 0
        settings.staff = 0
        let simulator = StoreSimulator(layout: Self.layout, settings: settings)
        var survey = StoreSimulator.SurveySettings()
        survey.spacing = 5
        survey.dwell = 2
        let floor = Set(simulator.survey(survey).compactMap(\.point))
        survey.pavement = [1.5, 4]
        let all = Set(simulator.survey(survey).compactMap(\.point))
        let street = all.subtracting(floor)
        #expect(floor.isSubset(of: all))
        #expect(floor.allSatisfy { Self.layout.outline.contains($0) })
        // Two rows, 5 m apart along the wall and 5 m past its corners: x = -5, 0, …, 45.
        #expect(street.count == 2 * 11)
        #expect(street.allSatisfy { ($0.y == -1.5 || $0.y == -4) && $0.x >= -5 && $0.x <= 45 })
        #expect(Set(street.map(\.x)) == Set(Swift.stride(from: -5.0, through: 45, by: 5)))
    }

    @Test func aStorefrontLossTakesItsDecibelsOffThePavementAndNothingOffTheFloor() async {
        // A calm radio (no shadowing, no body, receivers that hear down to −140 dBm, so that no
        // weak packet is lost and biases a mean) surveyed on the floor and on two rows of the
        // pavement, with and without a 6 dB storefront: each point's mean level against each
        // sensor, fading averaged over its packets.
        func levels(_ loss: Double) -> [String: (mean: Double, outside: Bool)] {
            var radio = RadioModel.Parameters()
            radio.staticShadowingSD = 0
            radio.movingShadowingSD = 0
            radio.bodyLossScale = 0
            radio.storefrontLoss = loss
            radio.sensitivity = -140
            var sums: [String: (sum: Double, count: Double, outside: Bool)] = [:]
            for sample in Self.survey(radio, pavement: [1.5, 4]) {
                guard let point = sample.point else { continue }
                let key = "\(sample.sensor)@\(point.x),\(point.y)"
                sums[key, default: (0, 0, !Self.layout.outline.contains(point))].sum += sample.rssi
                sums[key, default: (0, 0, !Self.layout.outline.contains(point))].count += 1
            }
            return sums.filter { $0.value.count >= 20 }.mapValues { ($0.sum / $0.count, $0.outside) }
        }
        let (open, walled) = await onAThreadOfItsOwn { (levels(0), levels(6)) }
        var floor: [Double] = [], pavement: [Double] = []
        for (key, before) in open {
            guard let after = walled[key] else { continue }
            if before.outside { pavement.append(before.mean - after.mean) } else { floor.append(before.mean - after.mean) }
        }
        let floorMean = floor.reduce(0, +) / Double(floor.count), pavementMean = pavement.reduce(0, +) / Double(pavement.count)
        #expect(floor.count > 100 && pavement.count > 20, "\(floor.count) floor and \(pavement.count) pavement levels compared")
        #expect(abs(floorMean) < 0.3, "the floor \(floorMean) dB weaker")
        #expect(abs(pavementMean - 6) < 0.5, "the pavement \(pavementMean) dB weaker")
    }

    @Test func theRadiosHarshnessIsSetByItsParameters() async {
        // Averaged over a point's packets, fading is gone: what is left is the shadowing and
        // the body, which the parameters set (3 dB and 2 dB by default, and the hand's loss).
        var calm = RadioModel.Parameters()
        calm.staticShadowingSD = 0
        calm.movingShadowingSD = 0
        calm.bodyLossScale = 0
        let realistic = await onAThreadOfItsOwn { Self.surveySpread(RadioModel.Parameters()) }
        let none = await onAThreadOfItsOwn { Self.surveySpread(calm) }
        #expect(realistic > 2.5 && realistic < 5, "\(realistic)")
        #expect(none < 1.0, "\(none)")
    }
}
