import FootfallCore

extension DeviceID {
    /// `wifi:<mac>`, lowercase (DESIGN.md, device ids).
    public static func wifi(_ address: MACAddress) -> DeviceID { DeviceID("wifi:\(address)") }
}

extension WiFiPacket {
    /// The observation a probe request makes: the transmitter as `wifi:<mac>`, the signal in
    /// dBm, the channel number; nil for every other frame, for frames with a bad FCS, and for
    /// a signal no radio receives (a driver's +40 dBm: `Observation.plausibleRSSI`), which a
    /// trace could not hold either.
    public func observation(time: Double, sensor: SensorID) throws(WiFiObservationError) -> Observation? {
        guard let probe = probeRequest, !hasBadFCS else { return nil }
        guard let signal else { throw .noSignalStrength(linkType) }
        guard Observation.plausibleRSSI.contains(Double(signal)) else { return nil }
        return Observation(
            time: time, sensor: sensor, device: .wifi(probe.source),
            rssi: Double(signal), radio: .wifi, channel: channel
        )
    }
}
