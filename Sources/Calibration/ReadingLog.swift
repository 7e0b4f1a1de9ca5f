import FootfallCore

/// Every reading of every device, kept compactly per device in time order, so the baselines of
/// the accuracy benchmark can look back over any window before a truth sample. A simulated
/// store yields millions of readings: an `Observation` each would cost ten times the memory.
public struct ReadingLog: Sendable {
    /// One device's readings, ascending in time.
    public struct DeviceReadings: Sendable {
        public internal(set) var times: [Double] = []
        /// Index of the sensor in the log's `sensors`.
        public internal(set) var sensors: [Int32] = []
        public internal(set) var rssi: [Double] = []
    }

    public let sensors: [SensorID]
    private let index: [SensorID: Int32]
    public private(set) var devices: [DeviceID: DeviceReadings] = [:]

    public init(sensors: [SensorID]) {
        self.sensors = sensors
        index = Dictionary(sensors.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Keeps a reading of a known sensor; others are dropped, as the pipeline drops them.
    public mutating func add(_ observation: Observation) {
        guard let sensor = index[observation.sensor], observation.time.isFinite else { return }
        devices[observation.device, default: .init()].append(observation.time, sensor, observation.rssi)
    }

    /// The readings of `device`, in time order.
    public func readings(of device: DeviceID) -> DeviceReadings? { devices[device] }
}

extension ReadingLog.DeviceReadings {
    /// Appends in time order; a reading older than the last (rare: recordings come in time
    /// order) is inserted after the readings of its own moment, so they keep their order.
    mutating func append(_ time: Double, _ sensor: Int32, _ rssi: Double) {
        guard let last = times.last, time < last else {
            times.append(time)
            sensors.append(sensor)
            self.rssi.append(rssi)
            return
        }
        let index = times.firstIndex { $0 > time } ?? times.count
        times.insert(time, at: index)
        sensors.insert(sensor, at: index)
        self.rssi.insert(rssi, at: index)
    }
}
