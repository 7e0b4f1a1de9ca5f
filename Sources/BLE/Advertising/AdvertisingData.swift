import NIOCore

/// Advertising data decoded into the fields a scanner shows: flags, name, TX power, service
/// UUIDs, service data, manufacturer data, and the beacon it carries, if any.
public struct AdvertisingData: Sendable, Hashable {
    public var flags: UInt8?
    public var shortenedLocalName: String?
    public var completeLocalName: String?
    /// TX Power Level in dBm.
    public var txPowerLevel: Int8?
    public var serviceUUIDs: [BluetoothUUID] = []
    public var serviceData: [ServiceData] = []
    public var manufacturerData: [ManufacturerData] = []
    public var beacon: Beacon?

    public struct ServiceData: Sendable, Hashable {
        public var uuid: BluetoothUUID
        public var data: [UInt8]

        public init(uuid: BluetoothUUID, data: [UInt8]) {
            self.uuid = uuid
            self.data = data
        }
    }

    public struct ManufacturerData: Sendable, Hashable {
        /// Company identifier (Assigned Numbers), little-endian on the air.
        public var companyIdentifier: UInt16
        public var data: [UInt8]

        public init(companyIdentifier: UInt16, data: [UInt8]) {
            self.companyIdentifier = companyIdentifier
            self.data = data
        }
    }

    /// The local name: complete if present, otherwise shortened.
    public var localName: String? { completeLocalName ?? shortenedLocalName }

    public init() {}

    public init(parsing data: ByteBuffer) throws(HCIDecodingError) {
        var result = AdvertisingData()
        var failure: HCIDecodingError?
        try ADStructures.forEach(in: data) { type, value in
            do throws(HCIDecodingError) {
                try result.add(type: type, value: value)
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        self = result
    }

    public init(parsing bytes: [UInt8]) throws {
        try self.init(parsing: ByteBuffer(bytes: bytes))
    }

    private mutating func add(type: UInt8, value: ByteBuffer) throws(HCIDecodingError) {
        let bytes = Array(value.readableBytesView)
        switch type {
        case ADType.flags:
            flags = bytes.first
        case ADType.shortenedLocalName:
            shortenedLocalName = String(decoding: bytes, as: UTF8.self)
        case ADType.completeLocalName:
            completeLocalName = String(decoding: bytes, as: UTF8.self)
        case ADType.txPowerLevel:
            txPowerLevel = bytes.first.map { Int8(bitPattern: $0) }
        case ADType.incomplete16BitUUIDs, ADType.complete16BitUUIDs:
            try Self.requireMultiple(of: 2, bytes, type: type)
            serviceUUIDs += stride(from: 0, to: bytes.count, by: 2).map { .bit16(Self.little(bytes[$0..<$0 + 2])) }
        case ADType.incomplete32BitUUIDs, ADType.complete32BitUUIDs:
            try Self.requireMultiple(of: 4, bytes, type: type)
            serviceUUIDs += stride(from: 0, to: bytes.count, by: 4).map { .bit32(Self.little(bytes[$0..<$0 + 4])) }
        case ADType.incomplete128BitUUIDs, ADType.complete128BitUUIDs:
            try Self.requireMultiple(of: 16, bytes, type: type)
            serviceUUIDs += stride(from: 0, to: bytes.count, by: 16).map { .bit128(Self.little(bytes[$0..<$0 + 16])) }
        case ADType.serviceData16BitUUID, ADType.serviceData32BitUUID, ADType.serviceData128BitUUID:
            let width = type == ADType.serviceData16BitUUID ? 2 : type == ADType.serviceData32BitUUID ? 4 : 16
            guard bytes.count >= width else {
                throw HCIDecodingError(context: "service data", message: "needs a \(width)-byte UUID but has \(bytes.count) bytes", offset: 0)
            }
            let uuid: BluetoothUUID = switch width {
            case 2: .bit16(Self.little(bytes[0..<2]))
            case 4: .bit32(Self.little(bytes[0..<4]))
            default: .bit128(Self.little(bytes[0..<16]))
            }
            serviceData.append(ServiceData(uuid: uuid, data: Array(bytes[width...])))
            if beacon == nil, let eddystone = try Eddystone(serviceData: value) { beacon = .eddystone(eddystone) }
        case ADType.manufacturerSpecificData:
            guard bytes.count >= 2 else {
                throw HCIDecodingError(context: "manufacturer data", message: "needs a 2-byte company identifier but has \(bytes.count) bytes", offset: 0)
            }
            manufacturerData.append(ManufacturerData(companyIdentifier: Self.little(bytes[0..<2]), data: Array(bytes[2...])))
            if beacon == nil {
                if let ibeacon = IBeacon(manufacturerData: value) {
                    beacon = .ibeacon(ibeacon)
                } else if let altbeacon = AltBeacon(manufacturerData: value) {
                    beacon = .altbeacon(altbeacon)
                }
            }
        default:
            break
        }
    }

    private static func requireMultiple(of width: Int, _ bytes: [UInt8], type: UInt8) throws(HCIDecodingError) {
        guard bytes.count % width == 0 else {
            throw HCIDecodingError(
                context: "service UUID list (AD type 0x\(String(type, radix: 16)))",
                message: "\(bytes.count) bytes is not a multiple of \(width)", offset: 0
            )
        }
    }

    static func little<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>) -> T {
        var value: T = 0
        for (shift, byte) in zip(stride(from: 0, to: T.bitWidth, by: 8), bytes) { value |= T(byte) << shift }
        return value
    }
}
