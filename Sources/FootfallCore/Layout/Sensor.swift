/// A receiver fixed in the store.
public struct Sensor: Hashable, Sendable, Identifiable {
    public var id: SensorID
    /// x, y in the store frame and height above the floor, metres.
    public var position: Point3
    public var radios: Set<Radio>
    /// Path-loss parameters per radio; a radio without an entry uses the default for it.
    public var pathLoss: [Radio: PathLoss]

    public init(id: SensorID, position: Point3, radios: Set<Radio> = [.ble], pathLoss: [Radio: PathLoss] = [:]) {
        self.id = id
        self.position = position
        self.radios = radios
        self.pathLoss = pathLoss
    }

    public func pathLoss(for radio: Radio) -> PathLoss {
        pathLoss[radio] ?? PathLoss.defaultFor(radio)
    }
}
