import BLE
import FootfallCore
import NIOCore
import Testing

/// Sample data of the Core Specification, Vol 3 Part H Appendix D.7 (ah):
/// IRK ec0234a357c8ad05341010a60a397d9b, prand 708194 → hash 0dfbaa.
@Suite struct IdentityResolutionTests {
    static let key = try! IdentityResolvingKey(name: "loyalty-42", hex: "ec0234a357c8ad05341010a60a397d9b")

    /// A key is described by its name only, however it is printed: a service holding keys is
    /// described in the debug log.
    @Test func aKeyIsPrintedWithoutItsBytes() {
        struct Holder { var keys: [IdentityResolvingKey] }
        let holder = Holder(keys: [Self.key])
        var dumped = ""
        dump(holder, to: &dumped)
        for text in ["\(Self.key)", String(reflecting: Self.key), "\(holder)", String(reflecting: holder), dumped] {
            #expect(text.contains("loyalty-42"), "\(text)")
            #expect(!text.contains("236, 2, 52") && !text.lowercased().contains("ec0234") && !text.lowercased().contains("0xec, 0x02"), "\(text)")
        }
    }

    @Test func theAhFunctionMatchesTheSpecificationSampleData() {
        #expect(Self.key.ah(0x708194) == 0x0DFBAA)
    }

    @Test func theSampleAddressResolvesToTheRegisteredName() throws {
        let address = try #require(BluetoothAddress("70:81:94:0D:FB:AA"))
        #expect(address.randomSubtype == .resolvablePrivate)
        #expect(IdentityResolver(keys: [Self.key]).resolve(address) == "loyalty-42")
        #expect(IdentityResolver(keys: [Self.key]).resolve(try #require(BluetoothAddress("70:81:94:0D:FB:AB"))) == nil)
    }

    @Test func theConverterNamesResolvedAddressesByKeyAndOthersByKind() throws {
        var converter = ObservationConverter(sensor: "s1", resolver: IdentityResolver(keys: [Self.key]))
        func observe(_ address: String, _ type: AddressType) -> DeviceID? {
            let report = LEAdvertisingReport(kind: .legacy, eventType: 0, addressType: type, address: BluetoothAddress(address)!, rssi: -70)
            return converter.observation(from: report, time: 1)?.device
        }
        #expect(observe("70:81:94:0D:FB:AA", .randomDevice) == "irk:loyalty-42")
        #expect(observe("70:81:94:0D:FB:AB", .randomDevice) == "ble-rpa:70:81:94:0d:fb:ab")
        #expect(observe("3A:81:94:0D:FB:AB", .randomDevice) == "ble-rpa:3a:81:94:0d:fb:ab")
        #expect(observe("C4:81:94:0D:FB:AB", .randomDevice) == "ble:c4:81:94:0d:fb:ab")
        #expect(observe("00:1A:7D:DA:71:13", .publicDevice) == "ble:00:1a:7d:da:71:13")
        #expect(observe("00:1A:7D:DA:71:13", .anonymous) == nil)
    }

    @Test func aWrongLengthKeyIsRefusedWithItsName() {
        #expect(throws: IdentityKeyError.notHex(name: "k", text: "abcd")) { try IdentityResolvingKey(name: "k", hex: "abcd") }
    }
}
