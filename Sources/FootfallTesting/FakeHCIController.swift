import BLE
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Bluetooth controller on a pseudo-terminal that speaks real H4/HCI: it answers each
/// command with Command Complete (or a rejection), and once scanning is enabled emits
/// advertising reports — legacy or extended, the way scanning was turned on. Capture's H4
/// source opens `devicePath` exactly as it would a USB-serial controller.
public final class FakeHCIController: @unchecked Sendable {
    public struct Advertiser: Sendable {
        public var address: BluetoothAddress
        public var addressType: AddressType
        public var data: [UInt8]
        public var rssi: Int8

        public init(address: BluetoothAddress, addressType: AddressType = .publicDevice, data: [UInt8], rssi: Int8) {
            self.address = address
            self.addressType = addressType
            self.data = data
            self.rssi = rssi
        }

        /// The oracle iBeacon of the horizon-74 capture, measured power −62 dBm.
        public static let ibeacon = Advertiser(
            address: BluetoothAddress("D0:0C:40:AA:BB:01")!, addressType: .randomDevice,
            data: [0x02, 0x01, 0x06, 0x1A, 0xFF, 0x4C, 0x00, 0x02, 0x15,
                   0x49, 0x4E, 0x54, 0x45, 0x4C, 0x4C, 0x49, 0x5F, 0x52, 0x4F, 0x43, 0x4B, 0x53, 0x5F, 0x48, 0x57,
                   0x50, 0x72, 0xF2, 0xFF, 0xC2],
            rssi: -60
        )
        /// A device with a public address and a name.
        public static let phone = Advertiser(
            address: BluetoothAddress("00:1A:7D:DA:71:13")!, data: [0x02, 0x01, 0x06, 0x05, 0x09, 0x50, 0x68, 0x6F, 0x6E], rssi: -75
        )
    }

    public struct Behaviour: Sendable {
        /// Answer this command with this error status instead of success.
        public var rejecting: (opcode: HCIOpcode, status: HCIStatus)?
        /// Reject through Command Status rather than Command Complete.
        public var rejectWithCommandStatus = false
        /// Write bytes that are not a packet before every packet.
        public var garbageBetweenPackets = false
        /// Close the port after this many advertising reports: the controller goes away.
        public var goAwayAfterReports: Int?
        /// Advertise the LE Extended Advertising feature and the extended scan commands.
        public var supportsExtendedScanning = false
        /// Extended reports get reserved event-type bits set, as some real controllers do.
        public var setReservedEventTypeBits = true
        /// Send a Hardware Error event instead of answering this command.
        public var hardwareErrorOn: HCIOpcode?
        /// Send a Hardware Error event after this many reports (once) and stop scanning until
        /// the host resets and re-enables it.
        public var hardwareErrorAfterReports: Int?
        /// With `hardwareErrorAfterReports`: answer the host's next Reset after that error with
        /// another Hardware Error (once): a controller that fails again while being set up anew.
        public var hardwareErrorOnTheResetAfter = false
        /// Once scanning, answer no command and keep scanning: a controller whose reports flow
        /// while a command goes unanswered.
        public var ignoreCommandsWhileScanning = false
        public var advertisers: [Advertiser] = [.ibeacon, .phone]
        /// Time between advertising reports.
        public var reportInterval: Duration = .milliseconds(2)

        public init() {}
    }

    /// What a test can pass to the source as the serial device.
    public let devicePath: String
    public let behaviour: Behaviour
    /// BD_ADDR the fake reports.
    public let address = BluetoothAddress("00:11:22:33:44:55")!

    /// The garbage written between packets: a plausible LE Meta header whose report count
    /// cannot fit, then type bytes a host does not accept.
    public static let garbage: [UInt8] = [0x00, 0xFF, 0x17, 0x04, 0x3E, 0x05, 0x02, 0x09, 0x99]

