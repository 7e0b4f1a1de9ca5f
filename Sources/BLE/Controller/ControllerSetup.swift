import NIOCore

/// Brings a controller from power-on to passive scanning, one command at a time, as a value
/// type: feed it events, perform the actions it returns (swift-nio's state-machine style).
///
/// Order: Reset (when we own the controller), Set Event Mask, LE Set Event Mask, Read Local
/// Version Information, Read BD_ADDR, Read Local Supported Commands, LE Read Local Supported
/// Features, then extended scanning when both the feature and the commands are there, legacy
/// otherwise: scan parameters, scan enable with duplicate filtering off so every
/// advertisement's RSSI arrives.
public struct ControllerSetup: Sendable {
    public struct Options: Sendable, Hashable {
        /// Send Reset and the event masks first. False for an adapter another stack (bluetoothd)
        /// has configured: only what scanning needs is changed, and undone on exit.
        public var ownsController: Bool
        /// Scan interval and window, units of 0.625 ms. Equal values: listen all the time.
        public var scanInterval: UInt16
        public var scanWindow: UInt16
        /// Use extended scanning when the controller supports it.
        public var preferExtendedScanning: Bool

        public init(ownsController: Bool = true, scanInterval: UInt16 = 0x0060, scanWindow: UInt16 = 0x0060, preferExtendedScanning: Bool = true) {
            self.ownsController = ownsController
            self.scanInterval = scanInterval
            self.scanWindow = scanWindow
            self.preferExtendedScanning = preferExtendedScanning
        }
    }

    /// What the controller told us during setup.
    public struct ControllerInfo: Sendable, Hashable {
        public var version: LocalVersionInformation?
        public var address: BluetoothAddress?
        public var supportedCommands: SupportedCommands?
        public var features: LEFeatures?
        public var usesExtendedScanning = false
    }

    public enum Action: Sendable, Hashable {
        case send(HCICommand)
        /// Scanning has started.
        case scanning(ControllerInfo)
        case fail(ControllerError)
        /// Nothing to do (an event not for us).
        case wait
    }

    public let options: Options
    public private(set) var info = ControllerInfo()
    private var queue: [HCICommand]
    private var pending: HCICommand?
    private var finished = false

    public init(options: Options = Options()) {
        self.options = options
        var queue: [HCICommand] = []
        if options.ownsController {
            queue += [.reset, .setEventMask(), .leSetEventMask()]
        }
        queue += [.readLocalVersionInformation, .readBDADDR, .readLocalSupportedCommands, .leReadLocalSupportedFeatures]
        self.queue = queue
    }

    /// The command in flight, for timeouts.
    public var pendingCommand: HCICommand? { pending }

    public mutating func start() -> Action { sendNext() }

    public mutating func receive(_ event: HCIEvent) -> Action {
        guard !finished else { return .wait }
        switch event {
        case .hardwareError(let code):
            finished = true
            return .fail(.hardwareError(code: code))
        case .commandStatus(let status):
            guard let pending, status.opcode == pending.opcode else { return .wait }
            if !status.status.isSuccess { return rejected(pending, status.status) }
            return sendNext()
        case .commandComplete(let complete):
            guard let pending, complete.opcode == pending.opcode else { return .wait }
            if let status = complete.status, !status.isSuccess { return rejected(pending, status) }
            do throws(HCIDecodingError) {
                try record(complete)
            } catch {
                finished = true
                return .fail(.malformedResponse(pending.opcode, error.description))
            }
            return sendNext()
        case .leMeta, .unknown:
            return .wait
        }
    }

    /// A controller that claims extended scanning but refuses its commands is scanned the
    /// legacy way; any other refusal ends the setup.
    private mutating func rejected(_ command: HCICommand, _ status: HCIStatus) -> Action {
        let extendedCommands: Set<HCIOpcode> = [.leSetExtendedScanParameters, .leSetExtendedScanEnable]
        let notSupported: Set<UInt8> = [HCIStatus.unknownCommand.rawValue, HCIStatus.unsupportedFeature.rawValue, HCIStatus.invalidParameters.rawValue]
        if extendedCommands.contains(command.opcode), notSupported.contains(status.rawValue), info.usesExtendedScanning {
            info.usesExtendedScanning = false
            fellBackToLegacy = (command.opcode, status)
            queue = [
                .leSetScanParameters(interval: options.scanInterval, window: options.scanWindow),
                .leSetScanEnable(true, filterDuplicates: false),
            ]
            return sendNext()
        }
        finished = true
        return .fail(.commandRejected(command.opcode, status))
    }

