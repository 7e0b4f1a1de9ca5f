import FootfallCore

/// A trace none of whose readings comes from a sensor of the store file.
public struct NoSensorOfTheStore: Error, CustomStringConvertible {
    public var trace: String
    public var store: StoreConfiguration
    public var unknown: [Replay.UnknownSensor]

    public var description: String {
        "\(trace): none of its sensors is in \(store.file): \(Replay.UnknownSensor.list(unknown, file: trace)); "
            + "the store's sensors are \(store.layout.sensors.map(\.id.rawValue).joined(separator: ", ")); "
            + "fix the trace's sensor column, or replay it with the store it was recorded in"
    }
}