    private let master: Int32
    private var slaveHolder: Int32
    private let lock = NSLock()
    private var _commands: [HCICommand] = []
    private var _reportsSent = 0
    private var stopped = false
    /// A Hardware Error is owed to the next Reset (`hardwareErrorOnTheResetAfter`).
    private var resetErrorArmed = false
    private var _waitingForTheHost = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    public init(behaviour: Behaviour = Behaviour()) throws {
        self.behaviour = behaviour
        let pty = try PseudoTerminal.functions()
        let master = pty.openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, pty.grantpt(master) == 0, pty.unlockpt(master) == 0 else {
            throw FakeControllerError("cannot open a pseudo-terminal: errno \(errno)")
        }
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        var name = [CChar](repeating: 0, count: 128)
        guard pty.ptsname_r(master, &name, name.count) == 0 else { throw FakeControllerError("ptsname_r failed: errno \(errno)") }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Hold the slave open in raw mode so the line discipline never echoes or edits bytes.
        let slave = open(path, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw FakeControllerError("cannot open \(path): errno \(errno)") }
        var attributes = termios()
        tcgetattr(slave, &attributes)
        cfmakeraw(&attributes)
        tcsetattr(slave, TCSANOW, &attributes)
        self.master = master
        self.slaveHolder = slave
        self.devicePath = path
        let thread = Thread { [self] in self.serve() }
        thread.name = "FakeHCIController"
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    /// Commands received so far, in order.
    public var commands: [HCICommand] { lock.withLock { _commands } }
    public var reportsSent: Int { lock.withLock { _reportsSent } }
    /// Whether the terminal's queue is full and the fake is waiting for the host to read.
    public var isWaitingForTheHost: Bool { lock.withLock { _waitingForTheHost } }

    /// Waits (at most five minutes: a starved reader takes a while) until the terminal's input
    /// queue — what the host has not read yet — is empty. Nothing tells the master that the host
    /// has read, so the queue is looked at every few milliseconds, as `waitUntil` does.
    private func waitUntilDrained() {
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            // Bytes written to the master reach the slave's input queue through the kernel's
            // flip buffer, pushed by a worker thread that a loaded machine runs late; FIONREAD
            // does not count them, and closing the master discards them. Polling the slave
            // pushes them first (n_tty_poll flushes the flip buffer when it finds no input).
            var descriptor = pollfd(fd: slaveHolder, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 0)
            var unread: Int32 = 0
            guard ioctl(slaveHolder, UInt(FIONREAD), &unread) == 0, unread > 0 else { return }
            usleep(5_000)  // the interval between looks, as `waitUntil`'s
        }
        // Bytes the host has read are its own: it decodes every packet of a read before it
        // reads again, and sees the port closed only then, so nothing more is waited for.
    }

    /// Stops serving and closes the port (the controller goes away). Waits for the serving
    /// thread: it alone closes the descriptors, so a descriptor number it still polls can never
    /// be reused by the next test's port while it runs.
    public func stop() {
        let wait = lock.withLock { () -> Bool in
            let first = !stopped
            stopped = true
            return first
        }
        if wait, Thread.current !== thread { finished.wait() }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func serve() {
        defer {
            lock.withLock {
                close(master)
                close(slaveHolder)
                slaveHolder = -1
            }
            finished.signal()
        }
        var decoder = H4FrameDecoder(accepting: [.command])
        var scanning: LEAdvertisingReport.Kind?
        var next = 0
        var buffer = [UInt8](repeating: 0, count: 1024)
        let intervalMs = Int32(max(1, behaviour.reportInterval.components.attoseconds / 1_000_000_000_000_000))
        while !isStopped {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, scanning == nil ? 20 : intervalMs)
            if ready > 0 && descriptor.revents & Int16(POLLIN) != 0 {
                let count = read(master, &buffer, buffer.count)
                if count > 0 {
                    decoder.feed(buffer[0..<count])
                    while let packet = decoder.next() {
                        guard let command = try? HCICommand.decode(packet.packet) else { continue }
                        lock.withLock { _commands.append(command) }
                        if behaviour.ignoreCommandsWhileScanning, scanning != nil { continue }
                        if let mode = answer(command) { scanning = mode == .directed ? nil : mode }
                    }
                }
            } else if ready > 0 && descriptor.revents & Int16(POLLHUP) != 0 {
                // No reader on the other side yet, or it closed: wait for it.
                usleep(5_000)
            }
            if let kind = scanning, !isStopped {
                let advertiser = behaviour.advertisers[next % behaviour.advertisers.count]
                next += 1
                send(event: Self.report(advertiser, kind: kind, reservedBits: behaviour.setReservedEventTypeBits))
                let sent = lock.withLock { _reportsSent += 1; return _reportsSent }
                if let limit = behaviour.hardwareErrorAfterReports, sent == limit {
                    resetErrorArmed = behaviour.hardwareErrorOnTheResetAfter
                    send(event: [0x10, 0x01, 0x42])
                    scanning = nil
                }
                if let limit = behaviour.goAwayAfterReports, sent >= limit {
                    // Closing the master discards what the reader has not read yet: wait until
                    // the reader has taken every byte (however loaded the machine), so the test
                    // knows exactly what was delivered.
                    waitUntilDrained()
                    lock.withLock { stopped = true }
                }
            }
        }
    }

