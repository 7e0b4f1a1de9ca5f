import BLE
import Capture
import FootfallCore
import FootfallTesting
import Logging
import MetricsTestKit
import Synchronization
import Testing

/// The H4 source against a fake controller on a pseudo-terminal: the whole command/event
/// exchange, real bytes both ways.
@Suite(.serialized) struct H4SerialSourceTests {
    static let logger = Logger(label: "test.h4")
    static let beacon: DeviceID = "ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20594:62207"
    static let phone: DeviceID = "ble:00:1a:7d:da:71:13"

    func source(_ fake: FakeHCIController, _ collector: ObservationCollector, metrics: TestMetrics = TestMetrics()) -> H4SerialSource {
        var source = H4SerialSource(
            device: SerialDevice(path: fake.devicePath, baudRate: 115_200, flowControl: true),
            sensor: "gw-1", logger: Self.logger, timing: Timing(now: { 1_700_000_000 }), onObservation: collector.handler
        )
        source.metrics = BLECaptureMetrics(source: "h4", factory: metrics)
        return source
    }

    @Test func aLegacyControllerIsInitialisedScannedAndPutBack() async throws {
        let fake = try FakeHCIController()
        defer { fake.stop() }
        let collector = ObservationCollector()
        let source = source(fake, collector)
        let task = Task { try await source.run() }
        #expect(await waitUntil { collector.count >= 20 })
        task.cancel()
        try await task.value
        // The source waits half a second for the answer to "scanning off" and then closes the
        // port anyway; a starved fake reads the command later, so wait until it has (at most
        // `waitUntil`'s five minutes) rather than read its list now.
        try #require(await waitUntil { fake.commands.count >= 10 })
        #expect(fake.commands.map(\.opcode) == [
            .reset, .setEventMask, .leSetEventMask, .readLocalVersionInformation, .readBDADDR,
            .readLocalSupportedCommands, .leReadLocalSupportedFeatures, .leSetScanParameters, .leSetScanEnable,
            .leSetScanEnable,
        ])
        // Passive scanning with duplicate filtering off, and off again on the way out.
        #expect(fake.commands[7].parameters.first == 0)
        #expect(fake.commands[8].parameters == [1, 0])
        #expect(fake.commands[9].parameters == [0, 0])
        let observations = collector.observations
        #expect(observations.count >= 20)
        let beacon = try #require(observations.first { $0.device == Self.beacon })
        #expect(beacon.txPower == -62 && beacon.rssi == -60 && beacon.sensor == "gw-1" && beacon.time == 1_700_000_000)
        #expect(observations.contains { $0.device == Self.phone && $0.rssi == -75 })
    }

    /// A controller that keeps reporting but never answers "scanning off": the wait for the
    /// answer is half a second by the clock, not half a second of silence, which never came
    /// (audit: a stop waited until systemd's SIGKILL).
    @Test func aStopEndsWhileTheControllerReportsAndLeavesTheCommandUnanswered() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.ignoreCommandsWhileScanning = true
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let collector = ObservationCollector()
        let source = source(fake, collector)
        let ended = Mutex(false)
        let task = Task {
            defer { ended.withLock { $0 = true } }
            try await source.run()
        }
        #expect(await waitUntil { collector.count >= 20 })
        task.cancel()
        #expect(await waitUntil(timeout: .seconds(120)) { ended.withLock { $0 } }, "the source never ended")
        #expect(try await waitUntil { fake.commands.last?.opcode == .leSetScanEnable && fake.commands.last?.parameters == [0, 0] })
    }

    @Test func aControllerWithExtendedAdvertisingIsScannedWithExtendedCommandsDespiteReservedBits() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.supportsExtendedScanning = true
        behaviour.setReservedEventTypeBits = true
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let collector = ObservationCollector()
        let task = Task { try await source(fake, collector).run() }
        await collector.wait(for: 10)
        task.cancel()
        try await task.value
        // "Scanning off" may reach a starved fake after the source has closed the port.
        try #require(await waitUntil { fake.commands.last?.opcode == .leSetExtendedScanEnable && fake.commands.last?.parameters.first == 0 })
        let opcodes = fake.commands.map(\.opcode)
        #expect(opcodes.contains(.leSetExtendedScanParameters) && opcodes.contains(.leSetExtendedScanEnable))
        #expect(!opcodes.contains(.leSetScanEnable))
        #expect(opcodes.last == .leSetExtendedScanEnable && fake.commands.last?.parameters.first == 0)
        #expect(collector.count >= 10)
        #expect(collector.observations.contains { $0.device == Self.beacon })
    }

    @Test func aRejectedCommandStopsTheSourceWithALineNamingTheCommandAndStatus() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.rejecting = (.leSetScanParameters, .commandDisallowed)
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let collector = ObservationCollector()
        let error = await #expect(throws: BLECaptureError.self) { try await source(fake, collector).run() }
        #expect(error == .controller(.commandRejected(.leSetScanParameters, .commandDisallowed), device: fake.devicePath))
        #expect(error?.description == "\(fake.devicePath): the controller rejected LE Set Scan Parameters (0x200b): Command Disallowed (0x0c)")
        // A BlueZ adapter is shared: there the usual cause is said, with what to do.
        let shared = BLECaptureError.controller(.commandRejected(.leSetScanEnable, .commandDisallowed), device: "hci0")
        #expect(shared.description.hasSuffix("another program is scanning with this controller (bluetoothd's discovery: 'bluetoothctl scan off', or stop bluetooth) — stop it, then retry"), "\(shared)")
        #expect(collector.count == 0)
    }

    @Test func aControllerThatRefusesExtendedScanningIsScannedTheLegacyWay() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.supportsExtendedScanning = true
        behaviour.rejecting = (.leSetExtendedScanParameters, .unknownCommand)
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let collector = ObservationCollector()
        let task = Task { try await source(fake, collector).run() }
        await collector.wait(for: 10)
        task.cancel()
        try await task.value
        // "Scanning off" may reach a starved fake after the source has closed the port.
        try #require(await waitUntil { fake.commands.last?.opcode == .leSetScanEnable && fake.commands.last?.parameters.first == 0 })
        #expect(collector.count >= 10)
        #expect(fake.commands.map(\.opcode).suffix(4) == [.leSetExtendedScanParameters, .leSetScanParameters, .leSetScanEnable, .leSetScanEnable])
    }

    @Test func aCommandRejectedThroughCommandStatusIsAlsoReported() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.rejecting = (.leSetEventMask, .unknownCommand)
        behaviour.rejectWithCommandStatus = true
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let error = await #expect(throws: BLECaptureError.self) { try await source(fake, ObservationCollector()).run() }
        #expect(error == .controller(.commandRejected(.leSetEventMask, .unknownCommand), device: fake.devicePath))
    }

    @Test func garbageBetweenPacketsIsSkippedAndEveryReportStillArrives() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.garbageBetweenPackets = true
        behaviour.goAwayAfterReports = 40
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let collector = ObservationCollector()
        let metrics = TestMetrics()
        // The fake goes away after 40 reports; by then all 40 must have been decoded.
        await #expect(throws: BLECaptureError.controllerGone(device: fake.devicePath)) { try await source(fake, collector, metrics: metrics).run() }
        #expect(collector.count == 40)
        #expect(try metrics.expectCounter("footfall_ble_advertisements_total", [("source", "h4")]).totalValue == 40)
        #expect(try metrics.expectCounter("footfall_ble_resynchronised_bytes_total", [("source", "h4")]).totalValue > 0)
        #expect(collector.observations.filter { $0.device == Self.beacon }.count == 20)
    }

    @Test func aControllerThatGoesAwayEndsTheSourceWithControllerGone() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.goAwayAfterReports = 5
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let collector = ObservationCollector()
        let error = await #expect(throws: BLECaptureError.self) { try await source(fake, collector).run() }
        #expect(error == .controllerGone(device: fake.devicePath))
        #expect(error?.description == "the controller on \(fake.devicePath) went away (port closed or device unplugged)")
        #expect(collector.count == 5)
    }

    @Test func aHardwareErrorDuringSetupIsReported() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.hardwareErrorOn = .readBDADDR
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let error = await #expect(throws: BLECaptureError.self) { try await source(fake, ObservationCollector()).run() }
        #expect(error == .controller(.hardwareError(code: 0x42), device: fake.devicePath))
    }

    /// A controller that reports a Hardware Error after five reports (and, with `again`, once
    /// more on the Reset that follows), scanned until 20 observations came: the resets counted,
    /// and the commands it was sent.
    func scanThroughHardwareErrors(again: Bool) async throws -> (recoveries: Int64, commands: [HCICommand]) {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.hardwareErrorAfterReports = 5
        behaviour.hardwareErrorOnTheResetAfter = again
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        let collector = ObservationCollector()
        let metrics = TestMetrics()
        let task = Task { try await source(fake, collector, metrics: metrics).run() }
        await collector.wait(for: 20)
        task.cancel()
        try await task.value
        #expect(collector.count >= 20)
        return (try metrics.expectCounter("footfall_ble_recoveries_total", [("source", "h4")]).totalValue, fake.commands)
    }

    @Test func aHardwareErrorWhileScanningResetsTheControllerAndScanningResumes() async throws {
        let (recoveries, commands) = try await scanThroughHardwareErrors(again: false)
        #expect(recoveries == 1)
        #expect(commands.filter { $0.opcode == .reset }.count == 2)
        #expect(commands.filter { $0.opcode == .leSetScanEnable && $0.parameters.first == 1 }.count == 2)
    }

    /// A controller that fails again while being set up anew: one more reset of the few, not
    /// the end of the source (audit: the second error ended it at once).
    @Test func aHardwareErrorWhileSettingUpAgainIsOneMoreReset() async throws {
        let (recoveries, commands) = try await scanThroughHardwareErrors(again: true)
        #expect(recoveries == 2)
        #expect(commands.filter { $0.opcode == .reset }.count == 3)
    }

    @Test func aMissingSerialDeviceSaysSo() async throws {
        let collector = ObservationCollector()
        let source = H4SerialSource(device: SerialDevice(path: "/dev/footfall-no-such-tty"), sensor: "s", logger: Self.logger, onObservation: collector.handler)
        await #expect(throws: BLECaptureError.serialDeviceMissing(path: "/dev/footfall-no-such-tty")) { try await source.run() }
    }

    @Test func deviceSpecificationsParseBaudRatesAndRefuseUnknownOnes() throws {
        #expect(try SerialDevice.parse("/dev/ttyUSB0") == SerialDevice(path: "/dev/ttyUSB0", baudRate: 115_200))
        #expect(try SerialDevice.parse("/dev/ttyACM1@921600").baudRate == 921_600)
        #expect(throws: BLECaptureError.unsupportedBaudRate(12345)) { try SerialDevice.parse("/dev/ttyUSB0@12345") }
        #expect(throws: BLECaptureError.badDeviceSpecification("@9600")) { try SerialDevice.parse("@9600") }
    }
}
