import FootfallCore
import NIOCore

/// AltBeacon: manufacturer data with beacon code 0xBEAC, a 20-byte beacon id (read here as a
/// 16-byte id1 and 2-byte id2 and id3, as the reference library does), the reference RSSI at
/// 1 m and a manufacturer-reserved byte.
public struct AltBeacon: Sendable, Hashable {
    public var companyIdentifier: UInt16
    public var id1: UInt128
    public var id2: UInt16
    public var id3: UInt16
    public var referenceRSSI: Int8
    public var reserved: UInt8

    public init(companyIdentifier: UInt16, id1: UInt128, id2: UInt16, id3: UInt16, referenceRSSI: Int8, reserved: UInt8 = 0) {
        self.companyIdentifier = companyIdentifier
        self.id1 = id1
        self.id2 = id2
        self.id3 = id3
        self.referenceRSSI = referenceRSSI
        self.reserved = reserved
    }

    @inlinable
    public init?(manufacturerData value: ByteBuffer) {
        let bytes = value.readableBytesView
        guard bytes.count == 26, bytes.bigEndian(at: 2, as: UInt16.self) == 0xBEAC else { return nil }
        companyIdentifier = UInt16(bytes[bytes.startIndex]) | UInt16(bytes[bytes.startIndex + 1]) << 8
        id1 = bytes.bigEndian(at: 4)
        id2 = bytes.bigEndian(at: 20)
        id3 = bytes.bigEndian(at: 22)
        referenceRSSI = Int8(bitPattern: bytes.bigEndian(at: 24, as: UInt8.self))
        reserved = bytes.bigEndian(at: 25)
    }

    public var deviceID: DeviceID { DeviceID("altbeacon:\(BluetoothUUID.uuidString(id1)):\(id2):\(id3)") }
}
