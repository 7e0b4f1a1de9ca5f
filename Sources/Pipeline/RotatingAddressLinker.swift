import FootfallCore

/// Follows a phone across its rotating private addresses (`ble-rpa:`), so that a shopper whose
/// address changes mid-visit stays one device: one visit, one dwell, one track, counted once.
///
/// A phone changes its resolvable private address every ~15 minutes, from one advertisement to
/// the next: the old address falls silent while the phone is still heard well, and within an
/// advertising interval the new one is heard at the same place, by the same receivers, as loud.
/// A phone leaving fades out instead, and one arriving is first heard at the edge of the range.
/// So a new `ble-rpa:` address is held for `hold` seconds, then taken as the next address of a
/// device that
/// - is in a visit and was last placed inside, away from the doors (`doorReach`: where phones
///   come and go, a departure and an arrival within a second look like a change of address; a
///   store file without `entrances` has them anywhere within `outlineReach` of its outline),
/// - fell silent at most `handoffGap` before the new address was first heard, and has not been
///   heard since,
/// - was heard at `loudEnough` or louder in its last `handoffGap` (not fading out of range),
/// - and whose last levels at the receivers that heard the new address (`sharedReceivers` or
///   more) lie within `sameLevel` dB of the new address's, on average;
///
/// of several such devices, the closest in level. The held readings then go on in time order
/// under the device's id (a device of its own is placed from its first reading, dated then,
/// decided `hold` later). Linked wrongly — an old address heard again after the new one came,
/// however long after (a phone never goes back to a retired address) — the new address is a
/// device of its own from then on.
///
/// Everything else (a resolved identity, a beacon, a static or public address, Wi-Fi) passes
/// unchanged: those do not rotate, or (randomized Wi-Fi MACs in probe bursts seconds apart)
/// give no such hand-over to see. The link lives in memory for the visit's length: no address
/// and no link is kept, logged or sent (the device's id downstream is its first address's,
/// pseudonymized as any).
struct RotatingAddressLinker: Sendable {
    /// How long a new address is held before it is decided: long enough that a device still
    /// using its address (phones advertise every 0.1–1 s) is heard again meanwhile.
    static let hold = 1.5
    /// The longest silence between a phone's old address and its new one: the longest
    /// advertising interval phones use (1 s), and a little.
    static let handoffGap = 1.2
    /// How loud (dBm) some receiver heard the old address in its last `handoffGap`: well within
    /// range (typical receivers' floor −94 to −97 dBm), not fading out of it.
    static let loudEnough = -85.0
    /// How far (dB, the mean over the receivers that heard both) the new address's readings may
    /// lie from the old one's last: a few readings' fading (about 5 dB each) at the same place,
    /// averaged over `sharedReceivers` or more.
    static let sameLevel = 5.0
    /// How many receivers must have heard both addresses: one receiver's level fits a ring
    /// around it, two place the phone.
    static let sharedReceivers = 2
    /// A device unheard this long is forgotten, with its addresses (more than `exit_after`'s
    /// 300 s ceiling: the visit it belongs to has ended).
    static let forgetAfter = 600.0

    private struct Chain: Sendable {
        /// The address the phone uses now.
        var current: DeviceID
        /// Every address of the phone met, for forgetting them together.
        var addresses: [DeviceID]
        var lastHeard: Double
        /// Each receiver's last reading of the phone.
        var recent: [SensorID: (rssi: Double, time: Double)] = [:]
        /// Each address it used before, with the time the next one replaced it: a phone never
        /// goes back to a retired private address, so one heard after that was another phone.
        var retired: [DeviceID: Double] = [:]
        /// Where the pipeline last placed the phone, and whether inside the store.
        var placed: (position: Point, inside: Bool)?

        mutating func hear(_ observation: Observation) {
            lastHeard = max(lastHeard, observation.time)
            recent[observation.sensor] = (observation.rssi, observation.time)
        }
    }

    /// The store's doors, and its outline: a phone that falls silent near a door is taken as
    /// gone, not as one whose address changed (where phones come and go, a departure and an
    /// arrival within a second look like a change of address). A store file with no
    /// `entrances` may have its doors anywhere on its outline.
    var doors: [Point] = []
    var outline: Polygon?
    /// How near a door (m) that is; without `entrances`, how near the outline, where a door
    /// may be (less: 5 m from every wall leaves most of a small store's floor out).
    static let doorReach = 5.0
    static let outlineReach = 2.0

    func nearADoor(_ point: Point) -> Bool {
        if !doors.isEmpty { return doors.contains { $0.distance(to: point) < Self.doorReach } }
        guard let outline else { return false }
        return outline.nearestBoundaryPoint(to: point).distance(to: point) < Self.outlineReach
    }

    /// Notes where the pipeline placed a device of a rotating address.
    mutating func placed(_ estimate: PositionEstimate) {
        guard chains[estimate.device] != nil else { return }
        chains[estimate.device]!.placed = (estimate.position, estimate.insideStore)
    }

    /// A new address's readings while it is held.
    private struct Hold: Sendable {
        var first: Double
        var readings: [(order: Int, observation: Observation)]
    }

    /// Each address met → the device id it is given (the first address of its phone).
    private var deviceOf: [DeviceID: DeviceID] = [:]
    /// Each device's chain, by that id.
    private var chains: [DeviceID: Chain] = [:]
    private var holds: [DeviceID: Hold] = [:]
    private var order = 0
    private var lastSweep = -Double.infinity
    /// Addresses taken as a device's next one, and links undone.
    private(set) var linked = 0
    private(set) var unlinked = 0

