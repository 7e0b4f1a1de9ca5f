/// Why a Meraki Scanning API body was refused.
public enum MerakiError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The body is not JSON; the offset is the byte where reading stopped.
    case malformedJSON(offset: Int, message: String)
    /// The body's `secret` differs from the shared secret configured for the webhook (or is
    /// missing). Neither secret is repeated in the message.
    case secretMismatch
    case unsupportedVersion(String)
    case unsupportedType(String)
    /// A required field is missing or of the wrong kind; `path` is like `data.observations[3].clientMac`.
    case invalidField(path: String, message: String)

    public var description: String {
        switch self {
        case .malformedJSON(let offset, let message):
            return "Meraki body: byte \(offset): not JSON: \(message)"
        case .secretMismatch:
            return "Meraki body: the secret does not match the shared secret configured for this webhook; check the Scanning API settings in the Meraki dashboard"
        case .unsupportedVersion(let version):
            return "Meraki body: version \"\(version)\" is not supported (2.0 and 3.0 are)"
        case .unsupportedType(let type):
            return "Meraki body: type \"\(type)\" is not supported (WiFi, Bluetooth or BLE in 3.0; DevicesSeen, BluetoothDevicesSeen in 2.0)"
        case .invalidField(let path, let message):
            return "Meraki body: \(path): \(message)"
        }
    }
}
