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

    /// The times an observation may carry: seconds from 1970 (or from a trace's start) up to
    /// the year 2286. Beyond them a time is a unit mistake (milliseconds, nanoseconds) or
    /// garbage, and a clock run on from it would step by less than its own precision.
    public static let plausibleTimes: ClosedRange<Double> = 0 ... 9_999_999_999

    /// The RSSI a radio reports, dBm: Bluetooth's HCI gives −127 to +20, a radiotap header
    /// down to −128. Outside it a value is a unit mistake (mW, a percentage, SNR), a swapped
    /// column or garbage, and the radio model would take it as a device beside a sensor or
    /// kilometres away.
    public static let plausibleRSSI: ClosedRange<Double> = -128 ... 20

    /// Why `rssi` cannot be an observation's RSSI, with what to send instead; nil when it can.
    public static func rssiProblem(_ rssi: Double) -> String? {
        guard rssi.isFinite else { return "\(rssi) is not an RSSI; give dBm between -128 and 20, like -67" }
        guard plausibleRSSI.contains(rssi) else {
            return "\(DelimitedField.number(rssi)) is not an RSSI a radio reports; give dBm between -128 and 20, like -67"
        }
        return nil
    }

    /// Why `txPower` cannot be an advertised transmit power: a beacon's measured power at 1 m
    /// or the TX Power Level of an advertisement, each a signed byte of dBm (Core Specification
    /// Supplement, 1.5: −127 to +127); nil when it can.
    public static func txPowerProblem(_ txPower: Int) -> String? {
        guard (-128...127).contains(txPower) else {
            return "\(txPower) is not a transmit power a radio advertises; give dBm between -128 and 127, like -59"
        }
        return nil
    }

    /// Why `time` cannot be an observation's time, with what to send instead; nil when it can.
    public static func timeProblem(_ time: Double) -> String? {
        guard time.isFinite else { return "is not a time; send seconds since 1970 (UTC)" }
        guard time >= plausibleTimes.lowerBound else {
            return "\(time) is before 1970; send seconds since 1970 (UTC), or from the recording's start"
        }
        guard plausibleTimes.contains(time) else {
            return "\(time) is not a time in seconds since 1970 (UTC) before the year 2286; send seconds, not milliseconds"
        }
        return nil
    }
}
