import BLE
import SystemPackage

/// Why a Bluetooth capture source stopped, as one line a user can act on.
public enum BLECaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kernel has no AF_BLUETOOTH (EAFNOSUPPORT).
    case bluetoothUnsupported(adapter: String)
    /// EBUSY: another stack holds the adapter.
    case adapterBusy(adapter: String)
    /// The adapter does not exist (ENODEV) — unplugged, or never there.
    case adapterMissing(adapter: String)
    /// EPERM/EACCES on the raw socket.
    case permissionDenied(adapter: String)
    case adapterDown(adapter: String)
    case systemCall(String, device: String, Errno)
    /// No serial device at the path.
    case serialDeviceMissing(path: String)
    /// The controller went away (port closed, device unplugged).
    case controllerGone(device: String)
    case controller(ControllerError, device: String)
    case unsupportedBaudRate(Int)
    /// A capture file that does not parse.
    case badCapture(file: String, String)
    case badDeviceSpecification(String)

    public var description: String {
        switch self {
        case .bluetoothUnsupported(let adapter):
            "cannot open \(adapter): this kernel has no Bluetooth sockets (AF_BLUETOOTH: address family not supported); "
                + "use a serial HCI controller (a source of type h4, or scan --h4 /dev/ttyUSB0[@baud]), a snoop log (type btsnoop, or scan --btsnoop FILE) or a trace instead"
        case .adapterBusy(let adapter):
            "\(adapter) is busy: bluetoothd holds it; free it with 'sudo systemctl stop bluetooth' or 'sudo btmgmt --index \(adapter.dropFirst(3)) power off', then retry"
        case .adapterMissing(let adapter):
            "\(adapter) does not exist: check 'hciconfig -a' or 'btmgmt info' for the adapter's name, and that it is plugged in"
        case .permissionDenied(let adapter):
            "no permission to open \(adapter): it needs CAP_NET_RAW and CAP_NET_ADMIN: the packaged service has them (AmbientCapabilities in footfall.service; keep them in any drop-in), and a command run by hand needs sudo"
        case .adapterDown(let adapter):
            "\(adapter) is down: bring it up with 'sudo btmgmt --index \(adapter.dropFirst(3)) power on' or 'sudo hciconfig \(adapter) up'"
        case .systemCall(let call, let device, let errno):
            "\(call) on \(device) failed: \(errno)" + (
                errno == .noSuchFileOrDirectory ? "; check the path"
                : errno == .permissionDenied ? "; check its permissions (the user footfall runs as must be able to read it)" : "")
        case .serialDeviceMissing(let path):
            "no serial device at \(path): check the path (ls /dev/ttyUSB* /dev/ttyACM*) and that the controller is plugged in"
        case .controllerGone(let device):
            "the controller on \(device) went away (port closed or device unplugged)"
        case .controller(let error, let device):
            // An adapter BlueZ shares (hciN, not a serial device path) has other users.
            if case .commandRejected(let opcode, let status) = error, !device.hasPrefix("/") {
                "\(device): \(error)" + ControllerError.sharedControllerAdvice(opcode, status)
            } else {
                "\(device): \(error)"
            }
        case .badCapture(let file, let detail):
            "\(file) is not a readable btsnoop capture: \(detail)"
        case .unsupportedBaudRate(let baud):
            "baud rate \(baud) is not supported; use one of \(PosixIO.speeds.keys.sorted().map(String.init).joined(separator: ", "))"
        case .badDeviceSpecification(let text):
            "'\(text)' is not a serial device; write it as /dev/ttyUSB0 or /dev/ttyUSB0@115200"
        }
    }
}
