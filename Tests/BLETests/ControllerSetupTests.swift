import BLE
import NIOCore
import Testing

/// The setup state machine, driven by hand-written controller answers.
@Suite struct ControllerSetupTests {
    static func complete(_ opcode: HCIOpcode, _ returnParameters: [UInt8] = [0]) -> HCIEvent {
        .commandComplete(CommandComplete(numHCICommandPackets: 1, opcode: opcode, returnParameters: ByteBuffer(bytes: returnParameters)))
    }

    /// Answers every command successfully as a controller with or without extended advertising.
    static func answer(_ command: HCICommand, extended: Bool) -> HCIEvent {
        switch command.opcode {
        case .readLocalVersionInformation:
            return complete(command.opcode, LocalVersionInformation(hciVersion: 9, hciRevision: 0, lmpVersion: 9, manufacturer: 2, lmpSubversion: 0).returnParameters)
        case .readBDADDR: return complete(command.opcode, [0, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00])
        case .readLocalSupportedCommands: return complete(command.opcode, [0] + [UInt8](repeating: extended ? 0xFF : 0, count: 64))
        case .leReadLocalSupportedFeatures: return complete(command.opcode, [0, 0, extended ? 0x10 : 0, 0, 0, 0, 0, 0, 0])
        default: return complete(command.opcode)
        }
    }

    static func run(_ setup: inout ControllerSetup, extended: Bool, override: (HCICommand) -> HCIEvent? = { _ in nil }) -> ([HCIOpcode], ControllerSetup.Action) {
        var sent: [HCIOpcode] = []
        var action = setup.start()
        while case .send(let command) = action {
            sent.append(command.opcode)
            action = setup.receive(override(command) ?? answer(command, extended: extended))
        }
        return (sent, action)
    }

    @Test func aControllerWeOwnIsResetMaskedQueriedAndScannedLegacyWithoutExtendedSupport() {
        var setup = ControllerSetup()
        let (sent, action) = Self.run(&setup, extended: false)
        #expect(sent == [.reset, .setEventMask, .leSetEventMask, .readLocalVersionInformation, .readBDADDR,
                         .readLocalSupportedCommands, .leReadLocalSupportedFeatures, .leSetScanParameters, .leSetScanEnable])
        guard case .scanning(let info) = action else { Issue.record("not scanning: \(action)"); return }
        #expect(info.address?.description == "00:11:22:33:44:55")
        #expect(!info.usesExtendedScanning)
        #expect(setup.teardownCommands == [.leSetScanEnable(false)])
    }

    @Test func anAdapterAnotherStackOwnsIsNotResetAndScansExtendedWhenSupported() {
        var setup = ControllerSetup(options: .init(ownsController: false))
        let (sent, action) = Self.run(&setup, extended: true)
        #expect(sent.first == .readLocalVersionInformation)
        #expect(sent.suffix(2) == [.leSetExtendedScanParameters, .leSetExtendedScanEnable])
        guard case .scanning(let info) = action else { Issue.record("not scanning"); return }
        #expect(info.usesExtendedScanning)
    }

    @Test func extendedScanningRefusedAsUnknownFallsBackToLegacy() {
        var setup = ControllerSetup()
        let (sent, action) = Self.run(&setup, extended: true) { command in
            command.opcode == .leSetExtendedScanParameters ? Self.complete(command.opcode, [HCIStatus.unknownCommand.rawValue]) : nil
        }
        #expect(sent.suffix(3) == [.leSetExtendedScanParameters, .leSetScanParameters, .leSetScanEnable])
        guard case .scanning(let info) = action else { Issue.record("not scanning"); return }
        #expect(!info.usesExtendedScanning)
        #expect(setup.fellBackToLegacy?.0 == .leSetExtendedScanParameters)
    }

    @Test func anyOtherRefusalFailsNamingTheCommandAndStatus() {
        var setup = ControllerSetup()
        let (_, action) = Self.run(&setup, extended: false) { command in
            command.opcode == .leSetScanEnable ? .commandStatus(CommandStatus(status: .commandDisallowed, numHCICommandPackets: 1, opcode: command.opcode)) : nil
        }
        #expect(action == .fail(.commandRejected(.leSetScanEnable, .commandDisallowed)))
        #expect(ControllerError.commandRejected(.leSetScanEnable, .commandDisallowed).description
                == "the controller rejected LE Set Scan Enable (0x200c): Command Disallowed (0x0c)")
    }

    @Test func eventsForOtherCommandsAndAdvertisingReportsAreIgnoredDuringSetup() {
        var setup = ControllerSetup()
        guard case .send(let reset) = setup.start() else { Issue.record("no command"); return }
        #expect(setup.receive(Self.complete(.readBDADDR)) == .wait)
        #expect(setup.receive(.leMeta(.advertisingReports([]))) == .wait)
        #expect(setup.receive(Self.complete(reset.opcode)) == .send(.setEventMask()))
    }
}
