/// The AVS capture header (link type 163, "AVS WLAN Capture header" v1/v2): 64 bytes,
/// big-endian, ahead of the 802.11 frame.
public struct AVSHeader: Hashable, Sendable {
    public enum SignalType: UInt32, Sendable {
        case none = 0, normalizedRSSI = 1, dBm = 2, rawRSSI = 3
    }

    public var length: Int
    public var macTime: UInt64
    public var hostTime: UInt64
    public var phyType: UInt32
    /// The channel number (not a frequency).
    public var channel: UInt32
    public var dataRate: UInt32
    public var antenna: UInt32
    public var signalType: SignalType?
    public var signal: Int32
    public var noise: Int32

    /// The signal in dBm, when the driver reported it in dBm.
    public var dBmSignal: Int8? {
        guard signalType == .dBm, signal >= Int32(Int8.min), signal <= 0 else { return nil }
        return Int8(signal)
    }

    static let fixedLength = 64

    init(bytes b: UnsafeRawBufferPointer) throws(WiFiDecodingError) {
        guard b.count >= Self.fixedLength else {
            throw WiFiDecodingError(.avs, at: b.count, "needs \(Self.fixedLength) bytes but the packet has \(b.count)")
        }
        let version = b.u32BigEndian(0)
        guard version & 0xFFFF_FFF0 == 0x8021_1000 else {
            throw WiFiDecodingError(.avs, at: 0, "magic 0x\(String(version, radix: 16)) is not 0x8021100x: not an AVS header")
        }
        let length = Int(b.u32BigEndian(4))
        guard length >= Self.fixedLength, length <= b.count else {
            throw WiFiDecodingError(.avs, at: 4, "header length \(length) is outside \(Self.fixedLength)…\(b.count) (the captured bytes)")
        }
        self.length = length
        macTime = UInt64(b.u32BigEndian(8)) << 32 | UInt64(b.u32BigEndian(12))
        hostTime = UInt64(b.u32BigEndian(16)) << 32 | UInt64(b.u32BigEndian(20))
        phyType = b.u32BigEndian(24)
        channel = b.u32BigEndian(28)
        dataRate = b.u32BigEndian(32)
        antenna = b.u32BigEndian(36)
        // priority at 40
        signalType = SignalType(rawValue: b.u32BigEndian(44))
        signal = Int32(bitPattern: b.u32BigEndian(48))
        noise = Int32(bitPattern: b.u32BigEndian(52))
    }
}
