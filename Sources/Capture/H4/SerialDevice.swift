/// A serial HCI controller: its device path, baud rate and flow control, written on the
/// command line as `/dev/ttyUSB0` or `/dev/ttyUSB0@921600`.
public struct SerialDevice: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var baudRate: Int
    /// RTS/CTS hardware flow control; H4 at high rates needs it.
    public var flowControl: Bool

    /// Most UART controllers start at 115200 baud.
    public static let defaultBaudRate = 115_200

    public init(path: String, baudRate: Int = SerialDevice.defaultBaudRate, flowControl: Bool = true) {
        self.path = path
        self.baudRate = baudRate
        self.flowControl = flowControl
    }

    /// Parses `/dev/ttyUSB0` or `/dev/ttyUSB0@921600`. (A static function rather than an
    /// initializer: typed throws from a delegating initializer miscompile in Swift 6.3.)
    public static func parse(_ text: String, flowControl: Bool = true) throws(BLECaptureError) -> SerialDevice {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard let path = parts.first, !path.isEmpty, parts.count <= 2 else { throw .badDeviceSpecification(text) }
        var baud = Self.defaultBaudRate
        if parts.count == 2 {
            guard let value = Int(parts[1]) else { throw .badDeviceSpecification(text) }
            baud = value
        }
        guard PosixIO.speeds[baud] != nil else { throw .unsupportedBaudRate(baud) }
        return SerialDevice(path: String(path), baudRate: baud, flowControl: flowControl)
    }

    public var description: String { "\(path)@\(baudRate)" }
}
