import NIOCore

/// A probe request (802.11-2020, 9.3.3.9): a device asking which networks are near. Phones
/// send them whether or not they join, which is why a store can count them.
public struct ProbeRequest: Hashable, Sendable {
    public var frame: ManagementFrame
    /// Where the SSID element's body starts in the frame body, −1 without one: offsets
    /// rather than a slice keep decoding to one buffer reference.
    var ssidOffset: Int32
    var ssidLength: UInt8
    /// Set when an element runs past the body; the elements before it are still readable.
    public var elementError: WiFiDecodingError?

    /// The SSID element's body: empty for the wildcard SSID, nil when the element is missing.
    public var ssid: ByteBuffer? {
        ssidOffset < 0 ? nil : frame.body.getSlice(at: frame.body.readerIndex + Int(ssidOffset), length: Int(ssidLength))
    }

    public var source: MACAddress { frame.source }
    public var destination: MACAddress { frame.destination }
    public var bssid: MACAddress { frame.bssid }
    public var sequenceNumber: UInt16 { frame.sequenceNumber }
    /// A locally administered source address: a randomized MAC, counted but never profiled.
    public var isRandomized: Bool { frame.source.isLocallyAdministered }
    public var elements: InformationElements { InformationElements(bytes: frame.body, packetOffset: frame.bodyPacketOffset) }

    /// The SSID asked for, as text (lossy for bytes that are not UTF-8); "" for the wildcard.
    public var ssidText: String? { ssid.map { String(decoding: $0.readableBytesView, as: UTF8.self) } }

    /// Every SSID the device asked for: the SSID element's (when not the wildcard) and those
    /// of an SSID List element (ID 84), which holds SSID elements.
    public var ssids: [String] {
        var result: [String] = []
        if let ssidText, !ssidText.isEmpty { result.append(ssidText) }
        if let list = elements.first(id: InformationElement.ssidList) {
            for element in InformationElements(bytes: list.body) where element.id == InformationElement.ssid {
                result.append(String(decoding: element.body.readableBytesView, as: UTF8.self))
            }
        }
        return result
    }
}

extension ProbeRequest {
    /// Walks the elements once: finds the SSID and the first malformed element.
    static func scanElements(_ b: UnsafeRawBufferPointer, from start: Int, to end: Int) -> (ssidStart: Int, ssidLength: Int, error: WiFiDecodingError?) {
        var ssidStart = -1
        var ssidLength = 0
        var offset = start
        while offset < end {
            guard offset + 2 <= end else {
                return (ssidStart, ssidLength, WiFiDecodingError(.informationElement, at: offset, "element \(b.u8(offset)) has no length byte: the body ends after its ID"))
            }
            let id = b.u8(offset)
            let length = Int(b.u8(offset + 1))
            guard offset + 2 + length <= end else {
                return (ssidStart, ssidLength, WiFiDecodingError(.informationElement, at: offset + 1, "element \(id) declares \(length) bytes but only \(end - offset - 2) remain"))
            }
            if id == InformationElement.ssid && ssidStart < 0 {
                ssidStart = offset + 2
                ssidLength = length
            }
            offset += 2 + length
        }
        return (ssidStart, ssidLength, nil)
    }
}
