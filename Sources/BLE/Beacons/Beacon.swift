import FootfallCore
import NIOCore

/// A beacon frame found in advertising data.
public enum Beacon: Sendable, Hashable {
    case ibeacon(IBeacon)
    case altbeacon(AltBeacon)
    case eddystone(Eddystone)

    /// The beacon's stable identity in DESIGN.md's text form, when the frame carries one
    /// (Eddystone URL, TLM and EID frames do not).
    public var deviceID: DeviceID? {
        switch self {
        case .ibeacon(let beacon): beacon.deviceID
        case .altbeacon(let beacon): beacon.deviceID
        case .eddystone(let frame): frame.deviceID
        }
    }

    /// Expected RSSI at 1 m in dBm, as the frame states or implies.
    public var txPowerAt1m: Int? {
        switch self {
        case .ibeacon(let beacon): Int(beacon.measuredPower)
        case .altbeacon(let beacon): Int(beacon.referenceRSSI)
        case .eddystone(let frame): frame.txPowerAt1m
        }
    }
}

extension ByteBufferView {
    @inlinable
    func bigEndian<T: FixedWidthInteger>(at offset: Int, as: T.Type = T.self) -> T {
        var value: T = 0
        var index = self.index(startIndex, offsetBy: offset)
        for _ in 0..<(T.bitWidth / 8) {
            value = value << 8 | T(self[index])
            index = self.index(after: index)
        }
        return value
    }
}
