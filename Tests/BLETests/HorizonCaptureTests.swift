import BLE
import FootfallCore
import FootfallTesting
import Foundation
import NIOCore
import Testing

/// The real Android snoop log `btsnoop/horizon-74-ibeacon.btsnoop`, checked against the oracle
/// in shared/datasets/README.md.
@Suite struct HorizonCaptureTests {
    static func load() throws -> (BtsnoopDatalink, [BtsnoopRecord]) {
        let data = try Data(contentsOf: Fixtures.dataset("btsnoop/horizon-74-ibeacon.btsnoop"))
        return try BtsnoopParser.records(in: ByteBuffer(bytes: data))
    }

    static func advertisingReports() throws -> [[LEAdvertisingReport]] {
        let (datalink, records) = try load()
        return try records.compactMap { record -> [LEAdvertisingReport]? in
            guard let packet = record.packet(datalink: datalink), packet.type == .event,
                  case .leMeta(.advertisingReports(let reports)) = try HCIEventDecoder.decode(packet.packet) else { return nil }
            return reports
        }
    }

    /// A record stamped with any 64-bit value has a time (the difference from the epoch
    /// overflowed for Int64.min and trapped every reader of the file; fuzz audit).
    @Test func aRecordStampedAtTheEndsOfSixtyFourBitsHasATime() throws {
        for stamp in [Int64.min, Int64.max, 0] {
            var bytes = Array("btsnoop\0".utf8) + [0, 0, 0, 1, 0, 0, 0x03, 0xEA]
            let data: [UInt8] = [4, 0x3e, 0x0c, 2, 1, 0, 1, 1, 2, 3, 4, 5, 0xc6, 0, 0xc4]
            func be32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
            bytes += be32(data.count) + be32(data.count) + be32(1) + be32(0)
            bytes += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: stamp) >> (56 - 8 * UInt64($0))) }
            bytes += data
            let (_, records) = try BtsnoopParser.records(in: ByteBuffer(bytes: bytes))
            #expect(records.count == 1 && records[0].time.isFinite, "\(stamp)")
        }
    }

    @Test func theHeaderSaysVersionOneH4AndAllRecordsAreRead() throws {
        var parser = BtsnoopParser()
        parser.feed(ByteBuffer(bytes: try Data(contentsOf: Fixtures.dataset("btsnoop/horizon-74-ibeacon.btsnoop"))))
        var count = 0
        while try parser.next() != nil { count += 1 }
        #expect(parser.version == 1)
        #expect(parser.datalink == .hciUART)
        #expect(count == 2_572)
        #expect(parser.pendingBytes == 0)
    }

    @Test func everyEventInTheCaptureDecodes() throws {
        let (datalink, records) = try Self.load()
        for record in records {
            guard let packet = record.packet(datalink: datalink), packet.type == .event else { continue }
            #expect(throws: Never.self, "record \(record.index)") { try HCIEventDecoder.decode(packet.packet) }
        }
    }

    @Test func thereAre412AdvertisingReportEventsWithRSSIFromMinus99ToMinus26() throws {
        let events = try Self.advertisingReports()
        #expect(events.count == 412)
        let rssi = events.flatMap { $0 }.compactMap(\.rssi)
        #expect(rssi.min() == -99)
        #expect(rssi.max() == -26)
    }

    @Test func theIBeaconIdentitiesAndMeasuredPowerAreExact() throws {
        let reports = try Self.advertisingReports().flatMap { $0 }
        var beacons: [IBeacon] = []
        var addresses: Set<BluetoothAddress> = []
        for report in reports {
            if case .ibeacon(let beacon)? = try AdvertisingData(parsing: report.data).beacon {
                beacons.append(beacon)
                addresses.insert(report.address)
            }
        }
        #expect(!beacons.isEmpty)
        #expect(Set(beacons.map(\.uuidString)) == ["494e5445-4c4c-495f-524f-434b535f4857"])
        #expect(Set(beacons.map(\.major)) == [20594, 20597])
        #expect(Set(beacons.map(\.minor)) == [62207])
        #expect(Set(beacons.map(\.measuredPower)) == [-62])
        #expect(addresses.count == 4)
    }

    @Test func theConverterNamesIBeaconsByTheirIdentityWithMeasuredPower() throws {
        let (datalink, records) = try Self.load()
        var converter = ObservationConverter(sensor: "s1")
        var observations: [Observation] = []
        for record in records {
            guard let packet = record.packet(datalink: datalink), packet.type == .event else { continue }
            try converter.forEachObservation(inEvent: packet.packet, time: record.time) { observations.append($0) }
        }
        let beacons = observations.filter { $0.device.kind == .ibeacon }
        #expect(Set(beacons.map(\.device)) == [
            "ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20594:62207",
            "ibeacon:494e5445-4c4c-495f-524f-434b535f4857:20597:62207",
        ])
        #expect(beacons.allSatisfy { $0.txPower == -62 && $0.radio == .ble && $0.sensor == "s1" })
        #expect(observations.allSatisfy { (-99 ... -26).contains($0.rssi) })
        // Recorded on 2021-02-01 (UTC).
        #expect(observations.allSatisfy { (1_612_137_600 ..< 1_612_224_000).contains($0.time) })
    }

    /// These beacons put their frame in the scan response: their plain advertisements, from the
    /// same address, were a `ble:` device of their own — each beacon two devices (audit). Once
    /// an address has been heard with its beacon frame, it is the beacon.
    @Test func aBeaconsPlainAdvertisementsAfterItsFrameAreTheBeacon() throws {
        let (datalink, records) = try Self.load()
        var converter = ObservationConverter(sensor: "s1")
        var beaconAddresses: Set<BluetoothAddress> = []
        var plainAfterFrame = 0, beaconObservations = 0
        for record in records {
            guard let packet = record.packet(datalink: datalink), packet.type == .event else { continue }
            try converter.forEachAdvertisement(inEvent: packet.packet, time: record.time) { observation, report in
                if observation.device.kind == .ibeacon {
                    beaconAddresses.insert(report.address)
                    beaconObservations += 1
                } else if beaconAddresses.contains(report.address) {
                    plainAfterFrame += 1
                }
            }
        }
        #expect(beaconAddresses.count == 4)
        #expect(plainAfterFrame == 0)
        #expect(beaconObservations == 18, "11 frames and 7 plain advertisements after them")
    }

    @Test func theCaptureFramedAsAStreamGivesTheSameEventsWholeAndByteByByte() throws {
        let (datalink, records) = try Self.load()
        var stream: [UInt8] = []
        for record in records { if let packet = record.packet(datalink: datalink) { stream += H4Packet(type: packet.type, packet: packet.packet).bytes } }
        let whole = H4Harness.frame([stream])
        let bytewise = H4Harness.frame(stream.map { [$0] })
        #expect(whole.count == records.count)
        #expect(whole == bytewise)
    }
}

enum H4Harness {
    static func frame(_ chunks: [[UInt8]], accepting: Set<H4PacketType> = Set(H4PacketType.allCases)) -> [H4Packet] {
        var decoder = H4FrameDecoder(accepting: accepting)
        var packets: [H4Packet] = []
        for chunk in chunks {
            decoder.feed(chunk)
            while let packet = decoder.next() { packets.append(packet) }
        }
        return packets
    }
}
