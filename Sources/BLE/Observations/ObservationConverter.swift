import FootfallCore
import NIOCore

/// Turns advertising reports into observations with the most stable identity heard
/// (DESIGN.md, device ids): a beacon id first, then `irk:<name>` for an address resolved with a
/// registered key, `ble:<address>` for public and static random addresses, and
/// `ble-rpa:<address>` for private addresses nobody can resolve.
///
/// Device ids are interned: a store hears the same few hundred devices all day, so the text form
/// is built once per identity and the hot path does one dictionary lookup per report.
public struct ObservationConverter: Sendable {
    public var sensor: SensorID
    public var resolver: IdentityResolver
    /// Identities kept before the table is cleared (private addresses rotate, so it would grow).
    public var cacheLimit: Int

    private var identities: [IdentityKey: DeviceID] = [:]
    /// A direct-mapped cache in front of `identities`: a hit costs a multiply and a compare
    /// instead of hashing with SipHash.
    /// Keys and devices in separate arrays so a hit compares plain values and retains only the
    /// device it returns.
    private var recentKeys = [IdentityKey?](repeating: nil, count: Self.recentSize)
    private var recentDevices = [DeviceID](repeating: DeviceID(""), count: Self.recentSize)
    static let recentSize = 4096
    /// The beacon identity each address was last heard with, and its measured power: a beacon
    /// that puts its frame in the scan response sends its plain advertisements (ADV_IND) from
    /// the same address without it, and each would otherwise be a device of its own — one
    /// beacon counted as two (audit: four beacons of a capture were eight device ids).
    private var beaconOfAddress: [UInt64: (key: IdentityKey, txPower: Int?)] = [:]
    /// The data of extended advertisements the controller reported in parts ("incomplete, more
    /// to come"), by sender and advertising set, until their last part: an iBeacon split over
    /// two reports was two plain observations, neither the beacon (audit).
    private var fragments: [Fragment: [UInt8]] = [:]

    struct Fragment: Hashable {
        var address: UInt64
        var addressType: UInt8
        var advertisingSID: UInt8
    }

    /// Reports still in parts at once at most; beyond, the parts kept are dropped.
    static let mostFragmented = 256

    /// An extended report's data as the advertisement had it: nil while more parts are to come
    /// (kept), the parts before it joined to it at the last one, or as reported.
    private mutating func assembled(
        kind: LEAdvertisingReport.Kind, eventType: UInt16, addressType: UInt8, address: BluetoothAddress, sid: UInt8,
        data: UnsafeRawBufferPointer
    ) -> [UInt8]?? {
        guard kind == .extended else { return .some(nil) }
        let status = (eventType >> 5) & 0b11
        let key = Fragment(address: address.rawValue, addressType: addressType, advertisingSID: sid)
        if status == 1 {
            if fragments[key] == nil, fragments.count >= Self.mostFragmented { fragments.removeAll(keepingCapacity: true) }
            fragments[key, default: []].append(contentsOf: data)
            // The most data an advertisement carries (1,650 bytes): past it, not one advertisement.
            if fragments[key]!.count > 1_650 { fragments[key] = nil }
            return nil
        }
        // Most advertisements come whole, with no part kept for anyone.
        guard !fragments.isEmpty, let earlier = fragments.removeValue(forKey: key) else { return .some(nil) }
        return .some(earlier + Array(data))
    }

    public init(sensor: SensorID, resolver: IdentityResolver = IdentityResolver(), cacheLimit: Int = 65_536) {
        self.sensor = sensor
        self.resolver = resolver
        self.cacheLimit = cacheLimit
    }

    enum IdentityKey: Hashable {
        case ibeacon(UInt128, UInt16, UInt16)
        case altbeacon(UInt128, UInt16, UInt16)
        case eddystone(UInt128, UInt64)
        /// A public or static address.
        case stable(UInt64)
        /// A random address that is not static: resolved or not, decided once per address.
        case rotating(UInt64)

        /// A cheap well-mixed hash (the finaliser of MurmurHash3) for the direct-mapped cache.
        var slot: Int {
            var x: UInt64
            switch self {
            case .ibeacon(let id, let a, let b): x = UInt64(truncatingIfNeeded: id) ^ UInt64(truncatingIfNeeded: id >> 64) ^ UInt64(a) << 32 ^ UInt64(b) << 48 ^ 1
            case .altbeacon(let id, let a, let b): x = UInt64(truncatingIfNeeded: id) ^ UInt64(truncatingIfNeeded: id >> 64) ^ UInt64(a) << 32 ^ UInt64(b) << 48 ^ 2
            case .eddystone(let namespace, let instance): x = UInt64(truncatingIfNeeded: namespace) ^ UInt64(truncatingIfNeeded: namespace >> 64) ^ instance ^ 3
            case .stable(let address): x = address ^ 4 << 56
            case .rotating(let address): x = address ^ 5 << 56
            }
            x ^= x >> 33
            x &*= 0xFF51_AFD7_ED55_8CCD
            x ^= x >> 33
            return Int(truncatingIfNeeded: x) & (ObservationConverter.recentSize - 1)
        }
    }

