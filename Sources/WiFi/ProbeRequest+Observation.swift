import FootfallCore

extension DeviceID {
    /// `wifi:<mac>`, lowercase (DESIGN.md, device ids).
    public static func wifi(_ address: MACAddress) -> DeviceID { DeviceID("wifi:\(address)") }
}

extension WiFiPacket {
    /// The observation a probe request makes: the transmitter as `wifi:<mac>`, the signal in
    /// dBm, the channel number; nil for every other frame, for frames with a bad FCS, and for a
    /// probe request no station sends as received (`implausibility`).
    public func observation(time: Double, sensor: SensorID) throws(WiFiObservationError) -> Observation? {
        guard let probe = probeRequest, !hasBadFCS, implausibility == nil else { return nil }
        guard let signal else { throw .noSignalStrength(linkType) }
        return Observation(
            time: time, sensor: sensor, device: .wifi(probe.source),
            rssi: Double(signal), radio: .wifi, channel: channel
        )
    }

    /// Why a probe request (with a good FCS) cannot be one a station sent as it was received,
    /// or nil when it can: a group source address, which no station transmits from, and the
    /// Protected bit, which a probe request never carries (both a frame corrupted on the air,
    /// from a radio that does not report the FCS); a signal no radio receives (a driver's
    /// +40 dBm: `Observation.plausibleRSSI`), which a trace could not hold either.
    public var implausibility: String? {
        guard let probe = probeRequest, !hasBadFCS else { return nil }
        if probe.source.isMulticast { return "a group source address, which no station transmits from (a frame corrupted on the air)" }
        if frame.frameControl.protected { return "the Protected bit set, which a probe request never carries (a frame corrupted on the air)" }
        if let signal, !Observation.plausibleRSSI.contains(Double(signal)) { return "a signal of \(signal) dBm, which no radio receives (a driver's placeholder)" }
        return nil
    }
}
