import NIOCore

/// One advertisement as the controller reported it, from a legacy (0x02), directed (0x0B) or
/// extended (0x0D) LE advertising report event. `data` is a slice of the event's buffer: no copy.
public struct LEAdvertisingReport: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case legacy, directed, extended }

    public var kind: Kind
    /// Legacy and directed: the PDU type (0 ADV_IND … 4 SCAN_RSP). Extended: the event-type bits
    /// with reserved bits 7–15 cleared (see `ExtendedAdvertisingEventType`).
    public var eventType: UInt16
    /// The event type as received, reserved bits included.
    public var rawEventType: UInt16
    public var addressType: AddressType
    public var address: BluetoothAddress
    /// Received signal strength in dBm; nil when the controller sent 127 (not available).
    public var rssi: Int8?
    /// Extended reports: the advertiser's TX power in dBm; nil when 127 (not available).
    public var txPower: Int8?
    public var primaryPHY: UInt8
    public var secondaryPHY: UInt8
    /// 0xFF when no ADI field was present.
    public var advertisingSID: UInt8
    /// Units of 1.25 ms; 0 when there is no periodic advertising.
    public var periodicAdvertisingInterval: UInt16
    public var directAddressType: AddressType?
    public var directAddress: BluetoothAddress?
    /// The advertising data (AD structures).
    public var data: ByteBuffer

    public init(
        kind: Kind, eventType: UInt16, rawEventType: UInt16? = nil, addressType: AddressType,
        address: BluetoothAddress, rssi: Int8?, txPower: Int8? = nil, primaryPHY: UInt8 = 1,
        secondaryPHY: UInt8 = 0, advertisingSID: UInt8 = 0xFF, periodicAdvertisingInterval: UInt16 = 0,
        directAddressType: AddressType? = nil, directAddress: BluetoothAddress? = nil,
        data: ByteBuffer = ByteBuffer()
    ) {
        self.kind = kind
        self.eventType = eventType
        self.rawEventType = rawEventType ?? eventType
        self.addressType = addressType
        self.address = address
        self.rssi = rssi
        self.txPower = txPower
        self.primaryPHY = primaryPHY
        self.secondaryPHY = secondaryPHY
        self.advertisingSID = advertisingSID
        self.periodicAdvertisingInterval = periodicAdvertisingInterval
        self.directAddressType = directAddressType
        self.directAddress = directAddress
        self.data = data
    }

    /// The extended event-type bits; legacy PDU types mapped to their extended equivalents
    /// (Vol 4 Part E 7.8.64, table of legacy PDU event types).
    public var extendedEventType: ExtendedAdvertisingEventType {
        switch kind {
        case .extended: return ExtendedAdvertisingEventType(rawValue: eventType)
        case .legacy, .directed:
            switch eventType {
            case 0x00: return [.legacy, .connectable, .scannable]
            case 0x01: return [.legacy, .connectable, .directed]
            case 0x02: return [.legacy, .scannable]
            case 0x03: return [.legacy]
            case 0x04: return [.legacy, .scanResponse, .scannable]
            default: return [.legacy]
            }
        }
    }
}