    /// The observation for one report at `time`, or nil when it has no RSSI or no address.
    public mutating func observation(from report: LEAdvertisingReport, time: Double) -> Observation? {
        let whole = report.data.withUnsafeReadableBytes {
            assembled(
                kind: report.kind, eventType: report.rawEventType, addressType: report.addressType.rawValue, address: report.address,
                sid: report.advertisingSID, data: $0)
        }
        guard let whole else { return nil }
        guard let rssi = report.rssi, Observation.plausibleRSSI.contains(Double(rssi)) else { return nil }
        let found = whole.map { $0.withUnsafeBytes { BeaconScan.scan($0) } } ?? report.data.withUnsafeReadableBytes { BeaconScan.scan($0) }
        return observation(
            found: found, addressType: report.addressType.rawValue, address: report.address,
            rssi: rssi, reportTxPower: report.txPower, time: time
        )
    }

    mutating func observation(from raw: RawAdvertisingReport, time: Double) -> Observation? {
        guard let whole = assembled(
            kind: raw.kind, eventType: raw.rawEventType, addressType: raw.addressType, address: raw.address, sid: raw.advertisingSID, data: raw.data)
        else { return nil }
        // 127 is "not available"; 21…126 are reserved: no reading either.
        guard Observation.plausibleRSSI.contains(Double(Int8(bitPattern: raw.rssi))) else { return nil }
        let found = whole.map { $0.withUnsafeBytes { BeaconScan.scan($0) } } ?? BeaconScan.scan(raw.data)
        return observation(
            found: found, addressType: raw.addressType, address: raw.address,
            rssi: Int8(bitPattern: raw.rssi), reportTxPower: raw.kind == .extended && raw.txPower != 127 ? Int8(bitPattern: raw.txPower) : nil,
            time: time
        )
    }

    /// Identity: the beacon found, else the address by its type (DESIGN.md, device ids).
    @inline(__always)
    private mutating func observation(
        found: BeaconScan.Found, addressType: UInt8, address: BluetoothAddress, rssi: Int8, reportTxPower: Int8?, time: Double
    ) -> Observation? {
        let key: IdentityKey
        var txPower = found.txPower ?? (found.advertisedTxPower ?? reportTxPower).map(Int.init)
        // By address and its type; an anonymous one (no address) names nobody.
        let sender: UInt64?
        switch AddressType(rawValue: addressType) {
        case .anonymous, .reserved: sender = nil
        default: sender = address.rawValue | UInt64(addressType) << 56
        }
        if let beacon = found.key {
            key = beacon
            if let sender, beaconOfAddress[sender]?.key != beacon {
                if beaconOfAddress.count >= cacheLimit { beaconOfAddress.removeAll(keepingCapacity: true) }
                beaconOfAddress[sender] = (beacon, found.txPower)
            }
        } else if let sender, !beaconOfAddress.isEmpty, let beacon = beaconOfAddress[sender] {
            key = beacon.key
            txPower = beacon.txPower ?? txPower
        } else {
            switch AddressType(rawValue: addressType) {
            case .anonymous, .reserved: return nil
            case .publicDevice, .publicIdentity, .randomIdentity: key = .stable(address.rawValue)
            case .randomDevice:
                key = address.randomSubtype == .staticRandom ? .stable(address.rawValue) : .rotating(address.rawValue)
            }
        }
        return Observation(time: time, sensor: sensor, device: deviceID(for: key), rssi: Double(rssi), txPower: txPower, radio: .ble)
    }

    /// Decodes an HCI event packet and calls `body` with an observation per advertising report.
    public mutating func forEachObservation(
        inEvent packet: ByteBuffer, time: Double, _ body: (Observation) -> Void
    ) throws(HCIDecodingError) {
        try HCIEventDecoder.forEachRawAdvertisingReport(inEvent: packet) { report in
            if let observation = observation(from: report, time: time) { body(observation) }
        }
    }

    /// As `forEachObservation`, with the report each observation came from (address, address
    /// type, advertising data), for displays that show more than the trace keeps.
    public mutating func forEachAdvertisement(
        inEvent packet: ByteBuffer, time: Double, _ body: (Observation, LEAdvertisingReport) -> Void
    ) throws(HCIDecodingError) {
        try HCIEventDecoder.forEachAdvertisingReport(inEvent: packet) { report in
            if let observation = observation(from: report, time: time) { body(observation, report) }
        }
    }

    private mutating func deviceID(for key: IdentityKey) -> DeviceID {
        let slot = key.slot
        if recentKeys[slot] == key { return recentDevices[slot] }
        if let known = identities[key] {
            recentKeys[slot] = key
            recentDevices[slot] = known
            return known
        }
        let device: DeviceID
        switch key {
        case .ibeacon(let uuid, let major, let minor):
            device = IBeacon(uuid: uuid, major: major, minor: minor, measuredPower: 0).deviceID
        case .altbeacon(let id1, let id2, let id3):
            device = AltBeacon(companyIdentifier: 0, id1: id1, id2: id2, id3: id3, referenceRSSI: 0).deviceID
        case .eddystone(let namespace, let instance):
            device = Eddystone.uid(txPowerAt0m: 0, namespace: namespace, instance: instance).deviceID!
        case .stable(let raw):
            device = DeviceID("ble:\(BluetoothAddress(rawValue: raw))")
        case .rotating(let raw):
            let address = BluetoothAddress(rawValue: raw)
            if let name = resolver.resolve(address) {
                device = DeviceID("irk:\(name)")
            } else {
                device = DeviceID("ble-rpa:\(address)")
            }
        }
        if identities.count >= cacheLimit { identities.removeAll(keepingCapacity: true) }
        identities[key] = device
        recentKeys[slot] = key
        recentDevices[slot] = device
        return device
    }
}
