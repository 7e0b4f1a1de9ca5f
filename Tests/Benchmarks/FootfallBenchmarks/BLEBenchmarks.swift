import BLE
import Benchmark
import FootfallCore
import NIOCore

/// Issue 3's target: at least 5 million LE advertising reports decoded into observations per
/// second on one core, release build. The input is a mix of what a store hears: iBeacons,
/// phones with public and rotating addresses, an AltBeacon, an Eddystone UID and extended
/// reports with reserved event-type bits.
func registerBLEBenchmarks() {
    let events = BLEBenchmarkEvents.mixed
    Benchmark(
        "BLE advertising reports to observations",
        configuration: .init(
            metrics: [.throughput, .wallClock, .mallocCountTotal],
            scalingFactor: .mega, maxDuration: .seconds(10), maxIterations: 20
        )
    ) { benchmark in
        var converter = ObservationConverter(sensor: "gw-1")
        var rssiSum = 0.0
        for index in benchmark.scaledIterations {
            try? converter.forEachObservation(inEvent: events[index & (events.count - 1)], time: Double(index)) { observation in
                rssiSum += observation.rssi
            }
        }
        blackHole(rssiSum)
    }

    Benchmark(
        "BLE H4 framing and event decoding",
        configuration: .init(metrics: [.throughput, .wallClock], scalingFactor: .kilo, maxDuration: .seconds(5))
    ) { benchmark in
        let stream = events.flatMap { [H4PacketType.event.rawValue] + Array($0.readableBytesView) }
        var decoded = 0
        for _ in benchmark.scaledIterations {
            var decoder = H4FrameDecoder(accepting: [.event], eventCodes: H4FrameDecoder.lowEnergyHostEvents)
            decoder.feed(stream)
            while let packet = decoder.next() {
                if (try? HCIEventDecoder.decode(packet.packet)) != nil { decoded += 1 }
            }
        }
        blackHole(decoded)
    }
}

enum BLEBenchmarkEvents {
    /// 1024 single-report events (a power of two, so the loop indexes with a mask).
    static let mixed: [ByteBuffer] = {
        var random = SystemRandomNumberGenerator()
        let ibeacon: [UInt8] = [0x02, 0x01, 0x06, 0x1A, 0xFF, 0x4C, 0x00, 0x02, 0x15,
                                0x49, 0x4E, 0x54, 0x45, 0x4C, 0x4C, 0x49, 0x5F, 0x52, 0x4F, 0x43, 0x4B, 0x53, 0x5F, 0x48, 0x57]
        let altbeacon: [UInt8] = [0x1B, 0xFF, 0x18, 0x01, 0xBE, 0xAC] + Array(repeating: 0x11, count: 16) + [0, 1, 0, 2, 0xC5, 0]
        let eddystone: [UInt8] = [0x03, 0x03, 0xAA, 0xFE, 0x17, 0x16, 0xAA, 0xFE, 0x00, 0xEE] + Array(1...16) + [0, 0]
        let phone: [UInt8] = [0x02, 0x01, 0x1A, 0x02, 0x0A, 0x0C, 0x0B, 0xFF, 0x4C, 0x00, 0x10, 0x06, 0x13, 0x1D, 0x2A, 0x3B, 0x4C, 0x5D]
        var events: [ByteBuffer] = []
        for index in 0..<1024 {
            let rssi = UInt8(bitPattern: Int8(-40 - index % 55))
            let device = UInt8(index % 64)
            switch index % 6 {
            case 0, 1:
                let data = ibeacon + [0x50, 0x72, 0xF2, device, 0xC2]
                events.append(legacy(address: [device, 0xBB, 0xAA, 0x40, 0x0C, 0xD0], type: 1, data: data, rssi: rssi))
            case 2:
                events.append(legacy(address: [device, 0x71, 0xDA, 0x7D, 0x1A, 0x00], type: 0, data: phone, rssi: rssi))
            case 3:
                // A resolvable private address (top bits 01) that rotates.
                let low = UInt8.random(in: 0...255, using: &random)
                events.append(legacy(address: [low, device, 0x12, 0x34, 0x56, 0x4A], type: 1, data: phone, rssi: rssi))
            case 4:
                events.append(extended(address: [device, 2, 3, 4, 5, 0xC6], data: index % 12 == 4 ? altbeacon : eddystone, rssi: rssi))
            default:
                events.append(legacy(address: [device, 0xEF, 0xCD, 0xAB, 0x89, 0x67], type: 0, data: phone, rssi: rssi))
            }
        }
        return events
    }()

    static func legacy(address: [UInt8], type: UInt8, data: [UInt8], rssi: UInt8) -> ByteBuffer {
        let parameters: [UInt8] = [0x02, 0x01, 0x00, type] + address + [UInt8(data.count)] + data + [rssi]
        return ByteBuffer(bytes: [0x3E, UInt8(parameters.count)] + parameters)
    }

    static func extended(address: [UInt8], data: [UInt8], rssi: UInt8) -> ByteBuffer {
        let report: [UInt8] = [0x13, 0xFF, 0x01] + address + [0x01, 0x00, 0xFF, 0x7F, rssi, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(data.count)] + data
        let parameters: [UInt8] = [0x0D, 0x01] + report
        return ByteBuffer(bytes: [0x3E, UInt8(parameters.count)] + parameters)
    }
}
