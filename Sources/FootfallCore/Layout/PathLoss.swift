import Foundation

/// Log-distance path loss: rssi(d) = rssiAt1m − 10 · exponent · log10(d / 1 m).
public struct PathLoss: Hashable, Sendable, Codable {
    /// Expected RSSI at one metre, dBm.
    public var rssiAt1m: Double
    /// Path-loss exponent: 2 in free space, 1.6–3.5 indoors.
    public var exponent: Double

    public init(rssiAt1m: Double, exponent: Double) {
        self.rssiAt1m = rssiAt1m
        self.exponent = exponent
    }

    /// A typical phone advertising at 0 dBm heard by a ceiling receiver.
    public static let bleDefault = PathLoss(rssiAt1m: -59, exponent: 2.2)
    /// Probe requests are sent at higher power than BLE advertisements.
    public static let wifiDefault = PathLoss(rssiAt1m: -45, exponent: 2.5)

    public static func defaultFor(_ radio: Radio) -> PathLoss {
        radio == .ble ? bleDefault : wifiDefault
    }

    /// Expected RSSI at slant distance `d` metres (distances under 10 cm are taken as 10 cm).
    public func rssi(atDistance d: Double) -> Double {
        rssiAt1m - 10 * exponent * log10(max(d, 0.1))
    }

    /// Distance at which the expected RSSI equals `rssi`.
    public func distance(forRSSI rssi: Double) -> Double {
        pow(10, (rssiAt1m - rssi) / (10 * exponent))
    }
}
