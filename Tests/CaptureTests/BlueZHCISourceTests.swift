import Capture
import Foundation
import Logging
import Testing

@Suite struct BlueZHCISourceTests {
    static let logger = Logger(label: "test.bluez")

    /// The machines that build Footfall have no AF_BLUETOOTH; where one does, the socket opens
    /// and this test does not apply.
    static var kernelHasBluetooth: Bool {
        let fd = socket(31 /* AF_BLUETOOTH */, Int32(SOCK_RAW.rawValue), 1 /* BTPROTO_HCI */)
        if fd >= 0 { close(fd); return true }
        return errno != EAFNOSUPPORT
    }

    @Test(.disabled(if: kernelHasBluetooth, "this kernel has Bluetooth sockets"))
    func withoutAFBluetoothTheSourceFailsAtOnceNamingTheOtherSources() async throws {
        let source = BlueZHCISource(adapter: "hci0", sensor: "s1", logger: Self.logger, onObservation: { _ in })
        let error = await #expect(throws: BLECaptureError.self) { try await source.run() }
        #expect(error == .bluetoothUnsupported(adapter: "hci0"))
        let line = try #require(error?.description)
        #expect(!line.contains("\n"))
        // The store file's source types as well as scan's options: the daemon says it too.
        #expect(line.contains("AF_BLUETOOTH") && line.contains("type h4") && line.contains("--h4") && line.contains("type btsnoop") && line.contains("--btsnoop"))
    }

    @Test func anAdapterNameThatIsNotHciNIsMissing() async {
        let source = BlueZHCISource(adapter: "bluetooth0", sensor: "s1", logger: Self.logger, onObservation: { _ in })
        await #expect(throws: BLECaptureError.adapterMissing(adapter: "bluetooth0")) { try await source.run() }
    }

    @Test func aBusyAdapterSaysBluetoothdHoldsItAndHowToFreeIt() {
        let line = BLECaptureError.adapterBusy(adapter: "hci1").description
        #expect(line == "hci1 is busy: bluetoothd holds it; free it with 'sudo systemctl stop bluetooth' or 'sudo btmgmt --index 1 power off', then retry")
    }
}