    /// Whether readings are held (`release`).
    var isHolding: Bool { !holds.isEmpty }

    /// The device id for `observation`, whose device is a `ble-rpa:` address; nil when it is
    /// held (a new address, `release` gives it back).
    mutating func device(for observation: Observation) -> DeviceID? {
        let address = observation.device, time = observation.time
        sweep(at: time)
        if holds[address] != nil {
            // Appended in place: a copy of the held readings at each one would make the
            // hold's 1.5 s quadratic in its readings.
            holds[address]!.readings.append((order, observation))
            order += 1
            return nil
        }
        guard let device = deviceOf[address], let chain = chains[device] else {
            holds[address] = Hold(first: time, readings: [(order, observation)])
            order += 1
            return nil
        }
        if chain.current != address {
            // A retired address heard again: heard after it was replaced, the link was wrong
            // (however long ago): the phone is back on it, and the address taken for its next
            // one is another phone's, a device of its own from now.
            guard let retiredAt = chain.retired[address], time > retiredAt, let index = chain.addresses.firstIndex(of: address) else {
                return device  // a late reading of before the hand-over
            }
            // The addresses taken after it were another phone's: they go on as a device of
            // their own, named by the first of them (never this device's own name).
            let later = Array(chain.addresses[(index + 1)...])
            if let name = later.first {
                var other = Chain(current: chain.current, addresses: later, lastHeard: time)
                for retired in later where retired != chain.current { other.retired[retired] = chain.retired[retired] }
                chains[name] = other
                for moved in later { deviceOf[moved] = name }
            }
            chains[device]!.current = address
            chains[device]!.addresses.removeSubrange((index + 1)...)
            for moved in later { chains[device]!.retired[moved] = nil }
            chains[device]!.retired[address] = nil
            unlinked += 1
        }
        chains[device]!.hear(observation)
        return device
    }

    /// The readings of every address held since `hold` before `time` (all of them with
    /// `time` infinite), each under the device id decided for it, in the order they came.
    mutating func release(at time: Double, visiting: (DeviceID) -> Bool) -> [Observation] {
        guard !holds.isEmpty else { return [] }
        let due = holds.filter { time - $0.value.first >= Self.hold }.sorted { ($0.value.first, $0.key.rawValue) < ($1.value.first, $1.key.rawValue) }
        guard !due.isEmpty else { return [] }
        var released: [(order: Int, observation: Observation)] = []
        for (address, hold) in due {
            holds[address] = nil
            let device = decide(address, hold, visiting: visiting)
            for (order, observation) in hold.readings {
                var observation = observation
                chains[device]!.hear(observation)
                observation.device = device
                released.append((order, observation))
            }
        }
        return released.sorted { $0.order < $1.order }.map(\.observation)
    }

    /// The device a held address is: the next address of a phone that fell silent as it
    /// came, or a device of its own.
    private mutating func decide(_ address: DeviceID, _ hold: Hold, visiting: (DeviceID) -> Bool) -> DeviceID {
        var levels: [SensorID: (sum: Double, count: Int)] = [:]
        for (_, observation) in hold.readings {
            levels[observation.sensor, default: (0, 0)].sum += observation.rssi
            levels[observation.sensor, default: (0, 0)].count += 1
        }
        var best: (device: DeviceID, difference: Double)?
        for (device, chain) in chains {
            let silence = hold.first - chain.lastHeard
            guard silence >= 0, silence <= Self.handoffGap, visiting(device),
                  let placed = chain.placed, placed.inside, !nearADoor(placed.position),
                  chain.recent.values.contains(where: { chain.lastHeard - $0.time <= Self.handoffGap && $0.rssi >= Self.loudEnough })
            else { continue }
            var total = 0.0, shared = 0
            // In the receivers' order: a sum in a dictionary's order (seeded per process) could
            // differ in its last bits from run to run, and the same trace give another result.
            for sensor in levels.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                let level = levels[sensor]!
                guard let last = chain.recent[sensor], chain.lastHeard - last.time <= Self.handoffGap else { continue }
                total += abs(level.sum / Double(level.count) - last.rssi)
                shared += 1
            }
            guard shared >= Self.sharedReceivers else { continue }
            let difference = total / Double(shared)
            guard difference <= Self.sameLevel else { continue }
            if best.map({ (difference, device.rawValue) < ($0.difference, $0.device.rawValue) }) ?? true { best = (device, difference) }
        }
        if let best, let previous = chains[best.device]?.current {
            chains[best.device]!.retired[previous] = hold.first
            chains[best.device]!.current = address
            chains[best.device]!.addresses.append(address)
            deviceOf[address] = best.device
            linked += 1
            return best.device
        }
        chains[address] = Chain(current: address, addresses: [address], lastHeard: hold.first)
        deviceOf[address] = address
        return address
    }

    /// Forgets the phones unheard for `forgetAfter`, at most once a minute of trace time.
    private mutating func sweep(at time: Double) {
        guard time - lastSweep >= 60 else { return }
        lastSweep = time
        for (device, chain) in chains where time - chain.lastHeard > Self.forgetAfter {
            for address in chain.addresses { deviceOf[address] = nil }
            chains[device] = nil
        }
    }
}
