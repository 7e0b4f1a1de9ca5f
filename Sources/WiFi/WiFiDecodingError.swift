/// A frame the Wi-Fi decoders could not read: which layer, what was wrong, and at which byte
/// of the captured packet (`radiotap: byte 2: header length 6 is shorter than …`).
public struct WiFiDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Layer: String, Hashable, Sendable {
        case radiotap
        case avs = "AVS header"
        case ieee80211 = "802.11"
        case informationElement = "information element"
    }

    public var layer: Layer
    /// Byte offset from the start of the captured packet.
    public var offset: Int
    public var message: String

    public init(_ layer: Layer, at offset: Int, _ message: String) {
        self.layer = layer
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(layer.rawValue): byte \(offset): \(message)" }
}
