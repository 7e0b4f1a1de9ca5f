import FootfallCore
import NIOCore

/// Apple iBeacon: manufacturer data of company 0x004C, type 0x02, length 0x15, then the
/// proximity UUID, major and minor (big-endian) and the measured power at 1 m.
public struct IBeacon: Sendable, Hashable {
    public var uuid: UInt128
    public var major: UInt16
    public var minor: UInt16
    /// Expected RSSI at 1 m in dBm.
    public var measuredPower: Int8

    public init(uuid: UInt128, major: UInt16, minor: UInt16, measuredPower: Int8) {
        self.uuid = uuid
        self.major = major
        self.minor = minor
        self.measuredPower = measuredPower
    }

    /// From the value of a manufacturer-specific AD structure (company identifier first);
    /// nil when it is not an iBeacon frame.
    @inlinable
    public init?(manufacturerData value: ByteBuffer) {
        let bytes = value.readableBytesView
        // Company 0x004C little-endian, iBeacon type 0x02, remaining length 0x15 (21).
        guard bytes.count == 25, bytes.bigEndian(at: 0, as: UInt32.self) == 0x4C00_0215 else { return nil }
        uuid = bytes.bigEndian(at: 4)
        major = bytes.bigEndian(at: 20)
        minor = bytes.bigEndian(at: 22)
        measuredPower = Int8(bitPattern: bytes.bigEndian(at: 24, as: UInt8.self))
    }

    public var uuidString: String { BluetoothUUID.uuidString(uuid) }

    public var deviceID: DeviceID { DeviceID("ibeacon:\(uuidString):\(major):\(minor)") }
}
