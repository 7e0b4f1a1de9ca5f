import FootfallCore
import Foundation

/// Simulates a period of a store: who comes and goes, where they walk, and what every sensor
/// hears of every advertisement, in time order, with the ground truth beside it.
/// Deterministic for a seed.
public struct StoreSimulator: Sendable {
    public struct Settings: Hashable, Sendable {
        /// The most shoppers an hour, and staff, a simulation takes: beyond them a trace
        /// outgrows memory before it says why (a busy store sees a few thousand people an hour).
        public static let mostPeople = 10_000

        public var hours = 1.0
        public var shoppersPerHour = 300.0
        public var seed: UInt64 = 1
        public var staff = 3
        /// Passers-by along the storefront per shopper who comes in.
        public var passersByPerShopper = 2.0
        /// Share of shoppers whose phone runs the retailer's loyalty app (a stable beacon id).
        public var loyaltyShare = 0.3
        public var loyaltyUUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"
        public var checkoutZone = "checkout"
        public var entranceZone = "entrance"
        /// Unix time of the simulated period's start: 2026-01-05T09:00:00Z, a Monday morning.
        public var startTime = 1_767_603_600.0
        /// Seconds between ground-truth samples of each person.
        public var truthInterval = 1.0
        public var radio = RadioModel.Parameters()
        public init() {}
    }

    public let layout: StoreLayout
    public let settings: Settings
    public let people: [Person]
    let radio: RadioModel

    public init(layout: StoreLayout, settings: Settings) {
        self.layout = layout
        self.settings = settings
        let root = RandomSource(seed: settings.seed)
        people = PopulationPlanner(layout: layout, settings: settings).people(random: root)
        radio = RadioModel(sensorCount: layout.sensors.count, parameters: settings.radio, random: root.derived(3))
    }

    /// Runs the simulation, handing out observations and truth samples in time order.
    /// `progress` receives the simulated fraction done, at most a few hundred times.
    public func run(
        observation emit: (Observation) throws -> Void,
        truth emitTruth: (TruthSample) throws -> Void,
        progress: (Double) -> Void = { _ in }
    ) rethrows {
        let duration = settings.hours * 3600
        var queue = EventQueue()
        var states: [PhoneState] = []
        for person in people {
            var random = RandomSource(seed: settings.seed).derived(UInt64(900_000 + person.index))
            let first = person.trajectory.startTime + random.uniform(0, person.advertisingInterval)
            states.append(PhoneState(random: random, shadowing: Array(repeating: 0, count: layout.sensors.count)))
            queue.push(.init(time: first, person: person.index, isTruth: false))
            queue.push(.init(time: person.trajectory.startTime, person: person.index, isTruth: true))
        }
        var lastProgress = -1.0
        let sensors = layout.sensors
        while let event = queue.pop() {
            guard event.time <= duration else { continue }
            let fraction = event.time / duration
            if fraction - lastProgress >= 0.005 {
                lastProgress = fraction
                progress(fraction)
            }
            let person = people[event.person]
            guard event.time <= person.trajectory.endTime else { continue }
            var state = states[event.person]
            let (position, heading) = person.trajectory.state(at: event.time, hint: &state.segment)
            if let heading { state.heading = heading }
            let time = ((settings.startTime + event.time) * 1000).rounded() / 1000
            if event.isTruth {
                try emitTruth(TruthSample(time: time, device: person.device(at: event.time), position: position, zone: inside(position), person: "person-\(person.index)"))
                queue.push(.init(time: event.time + settings.truthInterval, person: event.person, isTruth: true))
            } else {
                let device = person.device(at: event.time)
                let moved = state.lastPosition.map { $0.distance(to: position) } ?? 0
                state.lastPosition = position
                // Gudmundson: shadowing decorrelates exponentially with the distance moved.
                let wall = layout.outline.contains(position) ? 0 : radio.parameters.storefrontLoss
                let rho = exp(-moved / radio.parameters.gudmundsonDistance)
                let innovation = (1 - rho * rho).squareRoot() * radio.parameters.movingShadowingSD
                for (index, sensor) in sensors.enumerated() {
                    if state.started {
                        state.shadowing[index] = rho * state.shadowing[index] + innovation * state.random.normal()
                    } else {
                        state.shadowing[index] = radio.parameters.movingShadowingSD * state.random.normal()
                    }
                    let slant = sensor.position.distance(to: position, height: layout.deviceHeight)
                    var rssi = sensor.pathLoss(for: .ble).rssi(atDistance: slant)
                    rssi += person.txOffset + radio.staticShadowing(sensor: index, at: position) + state.shadowing[index]
                    rssi += radio.fastFading(&state.random) - wall
                    rssi -= bodyLoss(person.carry, heading: state.heading, from: position, to: sensor.position.floor)
                    guard radio.received(rssi: rssi, &state.random) else { continue }
                    try emit(Observation(time: time, sensor: sensor.id, device: device, rssi: rssi.rounded(), txPower: person.txPower))
                }
                state.started = true
                // Advertising interval with the specification's 0–10 ms random advDelay.
                let next = event.time + person.advertisingInterval + state.random.uniform(0, 0.01)
                queue.push(.init(time: next, person: event.person, isTruth: false))
            }
            states[event.person] = state
        }
        progress(1)
    }

    private func inside(_ p: Point) -> String? {
        layout.outline.contains(p) ? layout.zone(containing: p)?.id : nil
    }

    /// The body shadows the phone from sensors behind the person: none when the sensor is
    /// ahead, all of the carry position's loss when it is straight behind.
    func bodyLoss(_ carry: Person.Carry, heading: Point, from p: Point, to sensor: Point) -> Double {
        let toSensor = sensor - p
        let length = toSensor.length
        guard length > 0.3 else { return 0 }
        let cosine = (toSensor.x * heading.x + toSensor.y * heading.y) / length
        return radio.parameters.bodyLossScale * carry.bodyLoss * (1 - cosine) / 2
    }

    struct PhoneState {
        var random: RandomSource
        var shadowing: [Double]
        var segment = 0
        var heading = Point(x: 0, y: 1)
        var lastPosition: Point?
        var started = false
    }
}

/// A binary min-heap of pending advertisements and truth samples, ordered by time, then by
/// person, so equal times are broken the same way on every run.
struct EventQueue {
    struct Entry {
        var time: Double
        var person: Int
        var isTruth: Bool
        func precedes(_ other: Entry) -> Bool {
            if time != other.time { return time < other.time }
            if person != other.person { return person < other.person }
            return isTruth && !other.isTruth
        }
    }

    private var heap: [Entry] = []

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { return top }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
