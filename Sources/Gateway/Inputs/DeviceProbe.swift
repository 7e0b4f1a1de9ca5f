import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A look at a live source's device without opening it for capture: whether the kernel has
/// Bluetooth sockets and the adapter is there, whether a serial controller's device node is
/// there and this user may open it, whether a network interface exists. Each says what is
/// wrong and what to do, or nil.
enum DeviceProbe {
    /// AF_BLUETOOTH and BTPROTO_HCI (linux/bluetooth.h), which Glibc does not name.
    static let bluetoothFamily: Int32 = 31
    static let hciProtocol: Int32 = 1

    static func bluetooth(adapter: String, classes: String = "/sys/class/bluetooth") -> String? {
        let fd = socket(bluetoothFamily, Int32(SOCK_RAW.rawValue), hciProtocol)
        if fd < 0 {
            let error = errno
            if error == EAFNOSUPPORT {
                return "this kernel has no Bluetooth sockets (errno \(error): the bluetooth module is not loaded, or a container is not given it); load it (modprobe bluetooth btusb) or use a serial controller (type: h4)"
            }
            return "a Bluetooth socket cannot be opened (\(String(cString: strerror(error)))); run as root or with CAP_NET_RAW (the Debian package's unit grants it)"
        }
        close(fd)
        guard FileManager.default.fileExists(atPath: "\(classes)/\(adapter)") else {
            let present = ((try? FileManager.default.contentsOfDirectory(atPath: classes)) ?? []).filter { $0.hasPrefix("hci") }.sorted()
            return "there is no adapter \(adapter) now (\(present.isEmpty ? "none" : present.joined(separator: ", ")) in \(classes)); the source tries again until it appears"
        }
        return nil
    }

    static func serial(_ path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else {
            return "\(path) is not there now (not plugged in, or another name: ls /dev/serial/by-id); the source tries again until it appears"
        }
        guard access(path, R_OK | W_OK) == 0 else {
            return "\(path) cannot be opened for reading and writing by this user (\(String(cString: strerror(errno)))); add the user to the device's group (usually dialout: sudo usermod -aG dialout footfall)"
        }
        return nil
    }

    static func interface(_ name: String, classes: String = "/sys/class/net") -> String? {
        guard FileManager.default.fileExists(atPath: "\(classes)/\(name)") else {
            let present = ((try? FileManager.default.contentsOfDirectory(atPath: classes)) ?? []).sorted()
            return "there is no network interface \(name) now (\(present.joined(separator: ", "))); the source tries again until it appears"
        }
        return nil
    }
}
