/// One reception: a sensor heard a device at a signal strength, at a time carried by the data
/// (seconds, Unix epoch or relative to a trace's start).
public struct Observation: Hashable, Sendable {
    public var time: Double
    public var sensor: SensorID
    public var device: DeviceID
    /// Received signal strength in dBm.
    public var rssi: Double
    /// The transmit power the device advertised (dBm at 1 m for beacons), when it did.
    public var txPower: Int?
    public var radio: Radio
    public var channel: Int?

    public init(
        time: Double, sensor: SensorID, device: DeviceID, rssi: Double,
        txPower: Int? = nil, radio: Radio = .ble, channel: Int? = nil
    ) {
        self.time = time
        self.sensor = sensor
        self.device = device
        self.rssi = rssi
        self.txPower = txPower
        self.radio = radio
        self.channel = channel
    }
}
