import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few C calls Capture makes that SystemPackage does not wrap, each retrying EINTR and
/// turning failure into `Errno` (as swift-system's own Syscalls.swift does).
enum PosixIO {
    enum Readiness { case readable, hangUp, timedOut }

    static func valueOrErrno<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let error = Errno(rawValue: errno)
            if error != .interrupted { throw error }
        }
    }

    /// Waits until `fd` can be read, hangs up, or `milliseconds` pass.
    static func waitReadable(_ fd: SystemPackage.FileDescriptor, milliseconds: Int32) throws(Errno) -> Readiness {
        var descriptor = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
        let ready = try valueOrErrno { poll(&descriptor, 1, milliseconds) }
        if ready == 0 { return .timedOut }
        if descriptor.revents & Int16(POLLIN) != 0 { return .readable }
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .hangUp }
        return .timedOut
    }

    /// Puts a serial line in raw mode at `baud`, with or without RTS/CTS flow control.
    static func configureSerial(_ fd: SystemPackage.FileDescriptor, baud: Int, flowControl: Bool) throws(Errno) {
        var attributes = termios()
        _ = try valueOrErrno { tcgetattr(fd.rawValue, &attributes) }
        cfmakeraw(&attributes)
        let speed = try speedConstant(baud)
        _ = try valueOrErrno { cfsetispeed(&attributes, speed) }
        _ = try valueOrErrno { cfsetospeed(&attributes, speed) }
        attributes.c_cflag |= tcflag_t(CLOCAL | CREAD)
        if flowControl {
            attributes.c_cflag |= tcflag_t(CRTSCTS)
        } else {
            attributes.c_cflag &= ~tcflag_t(CRTSCTS)
        }
        _ = try valueOrErrno { tcsetattr(fd.rawValue, TCSANOW, &attributes) }
        _ = try valueOrErrno { tcflush(fd.rawValue, TCIOFLUSH) }
    }

    static let speeds: [Int: speed_t] = [
        9600: speed_t(B9600), 19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600),
        115200: speed_t(B115200), 230400: speed_t(B230400), 460800: speed_t(B460800), 500000: speed_t(B500000),
        921600: speed_t(B921600), 1000000: speed_t(B1000000), 1500000: speed_t(B1500000), 2000000: speed_t(B2000000),
        3000000: speed_t(B3000000),
    ]

    static func speedConstant(_ baud: Int) throws(Errno) -> speed_t {
        guard let speed = speeds[baud] else { throw Errno.invalidArgument }
        return speed
    }
}