    /// Answers a command; returns the scan kind when it changed scanning (`.directed` = off).
    private func answer(_ command: HCICommand) -> LEAdvertisingReport.Kind? {
        if command.opcode == .reset, resetErrorArmed {
            resetErrorArmed = false
            send(event: [0x10, 0x01, 0x43])
            return nil
        }
        if command.opcode == behaviour.hardwareErrorOn {
            send(event: [0x10, 0x01, 0x42])
            return nil
        }
        if let rejection = behaviour.rejecting, rejection.opcode == command.opcode {
            if behaviour.rejectWithCommandStatus {
                send(event: [0x0F, 0x04, rejection.status.rawValue, 0x01] + Self.le(command.opcode.rawValue))
            } else {
                complete(command.opcode, [rejection.status.rawValue])
            }
            return nil
        }
        let extended = behaviour.supportsExtendedScanning
        switch command.opcode {
        case .reset:
            complete(command.opcode, [0])
            return .directed
        case .readLocalVersionInformation:
            complete(command.opcode, LocalVersionInformation(hciVersion: extended ? 0x09 : 0x06, hciRevision: 1, lmpVersion: 0x09, manufacturer: 0x0002, lmpSubversion: 0x0100).returnParameters)
        case .readBDADDR:
            complete(command.opcode, [0] + address.littleEndianBytes)
        case .readLocalSupportedCommands:
            var octets = [UInt8](repeating: 0xFF, count: 64)
            octets[37] = extended ? 0xFF : 0x00
            complete(command.opcode, [0] + octets)
        case .leReadLocalSupportedFeatures:
            complete(command.opcode, [0] + Self.le(UInt64(extended ? 0x1FFF : 0x0FFF)))
        case .leSetScanEnable, .leSetExtendedScanEnable:
            complete(command.opcode, [0])
            guard command.parameters.first == 1 else { return .directed }
            return command.opcode == .leSetExtendedScanEnable ? .extended : .legacy
        default:
            complete(command.opcode, [0])
        }
        return nil
    }

    private func complete(_ opcode: HCIOpcode, _ returnParameters: [UInt8]) {
        send(event: [0x0E, UInt8(3 + returnParameters.count), 0x01] + Self.le(opcode.rawValue) + returnParameters)
    }

    /// Writes one event. The master does not block: a host that stopped reading while the
    /// fake scans (killed, or gone without turning scanning off) fills the terminal's queue,
    /// and a blocking write would then wait forever, with `stop()` waiting for it. So a full
    /// queue is waited on a few milliseconds at a time, and not past `stop()`.
    private func send(event: [UInt8]) {
        var bytes = behaviour.garbageBetweenPackets ? Self.garbage : []
        bytes += [H4PacketType.event.rawValue] + event
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written >= 0 {
                offset += written
            } else if errno == EAGAIN {
                let stopping = lock.withLock { () -> Bool in
                    _waitingForTheHost = true
                    return stopped
                }
                if stopping { break }
                var descriptor = pollfd(fd: master, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 20)
            } else if errno != EINTR {
                break
            }
        }
        lock.withLock { _waitingForTheHost = false }
    }

    static func report(_ advertiser: Advertiser, kind: LEAdvertisingReport.Kind, reservedBits: Bool) -> [UInt8] {
        var parameters: [UInt8]
        if kind == .extended {
            // Legacy ADV_IND as an extended report (0x0013), reserved bits 7–15 set if asked.
            let eventType: UInt16 = 0x0013 | (reservedBits ? 0xFF80 : 0)
            parameters = [0x0D, 0x01] + le(eventType) + [advertiser.addressType.rawValue] + advertiser.address.littleEndianBytes
                + [0x01, 0x00, 0xFF, 0x7F, UInt8(bitPattern: advertiser.rssi), 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0]
                + [UInt8(advertiser.data.count)] + advertiser.data
        } else {
            parameters = [0x02, 0x01, 0x00, advertiser.addressType.rawValue] + advertiser.address.littleEndianBytes
                + [UInt8(advertiser.data.count)] + advertiser.data + [UInt8(bitPattern: advertiser.rssi)]
        }
        return [0x3E, UInt8(parameters.count)] + parameters
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}

/// posix_openpt and friends: Glibc declares them only under _XOPEN_SOURCE, which Swift's Glibc
/// module does not define, so they are looked up by name in the C library.
enum PseudoTerminal {
    typealias OpenPT = @convention(c) (Int32) -> Int32
    typealias GrantPT = @convention(c) (Int32) -> Int32
    typealias PTSName = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32

    struct Functions {
        let openpt: OpenPT
        let grantpt: GrantPT
        let unlockpt: GrantPT
        let ptsname_r: PTSName
    }

    static func functions() throws -> Functions {
        guard let handle = dlopen(nil, RTLD_NOW) else { throw FakeControllerError("dlopen failed") }
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else { throw FakeControllerError("\(name) not found in the C library") }
            return unsafeBitCast(pointer, to: type)
        }
        return Functions(
            openpt: try symbol("posix_openpt", as: OpenPT.self),
            grantpt: try symbol("grantpt", as: GrantPT.self),
            unlockpt: try symbol("unlockpt", as: GrantPT.self),
            ptsname_r: try symbol("ptsname_r", as: PTSName.self)
        )
    }
}

public struct FakeControllerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
