import BLE
import FootfallCore
import FootfallTesting
import Foundation
import Pipeline
import Testing

/// A phone whose private address rotates is one consented identity when the store registered
/// its identity resolving key (`identity.identity_keys`), whatever source brought the
/// `ble-rpa:` ids; without the key it is one anonymous device, its addresses followed as they
/// change (`RotatingAddressLinker`), counted and never profiled.
@Suite struct IdentityKeysPipelineTests {
    /// The key of the Core Specification's sample data (Vol 3 Part H, D.7).
    static let key = try! IdentityResolvingKey(name: "loyalty-42", hex: "ec0234a357c8ad05341010a60a397d9b")

    /// A resolvable private address made from `key` with `prand` (its top two bits 01).
    static func address(_ prand: UInt32) -> DeviceID {
        let raw = UInt64(prand) << 24 | UInt64(key.ah(prand))
        let octets = (0..<6).reversed().map { String(format: "%02x", (raw >> UInt64($0 * 8)) & 0xFF) }
        return DeviceID("ble-rpa:" + octets.joined(separator: ":"))
    }

    /// Four minutes standing in the middle of the demo store, the address rotating every
    /// 80 s, then gone; the pipeline runs until the visit has ended.
    static func run(resolver: IdentityResolver, customers: [DeviceID: String]) throws -> [Pipeline.Output] {
        var configuration = try StoreConfiguration.load(path: Fixtures.store("demo-store").path)
        configuration.identity.anonymousEvents = false
        let layout = configuration.layout
        let addresses = [address(0x708194), address(0x4A1234), address(0x5BCDEF)]
        let position = Point(x: 20, y: 12)
        var pipeline = try Pipeline(configuration: configuration, customers: customers, resolver: resolver)
        var outputs: [Pipeline.Output] = []
        for step in 0..<1_200 {
            let t = 10_000.0 + Double(step) * 0.2
            let device = addresses[min(step / 400, 2)]
            for sensor in layout.sensors {
                let distance = sensor.position.distance(to: position, height: layout.deviceHeight)
                let rssi = sensor.pathLoss(for: .ble).rssi(atDistance: distance).rounded()
                try pipeline.ingest(Observation(time: t, sensor: sensor.id, device: device, rssi: rssi), into: &outputs)
            }
        }
        try pipeline.finish(into: &outputs)
        return outputs
    }

    @Test func theSampleAddressesAreResolvablePrivateAddressesOfTheKey() throws {
        let id = Self.address(0x708194)
        #expect(id == "ble-rpa:70:81:94:0d:fb:aa", "the specification's sample address")
        for prand: UInt32 in [0x708194, 0x4A1234, 0x5BCDEF] {
            let address = try #require(BluetoothAddress(Self.address(prand).rawValue.dropFirst("ble-rpa:".count)))
            #expect(IdentityResolver(keys: [Self.key]).resolve(address) == "loyalty-42")
        }
    }

    @Test func withTheKeyTheRotatingPhoneIsOneIdentifiedVisitWithItsCustomerID() throws {
        let outputs = try Self.run(
            resolver: IdentityResolver(keys: [Self.key]), customers: ["irk:loyalty-42": "cust-42"])
        let devices = Set(outputs.compactMap { if case .position(let p) = $0 { p.device } else { nil } })
        #expect(devices == ["irk:loyalty-42"], "every address is the same identity")
        let entered = outputs.compactMap { if case .event(let e, let d, let deliverable, _, _) = $0, e.type == .storeEntered { (e, d, deliverable) } else { nil } }
        #expect(entered.count == 1)
        let (event, device, deliverable) = try #require(entered.first)
        #expect(device == "irk:loyalty-42")
        #expect(deliverable)
        #expect(event.customerID == "cust-42")
        let exited = outputs.compactMap { if case .event(let e, _, _, _, _) = $0, e.type == .storeExited { e } else { nil } }
        #expect(exited.count == 1)
        // The visit spans all three addresses: heard for 240 s, and placed for up to the
        // locator's 5 s window after the last reading.
        let duration = try #require(exited.first?.visitDurationSeconds)
        #expect(duration >= 235 && duration <= 246, "\(duration)")
    }

    /// Without the key the phone is still one visit: its next address, heard where and as loud
    /// as the last one fell silent, is taken as the same device (it had been three devices and
    /// three visits, one per address); nothing about it may leave the gateway.
    @Test func withoutTheKeyTheRotatingPhoneIsOneAnonymousVisitThatNoEventProfiles() throws {
        let outputs = try Self.run(resolver: IdentityResolver(), customers: ["irk:loyalty-42": "cust-42"])
        let devices = Set(outputs.compactMap { if case .position(let p) = $0 { p.device } else { nil } })
        #expect(devices == [Self.address(0x708194)], "placed under its first address throughout: \(devices)")
        let entered = outputs.filter { if case .event(let e, _, _, _, _) = $0 { e.type == .storeEntered } else { false } }
        #expect(entered.count == 1)
        let exited = outputs.compactMap { if case .event(let e, _, _, _, _) = $0, e.type == .storeExited { e } else { nil } }
        let duration = try #require(exited.first?.visitDurationSeconds)
        #expect(exited.count == 1 && duration >= 235 && duration <= 246, "\(exited.count) exits, \(duration) s")
        let deliverable = outputs.filter { if case .event(let e, _, true, _, _) = $0 { e.type != .storeTraffic } else { false } }
        #expect(deliverable.isEmpty, "anonymous devices are only counted")
    }

    @Test func anotherKeysAddressesStayAnonymous() throws {
        let other = try IdentityResolvingKey(name: "someone-else", hex: "00112233445566778899aabbccddeeff")
        let outputs = try Self.run(resolver: IdentityResolver(keys: [other]), customers: [:])
        let devices = Set(outputs.compactMap { if case .position(let p) = $0 { p.device } else { nil } })
        #expect(devices.count == 1)
        #expect(devices.allSatisfy { $0.kind == .bleRPA })
    }
}
