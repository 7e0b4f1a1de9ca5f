/// Where a device really was, from a simulator or a recording's ground truth.
public struct TruthSample: Hashable, Sendable {
    public var time: Double
    public var device: DeviceID
    public var position: Point
    public var zone: String?
    /// Who carried the device, where the truth knows (a simulated store): a phone whose address
    /// rotates is one person under several device ids, and visits are scored by person.
    public var person: String?

    public init(time: Double, device: DeviceID, position: Point, zone: String? = nil, person: String? = nil) {
        self.time = time
        self.device = device
        self.position = position
        self.zone = zone
        self.person = person
    }

    /// Whom the sample is of: its person where known, otherwise its device.
    public var subject: String { person ?? device.rawValue }
}
