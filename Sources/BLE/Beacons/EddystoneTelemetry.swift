import FootfallCore
import NIOCore

/// Eddystone-TLM (unencrypted, version 0): battery, temperature, counters.
public struct EddystoneTelemetry: Sendable, Hashable {
    public var version: UInt8
    /// 0 when the beacon does not measure it.
    public var batteryMillivolts: UInt16
    /// Signed 8.8 fixed point degrees Celsius; 0x8000 when not measured.
    public var temperatureRaw: UInt16
    public var advertisementCount: UInt32
    /// Time since power-on, in 0.1 s.
    public var deciseconds: UInt32

    public var temperatureCelsius: Double? {
        temperatureRaw == 0x8000 ? nil : Double(Int16(bitPattern: temperatureRaw)) / 256
    }
}
