/// Where a device really was, from a simulator or a recording's ground truth.
public struct TruthSample: Hashable, Sendable {
    public var time: Double
    public var device: DeviceID
    public var position: Point
    public var zone: String?

    public init(time: Double, device: DeviceID, position: Point, zone: String? = nil) {
        self.time = time
        self.device = device
        self.position = position
        self.zone = zone
    }
}
