/// The hot path of `ObservationConverter`: one pass over raw advertising data that finds a
/// beacon identity (iBeacon, AltBeacon, Eddystone UID) and the TX Power Level, without slicing
/// or allocating. Malformed data ends the scan; what was found before it still counts.
enum BeaconScan {
    struct Found {
        var key: ObservationConverter.IdentityKey?
        var txPower: Int?
        var advertisedTxPower: Int8?
    }

    @inline(__always)
    static func bigEndian<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ offset: Int, as: T.Type = T.self) -> T {
        var value: T = 0
        for index in offset..<offset + MemoryLayout<T>.size { value = value << 8 | T(raw[index]) }
        return value
    }

    static func scan(_ raw: UnsafeRawBufferPointer) -> Found {
        var found = Found()
        var index = 0
        let end = raw.count
        while index < end {
            let length = Int(raw[index])
            if length == 0 || index + 1 + length > end { break }
            let type = raw[index + 1]
            let value = index + 2            // first byte after AD_Type
            let count = length - 1           // bytes of value
            switch type {
            case ADType.manufacturerSpecificData where found.key == nil:
                // iBeacon: company 0x004C, type 0x02, length 0x15, UUID, major, minor, power.
                if count == 25, bigEndian(raw, value, as: UInt32.self) == 0x4C00_0215 {
                    found.key = .ibeacon(bigEndian(raw, value + 4), bigEndian(raw, value + 20), bigEndian(raw, value + 22))
                    found.txPower = Int(Int8(bitPattern: raw[value + 24]))
                } else if count == 26, bigEndian(raw, value + 2, as: UInt16.self) == 0xBEAC {
                    // AltBeacon: company, 0xBEAC, id1 (16), id2, id3, reference RSSI, reserved.
                    found.key = .altbeacon(bigEndian(raw, value + 4), bigEndian(raw, value + 20), bigEndian(raw, value + 22))
                    found.txPower = Int(Int8(bitPattern: raw[value + 24]))
                }
            case ADType.serviceData16BitUUID where found.key == nil:
                // Eddystone UID: UUID 0xFEAA (little-endian AA FE), frame 0x00, TX power at 0 m,
                // namespace (10), instance (6).
                if count >= 20, raw[value] == 0xAA, raw[value + 1] == 0xFE, raw[value + 2] == 0x00 {
                    let namespace = UInt128(bigEndian(raw, value + 4, as: UInt64.self)) << 16 | UInt128(bigEndian(raw, value + 12, as: UInt16.self))
                    let instance = UInt64(bigEndian(raw, value + 14, as: UInt32.self)) << 16 | UInt64(bigEndian(raw, value + 18, as: UInt16.self))
                    found.key = .eddystone(namespace, instance)
                    // Calibrated at 0 m; 41 dB is the loss over the first metre.
                    found.txPower = Int(Int8(bitPattern: raw[value + 3])) - 41
                }
            case ADType.txPowerLevel where count >= 1:
                found.advertisedTxPower = Int8(bitPattern: raw[value])
            default:
                break
            }
            index += 1 + length
        }
        return found
    }
}
