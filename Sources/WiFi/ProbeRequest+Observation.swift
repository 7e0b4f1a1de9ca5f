import FootfallCore

extension DeviceID {
    /// `wifi:<mac>`, lowercase (DESIGN.md, device ids).
    public static func wifi(_ address: MACAddress) -> DeviceID { DeviceID("wifi:\(address)") }
}

extension WiFiPacket {
    /// The observation a probe request makes: the transmitter as `wifi:<mac>`, the signal in
    /// dBm, the channel number; nil for every other frame, and for frames with a bad FCS.
    public func observation(time: Double, sensor: SensorID) throws(WiFiObservationError) -> Observation? {
        guard let probe = probeRequest, !hasBadFCS else { return nil }
        guard let signal else { throw .noSignalStrength(linkType) }
        return Observation(
            time: time, sensor: sensor, device: .wifi(probe.source),
            rssi: Double(signal), radio: .wifi, channel: channel
        )
    }
}