    /// Set when extended scanning was refused and legacy scanning used instead, for the log.
    public private(set) var fellBackToLegacy: (HCIOpcode, HCIStatus)?

    private mutating func record(_ complete: CommandComplete) throws(HCIDecodingError) {
        let parameters = complete.returnParameters
        switch complete.opcode {
        case .readLocalVersionInformation:
            info.version = try LocalVersionInformation(returnParameters: parameters)
        case .readBDADDR:
            var reader = PacketReader(parameters, base: 5, context: "Read BD_ADDR")
            _ = try reader.u8("Status")
            info.address = try reader.address("BD_ADDR")
        case .readLocalSupportedCommands:
            info.supportedCommands = try SupportedCommands(returnParameters: parameters)
        case .leReadLocalSupportedFeatures:
            info.features = try LEFeatures(returnParameters: parameters)
            queueScanning()
        default:
            break
        }
    }

    private mutating func queueScanning() {
        let extended = options.preferExtendedScanning
            && (info.features?.extendedAdvertising ?? false)
            && (info.supportedCommands?.supportsExtendedScanning ?? false)
        info.usesExtendedScanning = extended
        if extended {
            queue += [
                .leSetExtendedScanParameters(interval: options.scanInterval, window: options.scanWindow),
                .leSetExtendedScanEnable(true, filterDuplicates: false),
            ]
        } else {
            queue += [
                .leSetScanParameters(interval: options.scanInterval, window: options.scanWindow),
                .leSetScanEnable(true, filterDuplicates: false),
            ]
        }
    }

    private mutating func sendNext() -> Action {
        guard !queue.isEmpty else {
            pending = nil
            finished = true
            return .scanning(info)
        }
        let command = queue.removeFirst()
        pending = command
        return .send(command)
    }

    /// What puts the controller back: scanning off, the way it was turned on.
    public var teardownCommands: [HCICommand] {
        info.usesExtendedScanning ? [.leSetExtendedScanEnable(false)] : [.leSetScanEnable(false)]
    }
}

/// Why a controller could not be brought up.
public enum ControllerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What to do about a refusal by a controller this process shares (a BlueZ adapter), where
    /// the usual cause is known: scanning refused as disallowed is another program scanning the
    /// same adapter (bluetoothd's discovery). A serial controller it owns has just been reset.
    public static func sharedControllerAdvice(_ opcode: HCIOpcode, _ status: HCIStatus) -> String {
        guard status == .commandDisallowed,
              opcode == .leSetScanEnable || opcode == .leSetExtendedScanEnable || opcode == .leSetScanParameters || opcode == .leSetExtendedScanParameters
        else { return "" }
        return "; another program is scanning with this controller (bluetoothd's discovery: 'bluetoothctl scan off', or stop bluetooth) — stop it, then retry"
    }

    case commandRejected(HCIOpcode, HCIStatus)
    case hardwareError(code: UInt8)
    case malformedResponse(HCIOpcode, String)
    case noResponse(HCIOpcode, seconds: Double)

    public var description: String {
        switch self {
        case .commandRejected(let opcode, let status):
            "the controller rejected \(opcode): \(status)"
        case .hardwareError(let code):
            "the controller reported a hardware error (code 0x\(String(code, radix: 16))); it needs a reset or a power cycle"
        case .malformedResponse(let opcode, let detail):
            "the controller's answer to \(opcode) does not decode: \(detail)"
        case .noResponse(let opcode, let seconds):
            "the controller did not answer \(opcode) within \(seconds) s; check the port, baud rate and flow control"
        }
    }
}
