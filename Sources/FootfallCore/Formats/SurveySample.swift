/// A calibration sample: what one sensor heard of a device held at a reference point.
public struct SurveySample: Hashable, Sendable {
    public var time: Double
    public var sensor: SensorID
    public var device: DeviceID
    public var rssi: Double
    /// Where the device was; nil when only the zone is known.
    public var point: Point?
    public var zone: String?

    public init(time: Double, sensor: SensorID, device: DeviceID, rssi: Double, point: Point?, zone: String? = nil) {
        self.time = time
        self.sensor = sensor
        self.device = device
        self.rssi = rssi
        self.point = point
        self.zone = zone
    }
}
