import BLE
import FootfallTesting
import Foundation
import Testing

/// The real `footfall` binary: `scan` and `convert btsnoop`.
@Suite(.serialized) struct ScanCommandLineTests {
    static let horizon = Fixtures.dataset("btsnoop/horizon-74-ibeacon.btsnoop").path

    /// Runs the binary on a thread of its own: waiting for a child process must not hold one of
    /// the few cooperative threads other suites' async tests need (a dispatch global queue's
    /// thread is one of them).
    func footfall(_ arguments: [String]) async throws -> FootfallProcess.Result {
        try await FootfallProcess.run(arguments)
    }

    @Test(.disabled(if: BlueZHCISourceTests.kernelHasBluetooth, "this kernel has Bluetooth sockets"))
    func scanWithoutBluetoothInTheKernelPrintsOneLineAndExitsNonZero() async throws {
        let result = try await footfall(["scan"])
        #expect(result.status != 0)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.standardError)")
        #expect(result.standardError.contains("AF_BLUETOOTH") && result.standardError.contains("--h4") && result.standardError.contains("--btsnoop"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func scanningASnoopLogAsJSONPrintsOneLinePerAdvertisingReport() async throws {
        let result = try await footfall(["scan", "--btsnoop", Self.horizon, "--as-fast-as-possible", "--json", "--sensor", "s9"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 412)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"time\":") && $0.contains("\"sensor\":\"s9\"") })
        #expect(lines.contains { $0.contains("\"device\":\"ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20597:62207\"") && $0.contains("\"tx_power\":-62") })
    }

    @Test func scanningASnoopLogPrintsATableOfDevices() async throws {
        let result = try await footfall(["scan", "--btsnoop", Self.horizon, "--as-fast-as-possible"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("DEVICE"))
        #expect(result.standardOutput.contains("ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20594:62207"))
        #expect(result.standardOutput.contains("412 advertisements"))
    }

    @Test func scanningAFakeSerialControllerForFiveSecondsPrintsItsAdvertisementsAndPutsItBack() async throws {
        var behaviour = FakeHCIController.Behaviour()
        behaviour.supportsExtendedScanning = true
        behaviour.reportInterval = .milliseconds(20)
        let fake = try FakeHCIController(behaviour: behaviour)
        defer { fake.stop() }
        // The duration counts from the controller's set-up, which a loaded run can make take a
        // second or more; five leave time for the reports.
        let result = try await footfall(["scan", "--h4", "\(fake.devicePath)@921600", "--duration", "5", "--json", "--sensor", "gw"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count >= 5)
        #expect(lines.contains { $0.contains("\"device\":\"ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20594:62207\"") && $0.contains("\"address_type\":\"random-static\"") })
        #expect(lines.contains { $0.contains("\"device\":\"ble:00:1a:7d:da:71:13\"") && $0.contains("\"rssi\":-75") })
        // "Scanning off" may reach a starved fake after the process has closed the port.
        #expect(await waitUntil { fake.commands.last?.opcode == .leSetExtendedScanEnable && fake.commands.last?.parameters.first == 0 })
    }

    @Test func twoSourcesAtOnceAreRefused() async throws {
        let result = try await footfall(["scan", "--hci", "hci0", "--btsnoop", Self.horizon])
        #expect(result.status != 0)
        #expect(result.standardError.contains("choose one source"))
    }

    @Test func convertBtsnoopWritesATraceWithEveryReport() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("horizon.csv").path
        let result = try await footfall(["convert", "btsnoop", Self.horizon, "--sensor", "s1", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "time,sensor,device,rssi,tx_power,radio,channel")
        #expect(lines.count == 413)
        #expect(lines.contains("1612150079.789349,s1,ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20594:62207,-49,-62,ble,"))
        #expect(result.standardOutput.contains("412 observations"))
    }

    /// A capture cut off in the middle of a packet keeps every packet before the cut, with a
    /// warning, as a cut btsnoop log does.
    @Test func convertPcapKeepsThePacketsBeforeACut() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Data(contentsOf: Fixtures.dataset("wifi-probes-fryza/sc6-61_2022-11-24.pcap"))
        let cutPath = directory.appendingPathComponent("cut.pcap").path
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cutPath))
        let out = directory.appendingPathComponent("cut.csv").path
        let result = try await footfall(["convert", "pcap", cutPath, "--sensor", "s2", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("the capture was cut short"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        // The whole capture gives 2,321; about half of them lie before the cut.
        #expect(lines.count > 800 && lines.count < 1_600, "\(lines.count) lines")
        #expect(result.standardOutput.contains("\(lines.count - 1) observations"), "\(result.standardOutput)")
    }

    @Test func aMalformedIdentityKeyIsRefusedBeforeAnythingRuns() async throws {
        let result = try await footfall(["convert", "btsnoop", Self.horizon, "--sensor", "s1", "--out", "/tmp/footfall-never.csv", "--irk", "shop=abcd"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--irk shop=abcd: irk: is not 32 hex digits"))
        #expect(result.standardError.split(separator: "\n").count == 1)
        // Held to the keys file's rules: a name that cannot be a device id, one key twice.
        let unnamed = try await footfall(["convert", "btsnoop", Self.horizon, "--sensor", "s1", "--out", "/tmp/footfall-never.csv", "--irk", "a b=ec0234a357c8ad05341010a60a397d9b"])
        #expect(unnamed.status != 0 && unnamed.standardError.contains("'a b' is not a key name"))
        let twice = try await footfall([
            "convert", "btsnoop", Self.horizon, "--sensor", "s1", "--out", "/tmp/footfall-never.csv",
            "--irk", "a=ec0234a357c8ad05341010a60a397d9b", "--irk", "b=EC:02:34:A3:57:C8:AD:05:34:10:10:A6:0A:39:7D:9B",
        ])
        #expect(twice.status != 0 && twice.standardError.contains("is also the key of 'a'"))
    }

    @Test func convertingAMissingFileIsOneLine() async throws {
        let result = try await footfall(["convert", "btsnoop", "/nonexistent.btsnoop", "--sensor", "s1", "--out", "/tmp/footfall-never.csv"])
        #expect(result.status != 0)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardError.contains("/nonexistent.btsnoop"))
    }
}
